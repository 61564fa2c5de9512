"""Reads for dual monitoring: each approved project's execution and target completion (docs/monitoring.md)."""

from __future__ import annotations

import dataclasses
import datetime
from decimal import Decimal

from django.utils import timezone

from assessments.models import Entry, ReportStatus
from budgets import selectors as budget_selectors
from budgets.choices import ProjectStatus
from budgets.models import BudgetProject, BudgetTarget

from . import rules
from . import workdays as workdays_mod
from .models import CalendarDay, MonitoringSchedule, MonitoringWarning

# Reports whose figures count: submitted for review or approved.
COUNTED_REPORTS = (ReportStatus.SUBMITTED, ReportStatus.APPROVED)


@dataclasses.dataclass
class Row:
    project: object
    department: object
    amount: Decimal
    spent: Decimal
    result: rules.Result


@dataclasses.dataclass
class DepartmentRow:
    department: object
    amount: Decimal
    spent: Decimal
    result: rules.Result


def schedule_for(year: int) -> MonitoringSchedule:
    """The year's schedule, or an unsaved one with the defaults."""
    return MonitoringSchedule.objects.filter(year=year).first() or MonitoringSchedule(year=year)


@dataclasses.dataclass
class ProjectResult:
    project_id: int
    department_id: int
    result: rules.Result


def _completions(ids, *, on: datetime.date) -> dict[int, Decimal]:
    """Project id → mean reported progress (percent) of its targets linked to library indicators.

    For each linked target, the latest counted report of the project's department up to ``on``
    gives the progress of the assignment of that indicator. Projects without any reported linked
    target are absent (no gap rule applies to them).
    """
    if isinstance(ids, list | tuple | set) and not ids:
        return {}
    links = list(
        BudgetTarget.objects.filter(project_id__in=ids, indicator__isnull=False).values_list(
            "project_id", "project__department_id", "indicator_id"
        )
    )
    if not links:
        return {}
    depts = {d for _, d, _ in links}
    indicators = {i for _, _, i in links}
    latest: dict[tuple[int, int], Decimal] = {}
    entries = (
        Entry.objects.filter(
            report__department_id__in=depts,
            report__status__in=COUNTED_REPORTS,
            report__quarter__deadline__lte=on,
            assignment__indicator_id__in=indicators,
            progress_pct__isnull=False,
        )
        .order_by("report__quarter__number")
        .values_list("report__department_id", "assignment__indicator_id", "progress_pct")
    )
    for dept, ind, pct in entries:
        latest[(dept, ind)] = pct  # later quarters overwrite earlier ones
    values: dict[int, list[Decimal]] = {}
    for pid, dept, ind in links:
        if (dept, ind) in latest:
            values.setdefault(pid, []).append(latest[(dept, ind)])
    return {pid: (sum(vs, Decimal(0)) / len(vs)).quantize(Decimal("0.01")) for pid, vs in values.items()}


def project_results(*, year: int, on: datetime.date) -> list[ProjectResult]:
    """Every approved project's result at ``on`` (no user: for the warning job), as plain values."""
    schedule = schedule_for(year)
    projects = list(
        budget_selectors.approved_projects_with_spent_all(year=year)
        .order_by("pk")
        .values_list("pk", "department_id", "amount", "spent")
    )
    # The projects as a subquery: thousands of ids would each be a parameter of the query.
    completions = _completions(
        BudgetProject.objects.filter(year=year, status=ProjectStatus.APPROVED).values("pk"), on=on
    )
    return [
        ProjectResult(
            pk,
            department_id,
            rules.assess(
                spent=spent,
                amount=amount,
                completion=completions.get(pk),
                year=year,
                on=on,
                schedule=schedule.checkpoints,
                gap_points=schedule.gap_points,
            ),
        )
        for pk, department_id, amount, spent in projects
    ]


def calendar_sets(start: datetime.date, end: datetime.date) -> tuple[set, set]:
    """The official holidays and make-up working days between two dates (inclusive)."""
    holidays, workdays = set(), set()
    for day, kind in CalendarDay.objects.filter(date__gte=start, date__lte=end).values_list("date", "kind"):
        (workdays if kind == CalendarDay.Kind.WORKDAY else holidays).add(day)
    return holidays, workdays


def respond_by(issued_on: datetime.date, days: int) -> datetime.date:
    """The last day to respond to a warning issued on ``issued_on`` (``days`` working days after it)."""
    holidays, workdays = calendar_sets(issued_on, issued_on + datetime.timedelta(days=days * 3 + 30))
    return workdays_mod.add_working_days(issued_on, days, holidays=holidays, workdays=workdays)


def warnings_for_user(*, user, year: int | None = None, status: str = "", department: str = ""):
    """Warnings the user may see: a department its own, budget readers all."""
    from core.roles import P

    qs = MonitoringWarning.objects.select_related("project", "department", "responded_by")
    if not user.has_perm(P.READ_ALL_BUDGETS):
        if not user.has_perm(P.READ_OWN_BUDGETS) or not user.department_id:
            return qs.none()
        qs = qs.filter(department_id=user.department_id)
    if year:
        qs = qs.filter(year=year)
    if status in MonitoringWarning.Status.values:
        qs = qs.filter(status=status)
    if department:
        qs = qs.filter(department__code=department)
    return qs


def monitoring_rows(*, user, year: int, on: datetime.date | None = None) -> tuple[list[Row], list[DepartmentRow]]:
    """Per project and per department (sum over its approved projects) results at ``on`` (today by default)."""
    on = on or timezone.localdate()
    schedule = schedule_for(year)
    projects = list(budget_selectors.approved_projects_with_spent(user=user, year=year))
    completions = _completions([p.pk for p in projects], on=on)
    rows = []
    by_dept: dict[int, list] = {}
    for p in projects:
        result = rules.assess(
            spent=p.spent,
            amount=p.amount,
            completion=completions.get(p.pk),
            year=year,
            on=on,
            schedule=schedule.checkpoints,
            gap_points=schedule.gap_points,
        )
        rows.append(Row(p, p.department, p.amount, p.spent, result))
        by_dept.setdefault(p.department_id, []).append((p, completions.get(p.pk)))
    dept_rows = []
    for items in by_dept.values():
        amount = sum((p.amount for p, _ in items), Decimal(0))
        spent = sum((p.spent for p, _ in items), Decimal(0))
        comps = [c for _, c in items if c is not None]
        completion = (sum(comps, Decimal(0)) / len(comps)).quantize(Decimal("0.01")) if comps else None
        result = rules.assess(
            spent=spent,
            amount=amount,
            completion=completion,
            year=year,
            on=on,
            schedule=schedule.checkpoints,
            gap_points=schedule.gap_points,
        )
        dept_rows.append(DepartmentRow(items[0][0].department, amount, spent, result))
    return rows, dept_rows


def calendar_days(*, year: int | None = None, kind: str = ""):
    """The working calendar's days, of one year if given."""
    qs = CalendarDay.objects.all()
    if year:
        qs = qs.filter(date__year=year)
    if kind in CalendarDay.Kind.values:
        qs = qs.filter(kind=kind)
    return qs.order_by("date")


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    holidays, workdays = calendar_sets(start, end)
    return workdays_mod.working_days_between(start, end, holidays=holidays, workdays=workdays)


def warning_reallocations(*, warning: MonitoringWarning):
    """The reallocation requests opened from a warning, newest first."""
    from .models import WarningReallocation

    return [
        link.reallocation
        for link in WarningReallocation.objects.filter(warning=warning)
        .select_related("reallocation__source", "reallocation__target")
        .order_by("-created_at", "-pk")
    ]
