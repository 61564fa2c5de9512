"""Library endpoints: every signed-in business role reads; only the supervisor writes."""

from decimal import Decimal

import pytest

from audit.models import AuditEvent
from indicators.models import Indicator
from tests.factories import CategoryFactory, GradeBandFactory, IndicatorFactory, LibraryFactory, RuleFactory

READERS = ["filer", "dept_head", "supervisor", "finance", "surveyor", "leader", "api_client", "admin"]
NO_BUSINESS_DATA = ["auditor", "security_admin"]
ENDPOINTS = [
    "/api/v1/indicators/",
    "/api/v1/categories/",
    "/api/v1/rules/",
    "/api/v1/libraries/",
    "/api/v1/grade-bands/",
]


@pytest.fixture
def library(db):
    lib = LibraryFactory(year=2025)
    cat = CategoryFactory(library=lib, code="central", name="中心工作", points=Decimal(25))
    IndicatorFactory(library=lib, category=cat, code="invest", name="投资完成率")
    RuleFactory(library=lib, code="accident", name="安全质量事故", points=Decimal(2))
    GradeBandFactory(library=lib)
    return lib


@pytest.mark.parametrize("role", READERS)
@pytest.mark.parametrize("url", ENDPOINTS)
def test_signed_in_business_roles_read(api_for, library, role, url):
    response = api_for(role).get(url, {"year": 2025})
    assert response.status_code == 200, response.content
    assert response.json()["count"] >= 1


@pytest.mark.parametrize("role", NO_BUSINESS_DATA)
def test_audit_and_security_admins_see_no_library(api_for, library, role):
    assert api_for(role).get("/api/v1/indicators/").status_code == 403


def test_anonymous_gets_401(api_for, library):
    response = api_for(None).get("/api/v1/indicators/")
    assert response.status_code == 401
    assert "detail" in response.json()


def _payload(**overrides):
    body = {
        "year": 2025,
        "code": "new_ind",
        "name": "新指标",
        "category": "central",
        "method": "tiered",
        "direction": "ge",
        "basic_target": "90",
        "challenge_target": "100",
        "points": "5",
        "params": {},
    }
    body.update(overrides)
    return body


@pytest.mark.parametrize("role", [r for r in READERS if r != "supervisor"] + NO_BUSINESS_DATA)
def test_only_the_supervisor_writes(api_for, library, role):
    response = api_for(role).post("/api/v1/indicators/", _payload(), format="json")
    assert response.status_code == 403
    assert not Indicator.objects.filter(code="new_ind").exists()


def test_supervisor_creates_and_updates_with_audit(api_for, library):
    client = api_for("supervisor")
    response = client.post("/api/v1/indicators/", _payload(), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["params"] == {"basic_share": "0.8"}
    assert AuditEvent.objects.filter(action="indicators.indicator.created", object_id=str(body["id"])).exists()

    response = client.patch(f"/api/v1/indicators/{body['id']}/", {"name": "改名后的指标"}, format="json")
    assert response.status_code == 200, response.content
    assert Indicator.objects.get(pk=body["id"]).name == "改名后的指标"
    event = AuditEvent.objects.get(action="indicators.indicator.updated", object_id=str(body["id"]))
    assert event.before["name"] == "新指标" and event.after["name"] == "改名后的指标"


def test_invalid_parameters_give_field_level_errors(api_for, library):
    response = api_for("supervisor").post(
        "/api/v1/indicators/", _payload(basic_target="100", challenge_target="90"), format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert "challenge_target" in body["errors"]
    assert body["detail"]
    assert not Indicator.objects.filter(code="new_ind").exists()


def test_scale_bands_out_of_order_are_refused(api_for, library):
    response = api_for("supervisor").post(
        "/api/v1/indicators/",
        _payload(
            method="scale",
            direction="le",
            basic_target=None,
            challenge_target=None,
            params={"bands": [{"bound": "2", "points": "3"}, {"bound": "1", "points": "5"}]},
        ),
        format="json",
    )
    assert response.status_code == 400
    assert "params" in response.json()["errors"]


def test_unknown_category_code_names_the_field(api_for, library):
    response = api_for("supervisor").post("/api/v1/indicators/", _payload(category="nope"), format="json")
    assert response.status_code == 400
    assert "category" in response.json()["errors"]


def test_filters(api_for, library):
    IndicatorFactory(
        library=library, category=library.categories.first(), code="grade_x", method="grade", basic_target=None
    )
    body = api_for("filer").get("/api/v1/indicators/", {"year": 2025, "method": "grade"}).json()
    assert [r["code"] for r in body["results"]] == ["grade_x"]
    body = api_for("filer").get("/api/v1/indicators/", {"year": 2025, "q": "投资"}).json()
    assert [r["code"] for r in body["results"]] == ["invest"]
    assert api_for("filer").get("/api/v1/indicators/", {"year": 2024}).json()["count"] == 0


def test_pagination_shape_and_page_size_cap(api_for, library, monkeypatch):
    from core.api import Pagination

    for i in range(3):
        IndicatorFactory(library=library, category=library.categories.first(), code=f"extra{i}")
    assert Pagination.max_page_size == 500
    monkeypatch.setattr(Pagination, "max_page_size", 2)
    body = api_for("leader").get("/api/v1/indicators/", {"page_size": 100000}).json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 4 and len(body["results"]) == 2 and body["next"]
