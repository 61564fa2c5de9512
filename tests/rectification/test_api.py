"""The ledger's API: list scope and filters, transitions, field errors, 404 for another department."""

import datetime as dt

import pytest

from rectification.models import Item

from .conftest import pdf

pytestmark = pytest.mark.django_db
BODY = {
    "department": "edu",
    "title": "问题",
    "description": "说明",
    "measures_required": "措施",
    "deadline": "2026-10-01",
}


def test_the_whole_cycle_through_the_api(item, users, api_for):
    filer, sup = api_for("filer"), api_for("supervisor")
    U = f"/api/v1/rectification-items/{item.pk}/"
    assert api_for("filer2").get("/api/v1/rectification-items/").json()["count"] == 0
    assert api_for("filer2").get(f"{U}").status_code == 404
    assert filer.get("/api/v1/rectification-items/?overdue=false").json()["count"] == 1
    bad = filer.post(f"{U}progress/", {"measures_taken": "x", "progress": 150}, format="json")
    assert bad.status_code == 400 and "progress" in bad.json()["errors"]
    r = filer.post(f"{U}submit/", {}, format="json")
    assert r.status_code == 400
    filer.post(f"{U}progress/", {"measures_taken": "已整改", "progress": 100}, format="json")
    r = filer.post(f"{U}evidence/", {"file": pdf()}, format="multipart")
    assert r.status_code == 201
    version = filer.get(f"{U}").json()["version"]
    assert filer.post(f"{U}submit/", {"version": version - 1}, format="json").status_code == 409
    assert filer.post(f"{U}submit/", {"version": version}, format="json").status_code == 200
    assert api_for("finance").post(f"{U}close/", {}, format="json").status_code == 400
    assert filer.post(f"{U}close/", {}, format="json").status_code == 403
    r = sup.post(f"{U}reject/", {"reason": "材料不全"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "open" and r.json()["rejections"] == 1
    filer.post(f"{U}submit/", {}, format="json")
    r = sup.post(f"{U}close/", {"note": "同意"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "closed"
    detail = sup.get(f"{U}").json()
    assert [s["action"] for s in detail["steps"]][-1] == "closed" and len(detail["evidence"]) == 1


def test_create_by_hand_checks_fields(users, departments, api_for):
    r = api_for("supervisor").post(
        "/api/v1/rectification-items/",
        BODY | {"deadline": "2026-08-01"},
        format="json",
    )
    assert r.status_code == 400 and "deadline" in r.json()["errors"]
    r = api_for("supervisor").post(
        "/api/v1/rectification-items/",
        BODY | {"department": "nope"},
        format="json",
    )
    assert r.status_code == 400 and "department" in r.json()["errors"]
    assert api_for("filer").post("/api/v1/rectification-items/", {}, format="json").status_code == 403
    assert not Item.objects.exists()
    r = api_for("supervisor").post(
        "/api/v1/rectification-items/",
        BODY | {"deadline": str(dt.date(2026, 10, 1))},
        format="json",
    )
    assert r.status_code == 201 and r.json()["issuer"] == "supervisor"
