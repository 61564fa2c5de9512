"""A budget evaluation: refused while a target has no year-end value (unless marked not applicable
with a reason), computed as a draft, confirmed by finance, published (公开) as a step of its own;
only published evaluations reach the public pages, only confirmed ones the recommendations."""

from decimal import Decimal

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from budgets import services
from budgets.choices import FlagReason
from budgets.models import Evaluation, Recommendation
from core.errors import ApplicationError

from .factories import approved_project

API = "/api/v1/"


@pytest.fixture
def project(departments):
    return approved_project(departments["edu"], year=2025, amount="1000000.00")


def record(project, finance, **overrides):
    """Year-end values for every target (its own target value), some replaced by ``overrides``
    keyed by target name: None for a blank, or a tuple (actual, note, not applicable, reason)."""
    values = {}
    for t in project.targets.order_by("order"):
        given = overrides.get(t.name, (t.value, "自评报告"))
        values[t.pk] = (None, "") if given is None else given
    services.actuals_record(project=project, actor=finance, values=values)


def test_a_blank_value_refuses_the_evaluation_naming_each_target(project, users, client_for, api_for):
    finance = users["finance"]
    record(project, finance, 覆盖学校数=None, 满意度=None)
    with pytest.raises(ApplicationError) as refused:
        services.evaluation_compute(project=project, actor=finance)
    blank = {t.name: t.pk for t in project.targets.filter(name__in=["覆盖学校数", "满意度"])}
    assert "覆盖学校数" in refused.value.message and "满意度" in refused.value.message
    assert set(refused.value.errors) == {f"actual_{pk}" for pk in blank.values()}
    assert not Evaluation.objects.filter(project=project).exists()

    # The page marks both fields; the API answers 400 with the same fields; nothing is computed.
    response = client_for("finance").post(reverse("budgets:evaluate", args=[project.pk]))
    assert response.status_code == 400
    form = response.context["actuals_form"]
    assert {f"actual_{pk}" for pk in blank.values()} <= set(form.errors)
    assert "覆盖学校数" in response.content.decode()
    answer = api_for("finance").post(API + f"budget-projects/{project.pk}/evaluate/")
    assert answer.status_code == 400 and set(answer.json()["errors"]) == {f"actual_{pk}" for pk in blank.values()}
    assert not Evaluation.objects.filter(project=project).exists()


def test_not_applicable_needs_a_reason_and_no_value(project, users):
    finance = users["finance"]
    target = project.targets.get(name="满意度")
    with pytest.raises(ApplicationError) as no_reason:
        record(project, finance, 满意度=(None, "", True, ""))
    assert list(no_reason.value.errors) == [f"not_applicable_reason_{target.pk}"]
    with pytest.raises(ApplicationError) as with_value:
        record(project, finance, 满意度=(Decimal("90"), "", True, "活动取消"))
    assert list(with_value.value.errors) == [f"actual_{target.pk}"]
    target.refresh_from_db()
    assert not target.not_applicable and target.actual is None  # nothing saved


def test_a_target_not_applicable_is_left_out_with_its_reason_on_the_ledger(project, users):
    finance = users["finance"]
    record(project, finance, 满意度=(None, "", True, "年度满意度调查取消"))
    evaluation = services.evaluation_compute(project=project, actor=finance)
    na = [line for line in evaluation.ledger if line["kind"] == "not_applicable"]
    assert len(na) == 1 and na[0]["target"]["name"] == "满意度" and na[0]["available"] == "0.00"
    assert na[0]["detail"]["args"]["reason"] == "年度满意度调查取消"
    assert sum(Decimal(line["points"]) for line in evaluation.ledger) == evaluation.total
    # The satisfaction group has no other target: its 10 points cannot be earned; every other target
    # met its value, and nothing was spent: 50 + 30 = 80.
    assert evaluation.total == Decimal("80.00")


def test_draft_then_confirmed_then_published_each_audited(project, users):
    finance = users["finance"]
    record(project, finance)
    evaluation = services.evaluation_compute(project=project, actor=finance)
    assert evaluation.status == "draft"
    with pytest.raises(ApplicationError):
        services.evaluation_publish(evaluation=evaluation, actor=finance)  # not confirmed yet
    services.evaluation_confirm(evaluation=evaluation, actor=finance)
    with pytest.raises(ApplicationError):
        services.evaluation_confirm(evaluation=evaluation, actor=finance)  # only once
    services.evaluation_publish(evaluation=evaluation, actor=finance)
    evaluation.refresh_from_db()
    assert evaluation.status == "published" and evaluation.confirmed_by == finance and evaluation.published_at
    actions = list(
        AuditEvent.objects.filter(action__startswith="budgets.evaluation.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["budgets.evaluation.computed", "budgets.evaluation.confirmed", "budgets.evaluation.published"]
    # Computing again makes a new draft; once a later one exists, an earlier draft cannot be confirmed.
    second = services.evaluation_compute(project=project, actor=finance)
    third = services.evaluation_compute(project=project, actor=finance)
    assert (second.number, third.number, second.status) == (2, 3, "draft")
    with pytest.raises(ApplicationError):
        services.evaluation_confirm(evaluation=second, actor=finance)
    services.evaluation_confirm(evaluation=third, actor=finance)


def test_the_pages_and_the_api_take_each_step(project, users, client_for, api_for):
    finance = users["finance"]
    record(project, finance)
    evaluation = services.evaluation_compute(project=project, actor=finance)
    client = client_for("finance")
    page = client.get(reverse("budgets:project_detail", args=[project.pk]) + "?tab=evaluation").content.decode()
    assert "确认评价" in page and "草稿" in page
    client.post(reverse("budgets:evaluation_confirm", args=[project.pk, evaluation.number]))
    evaluation.refresh_from_db()
    assert evaluation.status == "confirmed"
    assert client_for("filer").post(reverse("budgets:evaluation_publish", args=[project.pk, 1])).status_code == 403
    answer = api_for("finance").post(API + f"budget-evaluations/{evaluation.pk}/publish/")
    assert answer.status_code == 200 and answer.json()["status"] == "published"


def test_only_published_evaluations_are_public_and_only_confirmed_ones_feed_the_budget(project, users, client):
    finance = users["finance"]
    record(project, finance)
    evaluation = services.evaluation_compute(project=project, actor=finance)
    services.recommendations_generate(year=2026, actor=finance, department_grades={})
    assert Recommendation.objects.get(project=project).flag_reason == FlagReason.NOT_EVALUATED  # a draft is no result
    public = client.get("/public/2025/").content.decode()
    assert f"{evaluation.total:.2f}" not in public

    services.evaluation_confirm(evaluation=evaluation, actor=finance)
    services.recommendations_generate(year=2026, actor=finance, department_grades={})
    assert Recommendation.objects.get(project=project).evaluation_id == evaluation.pk
    assert f"{evaluation.total:.2f}" not in client.get("/public/2025/").content.decode()

    services.evaluation_publish(evaluation=evaluation, actor=finance)
    assert f"{evaluation.total:.2f}" in client.get("/public/2025/").content.decode()
