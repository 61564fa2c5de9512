"""The department-wide sheet through the API and the pages: the same rules on both doors."""

from decimal import Decimal as D

from django.urls import reverse

from budgets.models import DepartmentSheet, DepartmentTarget

from .department_helpers import DEPARTMENT_SHEET, approved_sheet, draft_sheet
from .factories import approved_project

API = "/api/v1/"


def test_api_open_fill_submit_return_approve(departments, api_for):
    filer, finance = api_for("filer"), api_for("finance")
    opened = filer.post(API + "department-sheets/", {"year": 2026}, format="json")
    assert opened.status_code == 201
    sheet_id = opened.json()["id"]
    assert filer.post(API + "department-sheets/", {"year": 2026}, format="json").status_code == 400  # one a year
    for dimension, name, operator, value, unit in DEPARTMENT_SHEET[:5]:
        body = {"sheet": sheet_id, "dimension": dimension, "name": name, "operator": operator, "value": value}
        assert filer.post(API + "department-targets/", body | {"unit": unit}, format="json").status_code == 201
    refused = filer.post(API + f"department-sheets/{sheet_id}/submit/", {}, format="json")
    assert refused.status_code == 400 and refused.json()["code"] == "incomplete"
    body = {"sheet": sheet_id, "dimension": "satisfaction", "name": "家长满意度", "operator": "ge", "value": "0"}
    bad = filer.post(API + "department-targets/", body, format="json")
    assert bad.status_code == 400 and "value" in bad.json()["errors"]
    body["value"] = "90"
    assert filer.post(API + "department-targets/", body, format="json").status_code == 201
    version = filer.get(API + f"department-sheets/{sheet_id}/").json()["version"]
    stale = filer.post(API + f"department-sheets/{sheet_id}/submit/", {"version": version - 1}, format="json")
    assert stale.status_code == 409
    assert (
        filer.post(API + f"department-sheets/{sheet_id}/submit/", {"version": version}, format="json").status_code
        == 200
    )
    # Another department's user does not see it at all.
    assert api_for("filer2").get(API + f"department-sheets/{sheet_id}/").status_code == 404
    no_reason = finance.post(API + f"department-sheets/{sheet_id}/return/", {"reason": ""}, format="json")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["errors"]
    assert (
        finance.post(API + f"department-sheets/{sheet_id}/return/", {"reason": "补充"}, format="json").json()["status"]
        == "returned"
    )
    assert filer.post(API + f"department-sheets/{sheet_id}/submit/", {}, format="json").status_code == 200
    assert (
        finance.post(API + f"department-sheets/{sheet_id}/approve/", {}, format="json").json()["status"] == "approved"
    )


def test_api_evaluation_with_values_confirm_publish(departments, api_for):
    approved_project(departments["edu"], amount="2000000.00")
    sheet = approved_sheet(departments["edu"])
    finance = api_for("finance")
    targets = list(sheet.targets.order_by("order"))
    values = [{"target": t.pk, "actual": str(t.value), "note": "决算"} for t in targets[1:]]
    values.append({"target": targets[0].pk, "actual": "abc"})
    bad = finance.post(API + f"department-sheets/{sheet.pk}/actuals/", {"values": values}, format="json")
    assert bad.status_code == 400
    assert not DepartmentTarget.objects.filter(sheet=sheet, actual__isnull=False).exists()  # none written
    values[-1]["actual"] = "98.5"
    assert (
        finance.post(API + f"department-sheets/{sheet.pk}/actuals/", {"values": values}, format="json").status_code
        == 200
    )
    detail = finance.get(API + f"department-sheets/{sheet.pk}/").json()
    assert detail["budget"] == {"amount": "2000000.00", "spent": "0.00", "projects": 1}
    evaluation = finance.post(API + f"department-sheets/{sheet.pk}/evaluate/").json()
    assert evaluation["status"] == "draft" and evaluation["total"] == "90.00"  # nothing spent: 0 of 10
    assert sum(D(line["points"]) for line in evaluation["ledger"]) == D(evaluation["total"])
    assert finance.post(API + f"department-evaluations/{evaluation['id']}/publish/").status_code in (400, 409)
    assert finance.post(API + f"department-evaluations/{evaluation['id']}/confirm/").json()["status"] == "confirmed"
    assert finance.post(API + f"department-evaluations/{evaluation['id']}/publish/").json()["status"] == "published"
    assert api_for("filer").get(API + "department-evaluations/").json()["count"] == 1
    assert api_for("filer2").get(API + "department-evaluations/").json()["count"] == 0


