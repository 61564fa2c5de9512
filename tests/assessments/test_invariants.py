"""Invariants of the domain kept by the database (core.constraints): whatever path writes a row —
a queryset update, a bulk insert, raw SQL — the database refuses one that breaks the rule; and a
migration adding a constraint names the stored rows that break it."""

import pytest
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from assessments import services
from assessments.models import Assignment, LedgerLine, Plan, Report, Score
from core.constraints import refuse_violations
from indicators.models import Indicator, Rule
from organizations.models import User


def refused(queryset, **values) -> bool:
    try:
        with transaction.atomic():
            queryset.update(**values)
    except IntegrityError:
        return True
    return False


def test_planned_progress_stays_within_0_100_and_never_falls(plan):
    one = Assignment.objects.filter(plan=plan)[:1]
    assert Assignment.objects.filter(pk__in=one).exists()
    assert refused(Assignment.objects.filter(pk__in=one), planned_q1=30, planned_q2=20)
    assert refused(Assignment.objects.filter(pk__in=one), planned_q4=120)
    assert refused(Assignment.objects.filter(pk__in=one), planned_q1=-5)
    assert not refused(
        Assignment.objects.filter(pk__in=one), planned_q1=10, planned_q2=40, planned_q3=70, planned_q4=100
    )


def test_statuses_stay_within_their_choices(plan, q3, departments):
    report = services.report_open(quarter=q3, department=departments["edu"])
    assert refused(Report.objects.filter(pk=report.pk), status="finished")
    assert refused(Plan.objects.filter(pk=plan.pk), status="archived")
    assert refused(Plan.objects.filter(pk=plan.pk), missing_policy="guess")
    assert not refused(Report.objects.filter(pk=report.pk), status="submitted")


def test_a_rule_agrees_with_its_scope_and_points_are_never_negative(plan):
    rule = Rule.objects.filter(library=plan.library, scope="department").first()
    assert rule is not None
    indicator = Indicator.objects.filter(library=plan.library).first()
    assert refused(Rule.objects.filter(pk=rule.pk), indicator=indicator)  # a department rule names none
    assert refused(Rule.objects.filter(pk=rule.pk), effect="to_zero")
    assert refused(Rule.objects.filter(pk=rule.pk), points=-1)
    assert refused(Indicator.objects.filter(pk=indicator.pk), points=0)


def test_a_department_role_has_a_department(users):
    assert refused(User.objects.filter(pk=users["filer"].pk), department=None)
    assert refused(User.objects.filter(pk=users["leader"].pk), role="emperor")
    assert not refused(User.objects.filter(pk=users["leader"].pk), department=None)


def test_ledger_lines_are_unique_per_score_and_key(plan, departments):
    score = Score.objects.create(
        plan=plan, department=departments["edu"], period="Q1", total=0, computed_at=timezone.now()
    )
    LedgerLine.objects.create(score=score, order=1, key="ind:a", kind="indicator", points=1, detail_message="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerLine.objects.bulk_create(
            [LedgerLine(score=score, order=2, key="ind:a", kind="indicator", points=1, detail_message="x")]
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerLine.objects.bulk_create(
            [LedgerLine(score=score, order=1, key="ind:b", kind="indicator", points=1, detail_message="x")]
        )


def test_a_migration_names_the_stored_rows_that_break_a_new_rule(db, users):
    from django.apps import apps

    step = refuse_violations("organizations", "user", Q(username__in=["filer", "leader"]), "the rule")
    with pytest.raises(RuntimeError) as failure:
        step.code(apps, None)
    assert "organizations_user" in str(failure.value) and str(users["filer"].pk) in str(failure.value)
    refuse_violations("organizations", "user", Q(username="nobody"), "the rule").code(apps, None)  # nothing to name
