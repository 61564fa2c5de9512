"""Results use: items open at year end on next year's budget recommendation (shown, held or cut),
the overdue items as a keyed deduction event of the annual assessment, the leader's rectification
rate and the public counts under the year's disclosure setting."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.urls import reverse

from assessments.models import ScoreEvent
from assessments.recompute import process_recompute_requests
from budgets import services as budget_services
from budgets.models import Evaluation
from rectification import deductions, services
from rectification.models import YearSetting
from tests.assessments.conftest import library, plan  # noqa: F401 - fixtures
from tests.budgets.factories import approved_project

pytestmark = pytest.mark.django_db


def _raise(users, department, title, deadline):
    return services.item_create(
        actor=users["supervisor"],
        department=department,
        title=title,
        description="说明",
        measures_required="措施",
        deadline=deadline,
    )


@pytest.fixture
def recommendations(departments, users):
    """2027's recommendations from 2026's evaluated projects of 教育局 and 水利局."""
    for code in ("edu", "water"):
        project = approved_project(departments[code], year=2026, code=f"{code}-1")
        Evaluation.objects.create(
            project=project,
            number=1,
            total=D(85),
            grade="good",
            amount=project.amount,
            spent=project.amount,
            execution_rate=D(100),
            weights={},
            ledger=[],
            status="published",
            confirmed_at=dt.datetime(2027, 1, 10, tzinfo=dt.UTC),
            published_at=dt.datetime(2027, 1, 10, tzinfo=dt.UTC),
        )
    budget_services.recommendations_generate(year=2027, actor=users["finance"], department_grades={})


def test_open_items_at_year_end_show_on_next_years_recommendation(
    recommendations, item, users, departments, client_for
):
    _raise(users, departments["edu"], "第二项", dt.date(2026, 12, 31))
    page = client_for("finance").get(reverse("budgets:recommendation_list") + "?year=2027")
    rows = {r["department"].code: r for r in page.context["summary"]}
    (note,) = rows["edu"]["notes"]
    assert "2" in note.text and note.action == "none"
    assert rows["water"]["notes"] == [] and rows["edu"]["cut"] is None
    assert "rectification-note" in page.content.decode()


def test_the_years_policy_cuts_or_holds_the_budget(recommendations, item, users, departments, client_for):
    YearSetting.objects.create(year=2026, budget_action="cut", cut_percent=D(10))
    page = client_for("finance").get(reverse("budgets:recommendation_list") + "?year=2027")
    rows = {r["department"].code: r for r in page.context["summary"]}
    assert rows["edu"]["cut"] == (rows["edu"]["decided"] * D("0.1")).quantize(D("0.01"))
    assert rows["water"]["cut"] is None
    YearSetting.objects.filter(year=2026).update(budget_action="hold")
    page = client_for("finance").get(reverse("budgets:recommendation_list") + "?year=2027")
    rows = {r["department"].code: r for r in page.context["summary"]}
    assert rows["edu"]["held"] and not rows["water"]["held"]


def test_an_item_closed_in_time_is_not_shown(recommendations, item, users, client_for):
    from .conftest import pdf

    services.item_progress(item=item, actor=users["filer"], measures_taken="已整改", progress=100)
    services.evidence_add(item=item, upload=pdf(), actor=users["filer"])
    services.item_close(item=services.item_submit(item=item, actor=users["filer"]), actor=users["supervisor"])
    page = client_for("finance").get(reverse("budgets:recommendation_list") + "?year=2027")
    assert all(r["notes"] == [] for r in page.context["summary"])


def test_overdue_items_become_a_capped_deduction_in_the_score_ledger(plan, users, departments):  # noqa: F811
    rule = plan.library.rules.get(code="criticism")  # 1 point each, capped at 3
    rule.points, rule.cap = D("0.5"), D("1.00")
    rule.save()
    YearSetting.objects.create(year=2026, overdue_rule=rule)
    for n in range(3):
        _raise(users, departments["edu"], f"问题{n}", dt.date(2026, 9, 10))
    _raise(users, departments["water"], "未到期", dt.date(2026, 12, 1))
    assert deductions.record_overdue_deductions(today=dt.date(2026, 9, 5)) == 0  # nothing overdue yet
    assert deductions.record_overdue_deductions(today=dt.date(2026, 9, 11)) == 1
    assert deductions.record_overdue_deductions(today=dt.date(2026, 9, 12)) == 0  # idempotent
    event = ScoreEvent.objects.get(source="rectification")
    assert (event.department, event.occurrences, event.rule) == (departments["edu"], 3, rule)
    process_recompute_requests(plan_id=plan.pk)
    score = plan.scores.get(department=departments["edu"], period="annual")
    lines = [ln for ln in score.lines.all() if ln.rule_id == rule.pk]
    assert lines, "the deduction is on the score's ledger"
    assert sum(ln.points for ln in lines) == D("-1.00")  # 3 × 0.5 = 1.5, capped at 1


def test_the_setting_refuses_a_rule_of_the_wrong_kind(plan):  # noqa: F811
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        YearSetting(year=2026, overdue_rule=plan.library.rules.get(code="award")).full_clean()
    assert "overdue_rule" in exc.value.message_dict


def test_the_leader_dashboard_template_tag_and_public_counts(item, users, client_for):
    from django.template import Context, Template

    html = Template("{% load rectification %}{% rectification_rates user 2026 %}").render(
        Context({"user": users["leader"]})
    )
    assert "rectification-rates" in html and "教育局" in html
    assert "rectification-rates" not in Template("{% load rectification %}{% rectification_rates user 2026 %}").render(
        Context({"user": users["surveyor"]})
    )
    public = Template("{% load rectification %}{% rectification_public_counts 2026 %}")
    assert "rectification-public" not in public.render(Context({}))
    YearSetting.objects.create(year=2026, disclose_counts=True)
    assert "rectification-public" in public.render(Context({}))
