"""Mid-year target revision: request, approval or return, versions kept, the evaluation's version."""

from decimal import Decimal

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from budgets import services, sheet_selectors
from budgets.models import BudgetTarget, ProjectRevision, TargetAdjustment
from core.errors import ApplicationError, ConflictError

from .factories import approved_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(departments):
    return approved_project(departments["edu"], amount="2396300.00")


def rows_of(project):
    """The sheet in force as request rows."""
    return [
        {
            "id": t.pk,
            "dimension": t.dimension,
            "subdimension": t.subdimension,
            "name": t.name,
            "operator": t.operator,
            "value": str(t.value),
            "unit": t.unit,
        }
        for t in project.targets.order_by("order")
    ]


def revised_rows(project):
    """活动场次 50 → 40, 覆盖学校数 removed, a new output target added."""
    rows = rows_of(project)
    rows[1]["value"] = "40"
    rows = [r for r in rows if r["name"] != "覆盖学校数"]
    rows.append(
        {
            "dimension": "effect",
            "subdimension": "social",
            "name": "受益学生人数",
            "operator": "ge",
            "value": "5000",
            "unit": "人",
        }
    )
    return rows


def test_the_approved_sheet_stands_until_finance_approves(project, users):
    adj = services.adjustment_request(
        project=project, actor=users["filer"], targets=revised_rows(project), reason="上级压减经费,活动场次相应调减"
    )
    assert adj.status == "pending" and adj.base_version == 1
    assert project.targets.get(name="组织活动场次").value == Decimal("50")  # unchanged while pending
    assert project.targets.filter(name="覆盖学校数").exists()
    assert sheet_selectors.version_in_force(project=project) == 1
    evaluation = _evaluate(project, users)
    assert evaluation.sheet_version == 1 and evaluation.sheet_adjustment is None


def test_approval_writes_the_sheet_keeps_every_version_and_is_audited(project, users):
    adj = services.adjustment_request(
        project=project, actor=users["filer"], targets=revised_rows(project), reason="上级压减经费"
    )
    services.adjustment_approve(adjustment=adj, actor=users["finance"], expected_version=adj.version)
    adj.refresh_from_db()
    assert adj.status == "approved" and adj.sheet_version == 2
    names = set(project.targets.values_list("name", flat=True))
    assert "覆盖学校数" not in names and "受益学生人数" in names
    assert project.targets.get(name="组织活动场次").value == Decimal("40")
    versions = sheet_selectors.versions_of(project=project)
    assert [v.number for v in versions] == [1, 2] and versions[-1].in_force
    assert {t["name"] for t in versions[0].targets} >= {"覆盖学校数"}  # version 1 still readable
    assert ProjectRevision.objects.filter(project=project, kind="adjusted", reason="上级压减经费").exists()
    event = AuditEvent.objects.get(action="budgets.adjustment.approved")
    assert event.before["sheet_version"] == 1 and event.after["sheet_version"] == 2
    assert any(t["name"] == "覆盖学校数" for t in event.before["targets"])
    assert not any(t["name"] == "覆盖学校数" for t in event.after["targets"])


def _evaluate(project, users):
    services.actuals_record(
        project=project, actor=users["finance"], values={t.pk: (t.value, "") for t in project.targets.all()}
    )
    return services.evaluation_compute(project=project, actor=users["finance"])


def test_evaluation_uses_the_version_in_force_and_says_which(project, users, api_for, client_for):
    before = _evaluate(project, users)
    assert before.sheet_version == 1
    adj = services.adjustment_request(
        project=project, actor=users["filer"], targets=revised_rows(project), reason="调整"
    )
    services.adjustment_approve(adjustment=adj, actor=users["finance"])
    after = _evaluate(project, users)
    assert after.sheet_version == 2 and after.sheet_adjustment_id == adj.pk
    names = {(line.get("target") or {}).get("name") for line in after.ledger}
    assert "受益学生人数" in names and "覆盖学校数" not in names  # scored on version 2's targets
    body = api_for("finance").get(f"/api/v1/budget-evaluations/{after.pk}/").json()
    assert body["sheet_version"] == 2
    page = client_for("finance").get(reverse("budgets:project_detail", args=[project.pk]) + "?tab=evaluation")
    assert "第 2 版" in page.content.decode()


