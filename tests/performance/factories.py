"""A year of assessment for the query-count guards, at any number of departments and indicators.

Built through the services where they set up structure (plan, assignments, reports) and with
bulk writes where rows are many (entries, events); every department gets the same kinds of rows,
so a page or a job sees more of the same when the city grows.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from django.utils import timezone

from assessments import services
from assessments.models import Entry, Plan, Report, ScoreEvent
from assessments.recompute import recompute
from core.roles import Role
from organizations.models import Department, RankingGroup
from tests.factories import DepartmentFactory, UserFactory
from tests.scenario import build_library

YEAR = 2025
TZ = timezone.get_current_timezone()


def build_year(*, supervisor, indicators: int = 6, year: int = YEAR) -> Plan:
    """A library with ``indicators`` common indicators (every method that reads a reported value),
    rules and grade bands; the plan, active, with the late-report rule; every active department
    assigned. Call ``add_departments`` for more, then ``fill`` for reports and events."""
    methods = [
        ("proportional", {"basic_target": D(100)}),
        ("tiered", {"basic_target": D(90), "challenge_target": D(100), "unit": "%", "value_type": "level"}),
        ("threshold", {"basic_target": D(50)}),
        ("deduction", {}),
        ("rank", {"unit": "%", "value_type": "level"}),
        ("grade", {}),
    ]
    lib = build_library(
        year=year,
        categories=[(f"c{i}", f"类别{i}", 50) for i in (1, 2)],
        indicators=[
            {
                "code": f"i{i:03d}",
                "name": f"指标{i}",
                "category": f"c{i % 2 + 1}",
                "method": methods[i % len(methods)][0],
                "points": D(2),
                "order": i,
                **methods[i % len(methods)][1],
            }
            for i in range(indicators)
        ],
        rules=[
            {"code": "late", "name": "逾期", "points": D("0.5"), "cap": D(2)},
            {"code": "award", "name": "表彰", "kind": "bonus", "points": D(1), "cap": D(2)},
        ],
    )
    late = lib.rules.get(code="late")
    plan = services.plan_create(library=lib, actor=supervisor)
    plan.status = Plan.Status.ACTIVE
    plan.late_report_rule = late
    plan.save()
    services.assign_all(plan=plan, actor=supervisor)
    return plan


def add_departments(plan: Plan, n: int, *, supervisor, group: str) -> list[Department]:
    """``n`` more departments of ``group`` (with a filer and a head each), assigned every indicator."""
    group = RankingGroup.objects.get(code=group)
    start = Department.objects.count()
    new = []
    for i in range(start, start + n):
        dept = DepartmentFactory(code=f"more{i}", name=f"更多部门{i}", group=group, order=100 + i)
        UserFactory(username=f"more{i}-filer", role=Role.FILER, department=dept)
        UserFactory(username=f"more{i}-head", role=Role.DEPT_HEAD, department=dept)
        new.append(dept)
    services.assign_all(plan=plan, actor=supervisor)
    return new


def fill(plan: Plan, *, skip: tuple[str, ...] = ()) -> None:
    """Reports for Q1–Q3 of every department that has none yet: Q1 approved on time, Q2 submitted
    late, Q3 a draft; every entry with a value (some lagging); one bonus event each."""
    award = plan.library.rules.get(code="award")
    quarters = {q.number: q for q in plan.quarters.all()}
    for dept in Department.objects.filter(assignments__plan=plan).exclude(code__in=skip).distinct():
        if Report.objects.filter(quarter__plan=plan, department=dept).exists():
            continue
        for n, status in ((1, "approved"), (2, "submitted"), (3, "draft")):
            report = services.report_open(quarter=quarters[n], department=dept)
            if status != "draft":
                day = quarters[n].deadline + dt.timedelta(days=0 if n == 1 else 3)
                when = dt.datetime(day.year, day.month, day.day, 10, tzinfo=TZ)
                Report.objects.filter(pk=report.pk).update(
                    status=status, revision=1, submitted_at=when, first_submitted_at=when, is_late=n == 2
                )
            entries = list(report.entries.select_related("assignment"))
            for k, e in enumerate(entries):
                basic = e.assignment.basic_target
                e.actual_value = (basic or D(10)) * D(n) / D(4) * (D("0.5") if k % 3 == 0 else D(1))
                e.completion_pct = None if basic else D(25 * n)
                e.lag, e.progress_pct = (D(30), D(20)) if k % 3 == 0 else (D(0), D(25 * n))
                e.status_colour = "at_risk" if k % 3 == 0 else "on_track"
                e.review_state = "approved" if status == "approved" else "pending"
            Entry.objects.bulk_update(
                entries,
                ["actual_value", "completion_pct", "lag", "progress_pct", "status_colour", "review_state"],
            )
        ScoreEvent.objects.create(plan=plan, rule=award, department=dept, date=dt.date(plan.year, 5, 1), occurrences=1)


def scored(plan: Plan) -> Plan:
    recompute(plan=plan)
    return plan
