"""The target sheet's workflow: draft → submitted → returned (with a reason) → submitted → approved."""

from decimal import Decimal

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from budgets import services
from budgets.models import BudgetProject, BudgetTarget, ProjectRevision
from core.errors import ApplicationError, ConflictError
from notifications.models import Notification

from .factories import FULL_SHEET, ProjectFactory, add_targets

pytestmark = pytest.mark.django_db

WITHOUT_SATISFACTION = [row for row in FULL_SHEET if row["dimension"] != "satisfaction"]


@pytest.fixture
def project(departments):
    p = ProjectFactory(department=departments["edu"], name="校园文体活动支持资金", amount=Decimal("2396300.00"))
    add_targets(p, WITHOUT_SATISFACTION)
    return p


def test_done_means_in_the_browser(client_for, users, project):
    """As filer: refused without a satisfaction target, then submitted; as finance: returned, then approved."""
    filer = client_for("filer")
    detail = reverse("budgets:project_detail", args=[project.pk])
    page = filer.get(detail).content.decode()
    assert "Satisfaction" in page or "满意度" in page

    response = filer.post(reverse("budgets:project_submit", args=[project.pk]), {"version": project.version})
    assert response.status_code == 400
    html = response.content.decode()
    assert "满意度" in html  # the message names the missing dimension
    project.refresh_from_db()
    assert project.status == "draft" and project.revision == 0

    response = filer.post(
        reverse("budgets:target_create", args=[project.pk]),
        {
            "dimension": "satisfaction",
            "subdimension": "",
            "name": "学生及家长满意度",
            "operator": "ge",
            "value": "90",
            "unit": "%",
        },
    )
    assert response.status_code == 302, response.content.decode()
    target = project.targets.get(name="学生及家长满意度")
    assert target.subdimension == "satisfaction"  # the only one of its dimension

    project.refresh_from_db()
    response = filer.post(reverse("budgets:project_submit", args=[project.pk]), {"version": project.version})
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.status == "submitted" and project.submitted_by == users["filer"]
    # Locked for the department while finance reviews it.
    response = filer.post(
        reverse("budgets:target_edit", args=[project.pk, target.pk]),
        {"dimension": "satisfaction", "name": "改名", "operator": "ge", "value": "80", "version": target.version},
    )
    assert response.status_code == 200 and "改名" not in BudgetTarget.objects.values_list("name", flat=True)

    finance = client_for("finance")
    assert project.name in finance.get(reverse("budgets:review_queue")).content.decode()
    response = finance.post(reverse("budgets:project_return", args=[project.pk]), {"reason": ""})
    assert response.status_code == 400
    project.refresh_from_db()
    assert project.status == "submitted"
    response = finance.post(
        reverse("budgets:project_return", args=[project.pk]), {"reason": "满意度目标偏低,请调整为 92%。"}
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.status == "returned" and project.return_reason == "满意度目标偏低,请调整为 92%。"
    assert "满意度目标偏低" in filer.get(detail).content.decode()

    response = filer.post(
        reverse("budgets:target_edit", args=[project.pk, target.pk]),
        {
            "dimension": "satisfaction",
            "subdimension": "satisfaction",
            "name": "学生及家长满意度",
            "operator": "ge",
            "value": "92",
            "unit": "%",
            "version": target.version,
        },
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert (
        filer.post(reverse("budgets:project_submit", args=[project.pk]), {"version": project.version}).status_code
        == 302
    )
    project.refresh_from_db()
    assert (
        finance.post(reverse("budgets:project_approve", args=[project.pk]), {"version": project.version}).status_code
        == 302
    )
    project.refresh_from_db()
    assert project.status == "approved" and project.reviewed_by == users["finance"]

    # Every revision kept and readable: submitted, returned, changed, submitted, approved.
    kinds = list(ProjectRevision.objects.filter(project=project).order_by("number").values_list("kind", flat=True))
    assert kinds == ["submitted", "returned", "changed", "submitted", "approved"]
    first = ProjectRevision.objects.get(project=project, number=1)
    values = {t["name"]: t["value"] for t in first.snapshot["targets"]}
    assert values["学生及家长满意度"] == "90.0000"  # as it was at the first submission
    page = filer.get(reverse("budgets:revision_detail", args=[project.pk, 1])).content.decode()
    assert "学生及家长满意度" in page and "90" in page

    actions = set(AuditEvent.objects.filter(object_id=str(project.pk)).values_list("action", flat=True))
    assert {"budgets.project.submitted", "budgets.project.returned", "budgets.project.approved"} <= actions
    returned = AuditEvent.objects.get(action="budgets.project.returned")
    assert returned.before["status"] == "submitted" and returned.after["status"] == "returned"
    assert returned.data["reason"] == "满意度目标偏低,请调整为 92%。"


def test_submission_names_every_missing_dimension(departments, users):
    project = ProjectFactory(department=departments["edu"])
    add_targets(project, [FULL_SHEET[1]])
    with pytest.raises(ApplicationError) as exc:
        services.project_submit(project=project, actor=users["filer"])
    message = str(exc.value.message)
    for label in ("成本", "效益", "满意度"):
        assert label in message
    assert "产出" not in message.split("Missing")[-1].split("缺少")[-1]


def test_submission_refuses_invalid_values_and_weights(departments, users):
    project = ProjectFactory(department=departments["edu"])
    targets = add_targets(project)
    # A value made invalid behind the form's back (e.g. by an older import): ≥ 0.
    BudgetTarget.objects.filter(pk=targets[1].pk).update(value=Decimal(0))
    BudgetTarget.objects.filter(pk=targets[2].pk).update(weight=Decimal(20))  # the only effect target: must be 30
    with pytest.raises(ApplicationError) as exc:
        services.project_submit(project=project, actor=users["filer"])
    problems = exc.value.errors["targets"]
    assert any("组织活动场次" in p for p in problems)
    assert any("20" in p and "30" in p for p in problems)
    project.refresh_from_db()
    assert project.status == "draft"


def test_department_cannot_submit_another_departments_project(departments, users):
    project = ProjectFactory(department=departments["water"])
    add_targets(project)
    with pytest.raises(ApplicationError):
        services.project_submit(project=project, actor=users["filer"])


def test_stale_version_is_refused(departments, users):
    project = ProjectFactory(department=departments["edu"])
    add_targets(project)
    with pytest.raises(ConflictError):
        services.project_submit(project=project, actor=users["filer"], expected_version=project.version + 5)


def test_notifications_reach_finance_and_the_department(departments, users):
    project = ProjectFactory(department=departments["edu"])
    add_targets(project)
    services.project_submit(project=project, actor=users["filer"])
    assert Notification.objects.filter(user=users["finance"], kind="budgets.submitted").exists()
    services.project_return(project=project, actor=users["finance"], reason="请补充说明")
    assert Notification.objects.filter(user=users["filer"], kind="budgets.returned").exists()
    assert not Notification.objects.filter(user=users["filer2"]).exists()


def test_filer_creates_a_project_for_their_own_department_only(client_for, users, departments):
    response = client_for("filer").post(
        reverse("budgets:project_create"),
        {
            "year": 2026,
            "name": "新项目",
            "amount": "500000",
            "funding_source": "general",
            "category": "operational",
            "department": departments["water"].pk,  # ignored: not a field of the form
            "status": "approved",  # ignored
        },
    )
    assert response.status_code == 302
    project = BudgetProject.objects.get(name="新项目")
    assert project.department == departments["edu"] and project.status == "draft"
    assert project.code == "edu-2026-001"
    assert AuditEvent.objects.filter(action="budgets.project.created", object_id=str(project.pk)).exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"amount": "-5"}, "amount"),
        ({"amount": "999999999999999"}, "amount"),
        ({"amount": "abc"}, "amount"),
        ({"name": "x" * 201}, "name"),
        ({"description": "x" * 2001}, "description"),
        ({"funding_source": "lottery"}, "funding_source"),
        ({"year": "1999"}, "year"),
        ({"code": "Bad Code!"}, "code"),
    ],
)
def test_project_form_gives_field_errors(client_for, users, data, field):
    body = {"year": 2026, "name": "新项目", "amount": "500000", "funding_source": "general", "category": "operational"}
    body.update(data)
    response = client_for("filer").post(reverse("budgets:project_create"), body)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not BudgetProject.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"dimension": "happiness"}, "dimension"),
        ({"subdimension": "quantity", "dimension": "effect"}, "subdimension"),
        ({"operator": "range", "upper": ""}, "upper"),
        ({"operator": "ge", "value": "0"}, "value"),
        ({"value": "1e30"}, "value"),
        ({"name": "x" * 201}, "name"),
        ({"weight": "-1"}, "weight"),
    ],
)
def test_target_form_gives_field_errors(client_for, users, departments, data, field):
    project = ProjectFactory(department=departments["edu"])
    body = {"dimension": "output", "subdimension": "quantity", "name": "场次", "operator": "ge", "value": "50"}
    body.update(data)
    response = client_for("filer").post(reverse("budgets:target_create", args=[project.pk]), body)
    assert response.status_code == 200
    assert field in response.context["form"].errors, response.context["form"].errors
    assert not project.targets.exists()


def test_linking_an_indicator_of_another_year_is_refused(departments, users):
    from tests.factories import IndicatorFactory

    indicator = IndicatorFactory(library__year=2025, code="old")
    project = ProjectFactory(department=departments["edu"], year=2026)
    with pytest.raises(ApplicationError) as exc:
        services.target_save(
            project=project,
            actor=users["filer"],
            data={
                "dimension": "effect",
                "subdimension": "social",
                "name": "x",
                "operator": "ge",
                "value": Decimal(5),
                "indicator": indicator,
            },
        )
    assert "indicator" in exc.value.errors
