"""Reports over the API: department users open, edit drafts and submit their own; reviewers decide."""

import datetime as dt

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile

from assessments.models import Assignment, Report
from assessments.resources import AssignmentResource

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def opened(plan, q3, api_for, freeze):
    freeze(dt.date(2026, 10, 5))
    response = api_for("filer").post("/api/v1/reports/", {"year": 2026, "period": "Q3"}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def test_filer_fills_and_submits_through_the_api(opened, api_for):
    client = api_for("filer")
    for entry in opened["entries"]:
        code = entry["indicator"]["code"]
        body = {"narrative": "按计划推进", "version": entry["version"]}
        if code == "roads":
            body["actual_value"] = "225"
        elif code == "rate":
            body["actual_value"] = "95"
        else:
            body["completion_pct"] = "80"
        response = client.patch(f"/api/v1/entries/{entry['id']}/", body, format="json")
        assert response.status_code == 200, response.content
        assert response.json()["version"] == entry["version"] + 1
    response = client.post(f"/api/v1/reports/{opened['id']}/submit/", {}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "submitted"
    # the reviewer returns it with a reason, then it is the filer's again
    sup = api_for("supervisor")
    assert sup.post(f"/api/v1/reports/{opened['id']}/return/", {}, format="json").status_code == 400
    response = sup.post(f"/api/v1/reports/{opened['id']}/return/", {"reason": "请补充佐证"}, format="json")
    assert response.json()["status"] == "returned"
    assert client.post(f"/api/v1/reports/{opened['id']}/submit/", {}, format="json").json()["revision"] == 2
    assert sup.post(f"/api/v1/reports/{opened['id']}/approve/", {}, format="json").json()["status"] == "approved"


def test_a_stale_version_is_refused_with_409(opened, api_for):
    entry = opened["entries"][0]
    client = api_for("filer")
    assert (
        client.patch(
            f"/api/v1/entries/{entry['id']}/", {"narrative": "一", "version": entry["version"]}, format="json"
        ).status_code
        == 200
    )
    response = client.patch(
        f"/api/v1/entries/{entry['id']}/", {"narrative": "二", "version": entry["version"]}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["detail"]


def test_status_and_review_fields_cannot_be_set_by_the_filer(opened, api_for):
    entry = opened["entries"][0]
    response = api_for("filer").patch(
        f"/api/v1/entries/{entry['id']}/",
        {"narrative": "x", "review_state": "approved", "status_colour": "achieved", "review_comment": "ok"},
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["review_state"] == "pending" and body["status_colour"] == "none" and body["review_comment"] == ""


def test_field_errors_name_the_field(opened, api_for):
    entry = next(e for e in opened["entries"] if e["indicator"]["code"] == "roads")
    response = api_for("filer").patch(f"/api/v1/entries/{entry['id']}/", {"actual_value": "abc"}, format="json")
    assert response.status_code == 400 and "actual_value" in response.json()["errors"]
    response = api_for("filer").patch(f"/api/v1/entries/{entry['id']}/", {"narrative": "字" * 5000}, format="json")
    assert response.status_code == 400 and "narrative" in response.json()["errors"]


def test_only_reviewers_decide_and_only_department_users_open(opened, api_for):
    assert api_for("filer").post(f"/api/v1/reports/{opened['id']}/approve/", {}, format="json").status_code == 403
    assert api_for("leader").post(f"/api/v1/reports/{opened['id']}/approve/", {}, format="json").status_code == 403
    assert (
        api_for("supervisor").post("/api/v1/reports/", {"year": 2026, "period": "Q3"}, format="json").status_code == 403
    )
    assert api_for("leader").get(f"/api/v1/reports/{opened['id']}/").status_code == 200
    assert api_for("auditor").get("/api/v1/reports/").status_code == 403


def test_evidence_upload_over_the_api(opened, api_for, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    entry = opened["entries"][0]
    client = api_for("filer")
    ok = client.post(
        f"/api/v1/entries/{entry['id']}/evidence/", {"file": SimpleUploadedFile("a.pdf", PDF)}, format="multipart"
    )
    assert ok.status_code == 201 and ok.json()["original_name"] == "a.pdf"
    bad = client.post(
        f"/api/v1/entries/{entry['id']}/evidence/", {"file": SimpleUploadedFile("a.exe", b"MZ...")}, format="multipart"
    )
    assert bad.status_code == 400 and "evidence" in bad.json()["errors"]


def test_reporting_health_endpoint(opened, api_for, freeze):
    freeze(dt.date(2026, 10, 12))
    body = api_for("supervisor").get("/api/v1/reporting-health/", {"year": 2026}).json()
    q3 = next(q for q in body["quarters"] if q["period"] == "Q3")
    assert q3["expected"] == 3 and q3["missing"] == 3  # opened is not submitted
    assert api_for("filer").get("/api/v1/reporting-health/").status_code == 403


def test_assignments_import_preview_then_all_or_nothing(plan, departments):
    headers = [
        "year",
        "department",
        "indicator",
        "basic_target",
        "challenge_target",
        "planned_q1",
        "planned_q2",
        "planned_q3",
        "planned_q4",
    ]
    good = [2026, "edu", "roads", "320", "", "20", "45", "70", "100"]
    bad = [2026, "water", "roads", "300", "", "60", "50", "75", "100"]  # planned progress goes down
    data = tablib.Dataset(good, bad, headers=headers)
    result = AssignmentResource().import_data(data, dry_run=True)
    assert result.has_validation_errors() and result.invalid_rows[0].number == 2
    result = AssignmentResource().import_data(data, dry_run=False)
    assert Assignment.objects.get(plan=plan, department__code="edu", indicator__code="roads").basic_target == 300
    result = AssignmentResource().import_data(tablib.Dataset(good, headers=headers), dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    assert Assignment.objects.get(plan=plan, department__code="edu", indicator__code="roads").basic_target == 320


def test_reports_list_is_scoped(opened, api_for):
    assert [r["id"] for r in api_for("filer").get("/api/v1/reports/").json()["results"]] == [opened["id"]]
    assert api_for("filer2").get("/api/v1/reports/").json()["count"] == 0
    assert Report.objects.count() == 1