def test_return_needs_a_reason_and_leaves_the_sheet(project, users):
    adj = services.adjustment_request(project=project, actor=users["filer"], targets=revised_rows(project), reason="x")
    with pytest.raises(ApplicationError) as exc:
        services.adjustment_return(adjustment=adj, actor=users["finance"], reason=" ")
    assert "reason" in exc.value.errors
    services.adjustment_return(adjustment=adj, actor=users["finance"], reason="调减理由不充分")
    adj.refresh_from_db()
    assert adj.status == "returned" and adj.return_reason == "调减理由不充分"
    assert project.targets.get(name="组织活动场次").value == Decimal("50")
    assert AuditEvent.objects.filter(action="budgets.adjustment.returned").exists()
    with pytest.raises(ApplicationError):  # decided once
        services.adjustment_approve(adjustment=adj, actor=users["finance"])


def test_a_stale_decision_is_refused(project, users):
    adj = services.adjustment_request(project=project, actor=users["filer"], targets=revised_rows(project), reason="x")
    with pytest.raises(ConflictError):
        services.adjustment_approve(adjustment=adj, actor=users["finance"], expected_version=adj.version + 1)
    assert TargetAdjustment.objects.get(pk=adj.pk).status == "pending"


def test_bad_rows_are_named_and_nothing_is_written(project, users):
    rows = revised_rows(project)
    rows[0]["value"] = "abc"
    rows[-1]["upper"] = "10"  # only a range has an upper bound
    with pytest.raises(ApplicationError) as exc:
        services.adjustment_request(project=project, actor=users["filer"], targets=rows, reason="x")
    assert "targets.0.value" in exc.value.errors and f"targets.{len(rows) - 1}.upper" in exc.value.errors
    assert not TargetAdjustment.objects.exists()


def test_refused_without_reason_without_change_or_with_a_missing_dimension(project, users):
    with pytest.raises(ApplicationError) as exc:
        services.adjustment_request(project=project, actor=users["filer"], targets=revised_rows(project), reason="")
    assert "reason" in exc.value.errors
    with pytest.raises(ApplicationError) as exc:
        services.adjustment_request(project=project, actor=users["filer"], targets=rows_of(project), reason="x")
    assert "targets" in exc.value.errors
    no_cost = [r for r in rows_of(project) if r["dimension"] != "cost"]
    with pytest.raises(ApplicationError) as exc:
        services.adjustment_request(project=project, actor=users["filer"], targets=no_cost, reason="x")
    assert "targets" in exc.value.errors
    assert not TargetAdjustment.objects.exists()


def test_one_open_request_at_a_time_and_only_the_own_department(project, users):
    services.adjustment_request(project=project, actor=users["filer"], targets=revised_rows(project), reason="x")
    with pytest.raises(ApplicationError):
        services.adjustment_request(project=project, actor=users["filer"], targets=revised_rows(project), reason="y")
    with pytest.raises(ApplicationError):
        services.adjustment_request(project=project, actor=users["filer2"], targets=revised_rows(project), reason="y")


def test_a_draft_sheet_is_not_revised_this_way(departments, users):
    from .factories import ProjectFactory, add_targets

    draft = ProjectFactory(department=departments["edu"])
    add_targets(draft)
    with pytest.raises(ApplicationError):
        services.adjustment_request(project=draft, actor=users["filer"], targets=rows_of(draft), reason="x")