def test_api_policy_weights(db, users, api_for):
    finance = api_for("finance")
    bad = finance.patch(API + "department-policies/2026/", {"weight_output": "50"}, format="json")
    assert bad.status_code == 400 and "weight_execution" in bad.json()["errors"]
    ok = finance.patch(API + "department-policies/2026/", {"weight_output": "40", "weight_effect": "5"}, format="json")
    assert ok.status_code == 200 and ok.json()["weight_output"] == "40.00"
    unknown = finance.patch(API + "department-policies/2026/", {"assessment_indicator_code": "nope"}, format="json")
    assert unknown.status_code == 400 and "assessment_indicator_code" in unknown.json()["errors"]


def test_pages_add_target_submit_and_refusals(departments, client_for):
    sheet = draft_sheet(departments["edu"], rows=DEPARTMENT_SHEET[:5])
    filer = client_for("filer")
    page = filer.get(reverse("budgets:department_detail", args=[sheet.pk]))
    assert page.status_code == 200 and "服务对象满意度" in page.content.decode()
    refused = filer.post(reverse("budgets:department_submit", args=[sheet.pk]), {"version": sheet.version})
    assert refused.status_code == 400
    bad = filer.post(
        reverse("budgets:department_target_create", args=[sheet.pk]),
        {"dimension": "satisfaction", "name": "满意度", "operator": "ge", "value": "x", "version": sheet.version},
    )
    assert bad.status_code == 400 and sheet.targets.count() == 5
    added = filer.post(
        reverse("budgets:department_target_create", args=[sheet.pk]),
        {
            "dimension": "satisfaction",
            "name": "满意度",
            "operator": "ge",
            "value": "90",
            "unit": "%",
            "version": sheet.version,
        },
    )
    assert added.status_code == 302
    sheet.refresh_from_db()
    stale = filer.post(reverse("budgets:department_submit", args=[sheet.pk]), {"version": sheet.version - 1})
    assert stale.status_code == 400 and DepartmentSheet.objects.get(pk=sheet.pk).status == "draft"
    assert (
        filer.post(reverse("budgets:department_submit", args=[sheet.pk]), {"version": sheet.version}).status_code == 302
    )
    assert DepartmentSheet.objects.get(pk=sheet.pk).status == "submitted"


def test_page_actuals_marks_the_bad_field_and_writes_nothing(departments, client_for):
    approved_project(departments["edu"])
    sheet = approved_sheet(departments["edu"])
    targets = list(sheet.targets.order_by("order"))
    data = {f"actual_{t.pk}": str(t.value) for t in targets}
    data[f"actual_{targets[0].pk}"] = "很多"
    response = client_for("finance").post(reverse("budgets:department_actuals", args=[sheet.pk]), data)
    assert response.status_code == 400
    assert f'id="actual_{targets[0].pk}"' in response.content.decode()
    assert "is-invalid" in response.content.decode()
    assert not DepartmentTarget.objects.filter(sheet=sheet, actual__isnull=False).exists()


def test_policy_page_refuses_weights_not_adding_up_and_saves_good_ones(db, users, client_for):
    from budgets.models import DepartmentWidePolicy

    finance = client_for("finance")
    url = reverse("budgets:department_policy", args=[2026])
    assert finance.get(url).status_code == 200
    data = {
        "weight_execution": "10",
        "weight_running_cost": "10",
        "weight_management": "15",
        "weight_output": "35",
        "weight_effect": "15",
        "weight_sustainability": "10",
        "weight_satisfaction": "10",
    }
    refused = finance.post(url, data)
    assert refused.status_code == 400 and not DepartmentWidePolicy.objects.exists()
    data["weight_output"] = "30"
    assert finance.post(url, data).status_code == 302
    assert DepartmentWidePolicy.objects.get(year=2026).weights.total == 100
    assert client_for("supervisor").post(url, data).status_code == 403
