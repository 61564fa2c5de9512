"""The budget API: the same rules as the pages, JSON errors by field, no mass assignment, a ledger that adds up."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from audit.models import AuditEvent
from budgets import services
from budgets.models import BudgetPolicy, BudgetProject, BudgetTarget, Evaluation, Recommendation, SpendingRecord

from .factories import approved_project
from .test_import import GOOD_PROJECTS, GOOD_TARGETS, workbook

pytestmark = pytest.mark.django_db
API = "/api/v1/"


@pytest.fixture(autouse=True)
def _frozen_today(monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2026, 12, 31))


def target(project_id, dimension, name, op="ge", value="50", **extra):
    return {"project": project_id, "dimension": dimension, "name": name, "operator": op, "value": value, **extra}


def test_done_means_over_the_api(api_for, users, departments):
    filer, finance = api_for("filer"), api_for("finance")
    response = filer.post(
        API + "budget-projects/",
        {
            "year": 2026,
            "name": "校园文体活动支持资金",
            "amount": "2396300.00",
            "status": "approved",  # read-only: ignored
            "department": {"code": "water"},  # read-only: ignored
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft" and body["department"]["code"] == "edu" and body["amount_wan"] == "239.63"
    pid = body["id"]
    for row in [
        target(pid, "cost", "讲师课时费标准", "le", "200", subdimension="cost", unit="元/人·课时"),
        target(pid, "output", "组织活动场次", subdimension="quantity", unit="场"),
        target(pid, "effect", "覆盖学校数", value="120", subdimension="social"),
    ]:
        assert filer.post(API + "budget-targets/", row, format="json").status_code == 201

    response = filer.post(API + f"budget-projects/{pid}/submit/", {}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert "满意度" in body["detail"] and body["errors"]["targets"]
    assert BudgetProject.objects.get(pk=pid).status == "draft"

    assert (
        filer.post(
            API + "budget-targets/", target(pid, "satisfaction", "满意度", value="90"), format="json"
        ).status_code
        == 201
    )
    assert filer.post(API + f"budget-projects/{pid}/submit/", {}, format="json").status_code == 200

    response = finance.post(API + f"budget-projects/{pid}/return/", {"reason": ""}, format="json")
    assert response.status_code == 400 and "reason" in response.json()["errors"]
    response = finance.post(API + f"budget-projects/{pid}/return/", {"reason": "请细化产出目标"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "returned"
    assert response.json()["return_reason"] == "请细化产出目标"
    assert filer.post(API + f"budget-projects/{pid}/submit/", {}, format="json").status_code == 200
    response = finance.post(API + f"budget-projects/{pid}/approve/", {}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "approved"
    revisions = filer.get(API + f"budget-projects/{pid}/revisions/").json()
    assert [r["kind"] for r in revisions] == ["approved", "submitted", "returned", "submitted"]

    response = finance.post(
        API + "budget-spending/", {"project": pid, "date": "2026-05-01", "amount": "2396300.00"}, format="json"
    )
    assert response.status_code == 201
    response = finance.post(
        API + "budget-spending/", {"project": pid, "date": "2026-05-02", "amount": "1.00"}, format="json"
    )
    assert response.status_code == 400
    assert "amount" in response.json()["errors"]
    assert SpendingRecord.objects.filter(project_id=pid).count() == 1
    execution = filer.get(API + f"budget-projects/{pid}/execution/").json()
    assert execution["spent"] == "2396300.00" and execution["rate"] == "100.00"
    assert execution["quarters"][1]["rate"] == "100.00"


def test_department_users_cannot_set_status_or_department_or_actuals(api_for, users, departments):
    project = approved_project(departments["edu"])
    project.status = "draft"
    project.save()
    t = project.targets.first()
    response = api_for("filer").patch(API + f"budget-targets/{t.pk}/", {"actual": "999", "name": "改名"}, format="json")
    assert response.status_code == 200
    t.refresh_from_db()
    assert t.actual is None and t.name == "改名"
    response = api_for("filer").patch(
        API + f"budget-projects/{project.pk}/", {"status": "approved", "year": 2030, "name": "新名"}, format="json"
    )
    assert response.status_code == 200
    project.refresh_from_db()
    assert project.status == "draft" and project.year == 2026 and project.name == "新名"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"dimension": "happiness"}, "dimension"),
        ({"operator": "gt"}, "operator"),
        ({"value": "abc"}, "value"),
        ({"value": "-1", "operator": "le"}, "value"),
        ({"indicator_code": "no_such_indicator"}, "indicator_code"),
        ({"name": "x" * 201}, "name"),
        ({"weight": "1000"}, "weight"),
    ],
)
def test_target_errors_name_the_field(api_for, departments, data, field):
    project = approved_project(departments["edu"], rows=[])
    project.status = "draft"
    project.save()
    body = target(project.pk, "output", "场次", subdimension="quantity")
    body.update(data)
    response = api_for("filer").post(API + "budget-targets/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"], response.json()
    assert not BudgetTarget.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"amount": "-1"}, "amount"),
        ({"amount": "1e20"}, "amount"),
        ({"year": 1900}, "year"),
        ({"funding_source": "lottery"}, "funding_source"),
        ({"description": "x" * 2001}, "description"),
    ],
)
def test_project_errors_name_the_field(api_for, departments, data, field):
    body = {"year": 2026, "name": "项目", "amount": "100.00"}
    body.update(data)
    response = api_for("filer").post(API + "budget-projects/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not BudgetProject.objects.exists()


def test_a_target_of_another_departments_project_answers_as_an_unknown_one(api_for, departments):
    project = approved_project(departments["water"], rows=[])
    project.status = "draft"
    project.save()
    response = api_for("filer").post(API + "budget-targets/", target(project.pk, "output", "x"), format="json")
    unknown = api_for("filer").post(API + "budget-targets/", target(999999, "output", "x"), format="json")
    # Its existence is not revealed: the same field error as for a project that does not exist.
    assert response.status_code == unknown.status_code == 400
    assert list(response.json()["errors"]) == list(unknown.json()["errors"]) == ["project"]
    response = api_for("finance").post(
        API + "budget-spending/", {"project": 999999, "date": "2026-05-01", "amount": "1"}, format="json"
    )
    assert response.status_code == 400  # an unknown project id is a field error


def test_evaluation_ledger_sums_to_the_total(api_for, users, departments):
    project = approved_project(departments["edu"])
    services.spending_record(project=project, actor=users["finance"], date=dt.date(2026, 6, 1), amount="850000")
    values = {
        t.pk: (Decimal(v), "")
        for t, v in zip(project.targets.order_by("order"), ["250", "40", "120", "81"], strict=True)
    }
    response = api_for("finance").post(
        API + f"budget-projects/{project.pk}/actuals/",
        {"values": [{"target": pk, "actual": str(v[0])} for pk, v in values.items()]},
        format="json",
    )
    assert response.status_code == 200
    response = api_for("finance").post(API + f"budget-projects/{project.pk}/evaluate/", {}, format="json")
    assert response.status_code == 201
    body = api_for("filer").get(API + f"budget-evaluations/{response.json()['id']}/").json()
    # 8.50 + 20.00 (activities 25 × 40/50) + 20.00 (fee 25 × 200/250) + 30.00 + 9.00
    assert body["total"] == "87.50" and body["grade"] == "good"
    assert sum(Decimal(line["points"]) for line in body["ledger"]) == Decimal(body["total"])
    kinds = [line["kind"] for line in body["ledger"]]
    assert kinds[0] == "execution" and kinds.count("target") == 4
    assert all(isinstance(line["detail"], str) and line["detail"] for line in body["ledger"])
    listed = api_for("leader").get(API + "budget-evaluations/", {"year": 2026}).json()
    assert listed["count"] == 1 and listed["results"][0]["total"] == "87.50"


def test_actual_for_an_unknown_target_is_refused(api_for, departments):
    project = approved_project(departments["edu"])
    response = api_for("finance").post(
        API + f"budget-projects/{project.pk}/actuals/", {"values": [{"target": 999999, "actual": "1"}]}, format="json"
    )
    assert response.status_code == 400 and "target" in response.json()["errors"]


def test_recommendation_override_over_the_api(api_for, users, departments):
    last = approved_project(departments["edu"], year=2025, amount="1000000.00")
    Evaluation.objects.create(
        project=last,
        number=1,
        total=Decimal("70"),
        grade="fair",
        amount=last.amount,
        spent=last.amount,
        execution_rate=Decimal(100),
        weights={},
        ledger=[],
        status="confirmed",
        confirmed_at=timezone.now(),
    )
    services.recommendations_generate(year=2026, actor=users["finance"], department_grades={})
    row = Recommendation.objects.get()
    response = api_for("finance").post(
        API + f"budget-recommendations/{row.pk}/override/",
        {"final_action": "maintain", "final_amount": "1000000.00", "reason": "重点保障项目"},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["action"] == "cut" and body["percent"] == "-10.00" and body["recommended_amount"] == "900000.00"
    assert body["final_action"] == "maintain" and body["final_amount"] == "1000000.00"
    assert body["effective_amount"] == "1000000.00" and body["reason"] == "重点保障项目"
    summary = api_for("leader").get(API + "budget-recommendations/summary/", {"year": 2026}).json()
    assert summary[0]["decided"] == "1000000.00" and summary[0]["recommended"] == "900000.00"
    export = api_for("api_client").get(API + "budget-recommendations/export/", {"year": 2026})
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")
    assert AuditEvent.objects.filter(action="budgets.recommendation.overridden").exists()


def test_policy_weights_must_add_up_to_100(api_for, users):
    response = api_for("finance").patch(API + "budget-policies/2026/", {"weight_output": "60"}, format="json")
    assert response.status_code == 400 and "weight_execution" in response.json()["errors"]
    assert not BudgetPolicy.objects.exists()
    response = api_for("finance").patch(
        API + "budget-policies/2026/", {"weight_output": "40", "weight_cost": "10"}, format="json"
    )
    assert response.status_code == 200
    assert BudgetPolicy.objects.get(year=2026).weights.cost == Decimal(10)
    assert AuditEvent.objects.filter(action="budgets.policy.created").exists()
    body = api_for("api_client").get(API + "budget-policies/2027/").json()
    assert body["weight_output"] == "50.00"  # defaults for a year finance has not set


def test_import_over_the_api(api_for, departments):
    upload = SimpleUploadedFile("p.xlsx", workbook(GOOD_PROJECTS, GOOD_TARGETS))
    response = api_for("finance").post(API + "budget-projects/import/", {"file": upload}, format="multipart")
    assert response.status_code == 200 and response.json()["valid"] and response.json()["dry_run"]
    assert not BudgetProject.objects.exists()
    upload = SimpleUploadedFile("p.xlsx", workbook(GOOD_PROJECTS, GOOD_TARGETS))
    response = api_for("finance").post(
        API + "budget-projects/import/", {"file": upload, "dry_run": "false"}, format="multipart"
    )
    assert response.status_code == 200 and len(response.json()["created"]) == 2
    bad = [list(r) for r in GOOD_PROJECTS]
    bad[1][1] = "nowhere"
    upload = SimpleUploadedFile("p.xlsx", workbook(bad, []))
    response = api_for("finance").post(
        API + "budget-projects/import/", {"file": upload, "dry_run": "false"}, format="multipart"
    )
    assert response.status_code == 400
    assert response.json()["errors"][0] == {
        "sheet": "projects",
        "row": 3,
        "field": "department",
        "message": response.json()["errors"][0]["message"],
    }


def test_schema_documents_the_budget_endpoints(client_for):
    response = client_for("finance").get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in [
        "/api/v1/budget-projects/",
        "/api/v1/budget-projects/{id}/submit/",
        "/api/v1/budget-projects/{id}/return/",
        "/api/v1/budget-projects/{id}/approve/",
        "/api/v1/budget-projects/import/",
        "/api/v1/budget-targets/",
        "/api/v1/budget-spending/",
        "/api/v1/budget-tranches/{id}/release/",
        "/api/v1/budget-evaluations/{id}/",
        "/api/v1/budget-recommendations/{id}/override/",
        "/api/v1/budget-recommendations/summary/",
        "/api/v1/budget-policies/{year}/",
    ]:
        assert path in paths, path
    ledger = response.json()["components"]["schemas"]["EvaluationDetail"]["properties"]["ledger"]
    assert ledger["type"] == "array"