def test_a_target_a_tranche_waits_on_cannot_be_removed(project, users):
    held_on = BudgetTarget.objects.get(project=project, name="覆盖学校数")
    services.tranche_create(
        project=project, actor=users["finance"], name="第二批", amount=Decimal("1000"), condition_targets=[held_on]
    )
    with pytest.raises(ApplicationError) as exc:
        services.adjustment_request(project=project, actor=users["filer"], targets=revised_rows(project), reason="x")
    assert "覆盖学校数" in exc.value.message


def test_in_the_browser_department_asks_finance_approves_versions_side_by_side(project, client_for):
    filer, finance = client_for("filer"), client_for("finance")
    detail = reverse("budgets:project_detail", args=[project.pk])
    assert reverse("budgets:adjustment_create", args=[project.pk]) in filer.get(detail).content.decode()
    targets = list(project.targets.order_by("order"))
    post = {"reason": "上级压减经费,活动场次调减", "version": project.version}
    for t in targets:
        p = f"t{t.pk}_"
        post |= {p + "name": t.name, p + "operator": t.operator, p + "value": str(t.value), p + "unit": t.unit}
    activities = next(t for t in targets if t.name == "组织活动场次")
    schools = next(t for t in targets if t.name == "覆盖学校数")
    post[f"t{activities.pk}_value"] = "40"
    post[f"t{schools.pk}_remove"] = "on"
    post |= {
        "n1_dimension": "effect",
        "n1_subdimension": "social",
        "n1_name": "受益学生人数",
        "n1_operator": "ge",
        "n1_value": "5000",
        "n1_unit": "人",
    }
    bad = post | {f"t{activities.pk}_value": "很多"}
    response = filer.post(reverse("budgets:adjustment_create", args=[project.pk]), bad)
    assert response.status_code == 400 and f'id="id_t{activities.pk}_value_error"' in response.content.decode()
    response = filer.post(reverse("budgets:adjustment_create", args=[project.pk]), post)
    assert response.status_code == 302, response.content.decode()
    adj = TargetAdjustment.objects.get(project=project)
    page = finance.get(reverse("budgets:adjustment_detail", args=[project.pk, adj.number])).content.decode()
    assert 'data-status="changed"' in page and 'data-status="added"' in page and 'data-status="removed"' in page
    stale = finance.post(
        reverse("budgets:adjustment_approve", args=[project.pk, adj.number]), {"version": adj.version + 1}
    )
    assert stale.status_code == 400
    approve = reverse("budgets:adjustment_approve", args=[project.pk, adj.number])
    response = finance.post(approve, {"version": adj.version})
    assert response.status_code == 302
    versions = filer.get(reverse("budgets:versions", args=[project.pk])).content.decode()
    assert "受益学生人数" in versions and "覆盖学校数" in versions and 'data-status="removed"' in versions


def test_api_request_and_decision(project, api_for):
    body = {"project": project.pk, "reason": "调整", "targets": revised_rows(project)}
    one_row = body | {"targets": body["targets"][:1]}
    bad = api_for("filer").post("/api/v1/budget-target-revisions/", one_row, format="json")
    assert bad.status_code == 400 and "targets" in bad.json()["errors"]
    created = api_for("filer").post("/api/v1/budget-target-revisions/", body, format="json")
    assert created.status_code == 201, created.content
    data = created.json()
    assert {r["status"] for r in data["changes"]} == {"same", "changed", "added", "removed"}
    assert api_for("filer2").get(f"/api/v1/budget-target-revisions/{data['id']}/").status_code == 404
    ok = api_for("finance").post(
        f"/api/v1/budget-target-revisions/{data['id']}/approve/", {"version": data["version"]}, format="json"
    )
    assert ok.status_code == 200 and ok.json()["sheet_version"] == 2
    versions = api_for("filer").get(f"/api/v1/budget-target-revisions/versions/?project={project.pk}").json()
    assert [v["number"] for v in versions] == [1, 2] and versions[-1]["in_force"]
