"""The demo budgets: the activity-support fund of 239.63万元 with its 12 targets, last year's evaluations,
this year's recommendations; built through the services and idempotent."""

from decimal import Decimal

import pytest
from django.utils import timezone

from budgets import demo
from budgets.models import BudgetProject, Evaluation, Recommendation, SpendingRecord

pytestmark = pytest.mark.django_db


def test_demo_budgets():
    from indicators import demo as indicators_demo
    from organizations import demo as organizations_demo

    organizations_demo.seed()
    indicators_demo.seed()
    demo.seed()
    current = timezone.localdate().year

    activity = BudgetProject.objects.get(year=current, department__code="edu", name="校园文体活动支持资金")
    assert activity.amount == Decimal("2396300.00") and activity.amount_wan == Decimal("239.63")
    assert activity.status == "approved"
    names = {t.name: t for t in activity.targets.all()}
    assert len(names) == 12
    assert names["组织校园文体活动场次"].target_text == "≥ 50 场"
    assert names["活动安全事故"].target_text == "≤ 3 起"
    assert names["讲师课时费标准"].target_text == "≤ 200 元/人·课时"
    assert {t.dimension for t in names.values()} == {"cost", "output", "effect", "satisfaction"}
    assert activity.tranches.filter(status="held").count() == 1
    assert SpendingRecord.objects.filter(project=activity).exists()

    statuses = set(BudgetProject.objects.filter(year=current).values_list("status", flat=True))
    assert statuses == {"draft", "submitted", "returned", "approved"}
    draft = BudgetProject.objects.get(year=current, department__code="edu", status="draft", name="普惠性幼儿园补助资金")
    assert not draft.targets.filter(dimension="satisfaction").exists()  # cannot be submitted yet

    grades = set(Evaluation.objects.filter(project__year=current - 1).values_list("grade", flat=True))
    assert grades == {"excellent", "good", "fair", "poor"}
    recs = Recommendation.objects.filter(year=current)
    assert recs.filter(kind="flag", flag_reason="no_targets").count() == 1
    assert recs.filter(status="overridden").count() == 1
    assert recs.filter(kind="recommendation").count() == Evaluation.objects.filter(project__year=current - 1).count()

    # Ex-ante assessments and key evaluations by the evaluation firm (budgets/demo_appraisals.py).
    from budgets import services
    from budgets.models import ExAnteAssessment, KeyEvaluation

    refused = ExAnteAssessment.objects.get(project__name="智慧校园建设工程")
    assert (refused.status, refused.conclusion, refused.assessor_kind) == ("accepted", "reject", "third_party")
    assert services.exante_block(refused.project).code == "exante_rejected"
    adjusted = ExAnteAssessment.objects.get(project__name="院前急救能力提升工程")
    assert adjusted.conclusion == "adjust" and adjusted.required_changes
    assert adjusted.project.status == "submitted"
    water_key = KeyEvaluation.objects.get(project__year=current - 1, project__department__code="water")
    assert water_key.status == "accepted" and water_key.package.evaluator.username == "evaluator"
    assert water_key.gap > 0
    assert Recommendation.objects.get(year=current, project=water_key.project).key_evaluation == water_key

    counts = (BudgetProject.objects.count(), Evaluation.objects.count(), Recommendation.objects.count())
    demo.seed()
    assert (BudgetProject.objects.count(), Evaluation.objects.count(), Recommendation.objects.count()) == counts


def test_demo_has_a_revised_sheet_a_library_with_benchmarks_and_a_graded_sheet():
    from budgets import sheet_selectors
    from budgets.models import LibraryIndicator, SheetReview, TargetAdjustment
    from indicators import demo as indicators_demo
    from organizations import demo as organizations_demo
    from organizations.models import User

    organizations_demo.seed()
    indicators_demo.seed()
    demo.seed()

    agri = BudgetProject.objects.get(name="高标准农田建设补助", year=timezone.localdate().year)
    assert [v.number for v in sheet_selectors.versions_of(project=agri)] == [1, 2]
    assert Evaluation.objects.filter(project=agri, sheet_version=2).exists()
    assert TargetAdjustment.objects.filter(status="returned").exists()
    coverage = LibraryIndicator.objects.get(code="wr-e-01")
    finance = User.objects.get(username="finance")
    assert sheet_selectors.benchmarks(indicator=coverage, user=finance).history  # last year's actuals
    review = SheetReview.objects.get(project__name="农村饮水安全巩固提升工程")
    assert review.grade == "fair"
    assert {f["code"] for f in review.flags} == {"vague", "satisfaction_as_effect", "below_last_year"}
