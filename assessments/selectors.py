"""Reads of plans, reports, scores and appeals — each scoped to what the user may see."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.query import ValuesListIterable
from django.http import Http404
from django.utils import timezone

from core.roles import DEPARTMENT_ROLES, P
from indicators.methods import REPORTED, InputKind, methods_with
from organizations.models import Department, User
from organizations.selectors import scope_to_user

from .models import (
    Appeal,
    Assignment,
    Entry,
    EntryReview,
    Evidence,
    LedgerLine,
    Plan,
    Publication,
    Quarter,
    Report,
    ReportStatus,
    Score,
    ScoreEvent,
)


def plans_list() -> QuerySet[Plan]:
    return Plan.objects.select_related("library").order_by("-year")


def plan_get(*, year: int) -> Plan:
    try:
        return Plan.objects.select_related("library", "late_report_rule").get(year=year)
    except Plan.DoesNotExist:
        raise Http404 from None


def current_plan(today: dt.date | None = None) -> Plan | None:
    today = today or timezone.localdate()
    return (
        Plan.objects.filter(year=today.year).select_related("library").first()
        or Plan.objects.filter(status=Plan.Status.ACTIVE).select_related("library").order_by("-year").first()
        or Plan.objects.select_related("library").order_by("-year").first()
    )


def current_quarter(plan: Plan, today: dt.date | None = None) -> Quarter | None:
    """The quarter being reported now: begun, deadline not passed; else the latest begun one."""
    today = today or timezone.localdate()
    quarters = list(plan.quarters.all())
    for q in quarters:
        if q.period_start <= today <= q.deadline:
            return q
    begun = [q for q in quarters if q.period_start <= today]
    return begun[-1] if begun else (quarters[0] if quarters else None)


# --- Reports ---------------------------------------------------------------------------------


def reports_for_user(*, user) -> QuerySet[Report]:
    qs = Report.objects.select_related("quarter__plan", "department__group", "submitted_by")
    return scope_to_user(qs, user=user, all_perm=P.READ_ALL_REPORTS, own_perm=P.READ_OWN_REPORTS)


def report_get_for_user(*, user, pk: int) -> Report:
    """The report if the user may see it; otherwise 404 (its existence is not revealed)."""
    try:
        return reports_for_user(user=user).get(pk=pk)
    except Report.DoesNotExist:
        raise Http404 from None


def entries_for_report(report: Report) -> list[Entry]:
    """Entries with what the form shows beside them, in a constant number of queries:
    last quarter's value, the evidence, and the reviewer's latest comment."""
    entries = report.entries.select_related("assignment__indicator__category", "updated_by").prefetch_related(
        Prefetch("evidence", queryset=Evidence.objects.filter(removed_at__isnull=True))
    )
    if report.quarter.number > 1:
        # Last quarter's value of the same assignment, read with the entries.
        entries = entries.annotate(
            previous_value=Subquery(
                Entry.objects.filter(
                    report__department_id=report.department_id,
                    report__quarter__plan_id=report.quarter.plan_id,
                    report__quarter__number=report.quarter.number - 1,
                    assignment_id=OuterRef("assignment_id"),
                ).values("actual_value")[:1]
            )
        )
    if report.revision:
        # Reviews exist only for a report submitted at least once (each belongs to a revision).
        entries = entries.prefetch_related(
            Prefetch(
                "reviews",
                queryset=EntryReview.objects.select_related("reviewer", "revision").order_by("-at", "-id"),
                to_attr="review_history",
            )
        )
    entries = list(
        entries.order_by(
            "assignment__indicator__category__order", "assignment__indicator__order", "assignment__indicator__code"
        )
    )
    for e in entries:
        if report.quarter.number == 1:
            e.previous_value = None
        if not report.revision:
            e.review_history = []
        e.planned_pct = e.assignment.planned(report.quarter.number)
    return entries


def review_queue(
    *, user, quarter: Quarter | None = None, group: str = "", status: str = "", lateness: str = ""
) -> list[dict]:
    """Reports to review, one row per department and quarter (missing ones too, when asked)."""
    reports = reports_for_user(user=user).annotate(
        n_entries=Count("entries"),
        n_returned=Count("entries", filter=Q(entries__review_state="returned")),
        n_lagging=Count("entries", filter=Q(entries__status_colour__in=["behind", "at_risk"])),
    )
    if quarter is not None:
        reports = reports.filter(quarter=quarter)
    if group:
        reports = reports.filter(department__group__code=group)
    if status:
        reports = reports.filter(status=status)
    else:
        reports = reports.exclude(status=ReportStatus.DRAFT)
    if lateness == "late":
        reports = reports.filter(is_late=True)
    elif lateness == "on_time":
        reports = reports.filter(is_late=False)
    rows = [
        {"report": r, "department": r.department, "quarter": r.quarter}
        for r in reports.order_by("status", "submitted_at")
    ]
    if lateness == "missing" and quarter is not None:
        submitted = set(
            Report.objects.filter(
                quarter=quarter, status__in=[ReportStatus.SUBMITTED, ReportStatus.APPROVED]
            ).values_list("department_id", flat=True)
        )
        depts = Department.objects.filter(assignments__plan_id=quarter.plan_id).distinct().select_related("group")
        if group:
            depts = depts.filter(group__code=group)
        rows = [{"report": None, "department": d, "quarter": quarter} for d in depts if d.pk not in submitted]
    return rows


def review_next(*, user, report: Report) -> dict:
    """The next report awaiting review in the queue's order (oldest submission first, wrapping round
    to the start) and how many await review besides this one: the reviewer's "下一份"."""
    waiting = (
        reports_for_user(user=user)
        .filter(status=ReportStatus.SUBMITTED)
        .exclude(pk=report.pk)
        .order_by("submitted_at", "pk")
        .select_related("department", "quarter__plan")
    )
    remaining = waiting.count()
    following = None
    if remaining and report.submitted_at is not None:
        following = waiting.filter(
            Q(submitted_at__gt=report.submitted_at) | Q(submitted_at=report.submitted_at, pk__gt=report.pk)
        ).first()
    return {"next": following or (waiting.first() if remaining else None), "remaining": remaining}


HEALTH_STATES = ("on_time", "late", "missing", "pending")


def reporting_health(*, plan: Plan, today: dt.date | None = None, group: str = "", state: str = "") -> dict:
    """Per quarter and department: expected, submitted, on time, late, missing; per filer the last update.

    ``group`` keeps one ranking group's departments, ``state`` those with at least one quarter in
    that state. ``reports`` maps department → quarter → report id, for links.
    Computed with aggregates: a constant number of queries whatever the number of departments.
    """
    today = today or timezone.localdate()
    quarters = list(plan.quarters.all())
    expected = set(Assignment.objects.filter(plan=plan, is_active=True).values_list("department_id", flat=True))
    departments = Department.objects.filter(pk__in=expected).select_related("group").order_by("order", "code")
    if group:
        departments = departments.filter(group__code=group)
    departments = list(departments)
    reports = {
        (r["quarter_id"], r["department_id"]): r
        for r in Report.objects.filter(quarter__plan=plan).values(
            "id", "quarter_id", "department_id", "status", "is_late", "first_submitted_at", "submitted_at"
        )
    }
    report_ids: dict[int, dict[int, int]] = defaultdict(dict)
    for (q_id, d_id), r in reports.items():
        report_ids[d_id][q_id] = r["id"]
    if state in HEALTH_STATES:
        departments = [d for d in departments if state in _health_states(d, quarters, reports, today)]
    cells: dict[int, dict[int, str]] = defaultdict(dict)
    totals = {
        q.pk: {"expected": 0, "submitted": 0, "on_time": 0, "late": 0, "missing": 0, "pending": 0} for q in quarters
    }
    for q in quarters:
        due = q.deadline < today
        for d in departments:
            r = reports.get((q.pk, d.pk))
            if q.period_start > today:
                cells[d.pk][q.pk] = "future"
                continue
            t = totals[q.pk]
            t["expected"] += 1
            first = r["first_submitted_at"] if r else None
            if first is not None:
                t["submitted"] += 1
                on_time = timezone.localtime(first).date() <= q.deadline
                t["on_time" if on_time else "late"] += 1
                cells[d.pk][q.pk] = "on_time" if on_time else "late"
            elif due:
                t["missing"] += 1
                cells[d.pk][q.pk] = "missing"
            else:
                t["pending"] += 1
                cells[d.pk][q.pk] = "pending"
    last_updates = dict(
        Entry.objects.filter(report__quarter__plan=plan, updated_by__isnull=False)
        .values("updated_by")
        .annotate(last=Max("updated_at"))
        .values_list("updated_by", "last")
    )
    filers = list(
        User.objects.filter(
            role__in=list(DEPARTMENT_ROLES), is_active=True, department_id__in=[d.pk for d in departments]
        )
        .select_related("department")
        .order_by("department__order", "username")
    )
    for f in filers:
        f.last_update = last_updates.get(f.pk)
        f.days_since = (today - timezone.localtime(f.last_update).date()).days if f.last_update else None
    return {
        "quarters": quarters,
        "departments": departments,
        "cells": cells,
        "reports": report_ids,
        # Departments with a begun quarter not filed: those the office may remind (催报).
        "outstanding": {d for d, row in cells.items() if {"missing", "pending"} & set(row.values())},
        "totals": totals,
        "filers": filers,
    }


def _health_states(department, quarters, reports, today) -> set[str]:
    out = set()
    for q in quarters:
        if q.period_start > today:
            continue
        r = reports.get((q.pk, department.pk))
        first = r["first_submitted_at"] if r else None
        if first is not None:
            out.add("on_time" if timezone.localtime(first).date() <= q.deadline else "late")
        else:
            out.add("missing" if q.deadline < today else "pending")
    return out


# --- Scores ----------------------------------------------------------------------------------


def scores_for_user(*, user, open_appeals: bool = True) -> QuerySet[Score]:
    """Leader, supervisor, finance and API clients read all; department users read their own
    department's scores, and other departments' only once published (docs/api.md, Scores).

    ``open_appeals``: annotate each score with its number of open appeals (the pages show it).
    """
    qs = Score.objects.select_related("plan", "department", "group")
    if open_appeals:
        qs = qs.annotate(open_appeals=Count("appeals", filter=Q(appeals__status=Appeal.Status.OPEN)))
    if user.has_perm(P.READ_ALL_SCORES):
        return qs
    if user.role in DEPARTMENT_ROLES and user.has_perm(P.READ_OWN_SCORES) and user.department_id:
        return qs.filter(Q(department_id=user.department_id) | Q(published=True))
    return qs.none()


# What the scores list of the API shows (docs/api.md, Scores): nothing else is read, and the rows come
# back as plain objects with the same attributes (department.code, plan.year, group.code, …) instead
# of four model instances each.
SCORE_LIST_FIELDS = (
    "pk",
    "period",
    "total",
    "grade_code",
    "grade_label",
    "rank",
    "vetoed",
    "published",
    "provisional",
    "inputs",
    "categories",
    "computed_at",
    "plan_id",
    "plan__year",
    "department_id",
    "department__code",
    "department__name",
    "group_id",
    "group__code",
)


@dataclass(slots=True)
class _Code:
    code: str
    name: str = ""


@dataclass(slots=True)
class _Year:
    year: int


class ScoreRow:
    """A score of the list with the attributes the list shows, read from one row."""

    __slots__ = (
        "pk",
        "period",
        "total",
        "grade_code",
        "grade_label",
        "rank",
        "vetoed",
        "published",
        "provisional",
        "inputs",
        "categories",
        "computed_at",
        "plan_id",
        "plan",
        "department_id",
        "department",
        "group_id",
        "group",
    )

    def __init__(self, row: tuple):
        (
            self.pk,
            self.period,
            self.total,
            self.grade_code,
            self.grade_label,
            self.rank,
            self.vetoed,
            self.published,
            self.provisional,
            self.inputs,
            self.categories,
            self.computed_at,
            self.plan_id,
            year,
            self.department_id,
            code,
            name,
            self.group_id,
            group_code,
        ) = row
        self.plan = _Year(year)
        self.department = _Code(code, name)
        self.group = _Code(group_code) if self.group_id is not None else None


class _ScoreRows(ValuesListIterable):
    def __iter__(self):
        for row in super().__iter__():
            yield ScoreRow(row)


def score_rows(scores: QuerySet[Score]) -> QuerySet:
    """The same scores as ScoreRow objects with only the fields the list shows."""
    qs = scores.values_list(*SCORE_LIST_FIELDS)
    qs._iterable_class = _ScoreRows
    return qs


def score_get_for_user(*, user, code: str, year: int, period: str) -> Score:
    try:
        return scores_for_user(user=user).get(department__code=code, plan__year=year, period=period)
    except Score.DoesNotExist:
        raise Http404 from None


def ledger_of(score: Score) -> list[LedgerLine]:
    return list(score.lines.select_related("indicator", "rule", "event").order_by("order"))


def previous_totals(*, plan: Plan, period: str) -> dict[int, Decimal]:
    """The totals to compare with (the trend column): the quarter before, or last year's total."""
    if period == "annual":
        qs = Score.objects.filter(plan__year=plan.year - 1, period="annual")
    elif period == "Q1":
        return {}
    else:
        qs = Score.objects.filter(plan=plan, period=f"Q{int(period[1]) - 1}")
    return dict(qs.values_list("department_id", "total"))


def publication_of(*, plan: Plan, period: str) -> Publication | None:
    return Publication.objects.filter(plan=plan, period=period).first()


def annual_grades(*, year: int) -> dict[int, str]:
    """Department id → grade code of the year's annual score (for budget recommendations)."""
    return dict(Score.objects.filter(plan__year=year, period="annual").values_list("department_id", "grade_code"))


def appeals_for_user(*, user) -> QuerySet[Appeal]:
    qs = Appeal.objects.select_related("score__plan", "department", "filed_by", "decided_by")
    if user.has_perm(P.DECIDE_APPEAL) or user.has_perm(P.READ_ALL_SCORES):
        return qs
    return scope_to_user(qs, user=user, all_perm=P.DECIDE_APPEAL, own_perm=P.FILE_APPEAL)


def dashboard_for_department(*, user, plan: Plan, today: dt.date | None = None) -> dict:
    """What a filer or head sees first: the quarter, its deadline, their report, lagging and returned
    items, and the latest notifications."""
    today = today or timezone.localdate()
    quarter = current_quarter(plan, today)
    report = Report.objects.filter(quarter=quarter, department_id=user.department_id).first() if quarter else None
    entries = list(report.entries.select_related("assignment__indicator")) if report else []
    previous = [q for q in plan.quarters.all() if quarter and q.number < quarter.number]
    returned_reports = list(
        Report.objects.filter(
            quarter__plan=plan, department_id=user.department_id, status=ReportStatus.RETURNED
        ).select_related("quarter")
    )
    has_score = (
        Score.objects.filter(department_id=user.department_id, published=True)
        .select_related("plan", "department")
        .order_by("-plan__year", "-published_at")
    )
    return {
        "quarter": quarter,
        "days_left": (quarter.deadline - today).days if quarter else None,
        "overdue_days": max(0, (today - quarter.deadline).days) if quarter else 0,
        "report": report,
        "lagging": [e for e in entries if e.status_colour in ("behind", "at_risk")],
        "returned_entries": [e for e in entries if e.review_state == "returned"],
        "returned_reports": returned_reports,
        "previous_quarters": previous,
        "published_scores": list(has_score[:5]),
    }


def crosscheck(*, plan: Plan, department_code: str = "") -> dict:
    """Satisfaction (perception) beside each department's objective indicators (facts), for the
    reviewer to cross-check: a department that residents rate highly while its objective targets
    lag, or the reverse, deserves a second look. A constant number of queries."""
    from indicators.scoring import Spec, target_met
    from satisfaction.selectors import department_estimates, min_group_size

    survey, estimates = department_estimates(year=plan.year)
    assignments = (
        Assignment.objects.filter(plan=plan, is_active=True)
        .filter(indicator__method__in=sorted(REPORTED))  # scored on a reported value
        .select_related("indicator", "department")
    )
    if department_code:
        assignments = assignments.filter(department__code=department_code)
    latest: dict[int, tuple] = {}
    for a_id, qn, actual, pct, colour in (
        Entry.objects.filter(
            report__quarter__plan=plan, report__status=ReportStatus.APPROVED, assignment__in=assignments
        )
        .order_by("report__quarter__number")
        .values_list("assignment_id", "report__quarter__number", "actual_value", "progress_pct", "status_colour")
    ):
        latest[a_id] = (qn, actual, pct, colour)
    target = Decimal(85)
    sat_param = (
        plan.library.indicators.filter(method__in=methods_with(InputKind.SURVEY), is_active=True)
        .values_list("params", flat=True)
        .first()
    )
    if sat_param and sat_param.get("target"):
        target = Decimal(sat_param["target"])
    rows: dict[int, dict] = {}
    for a in assignments:
        row = rows.setdefault(
            a.department_id, {"department": a.department, "indicators": [], "met": 0, "reported": 0, "lagging": 0}
        )
        qn, actual, pct, colour = latest.get(a.pk, (None, None, None, "none"))
        met = None
        if actual is not None:
            spec = Spec(
                method=a.indicator.method,
                direction=a.indicator.direction,
                points=a.indicator.points,
                basic=a.basic_target,
                upper=a.range_upper,
            )
            met = target_met(spec, actual) if a.basic_target is not None or a.indicator.direction == "bool" else None
            row["reported"] += 1
            row["met"] += 1 if met else 0
        row["lagging"] += 1 if colour in ("behind", "at_risk") else 0
        row["indicators"].append(
            {"assignment": a, "quarter": qn, "actual": actual, "progress": pct, "colour": colour, "met": met}
        )
    small = min_group_size()
    out = []
    for row in sorted(rows.values(), key=lambda r: (r["department"].order, r["department"].code)):
        est = estimates.get(row["department"].code)
        row["satisfaction"] = est
        row["small_sample"] = est is not None and est.n < small
        share = Decimal(row["met"]) / row["reported"] * 100 if row["reported"] else None
        row["met_share"] = share
        flag = ""
        if est is not None and est.rate is not None and share is not None and not row["small_sample"]:
            if est.rate >= target and share < 60:
                flag = "perception_above_facts"
            elif est.rate < target and share >= 80:
                flag = "facts_above_perception"
        row["flag"] = flag
        out.append(row)
    return {"survey": survey, "rows": out, "target": target, "min_group_size": small}


def score_outlook(score: Score, lines: list[LedgerLine]):
    """What it would take for this score: the next grade band and the indicators with the most
    points still open (assessments.outlook), in two queries."""
    from indicators.models import GradeBand, Indicator

    from .outlook import outlook

    bands = list(GradeBand.objects.filter(library_id=score.plan.library_id).values_list("code", "label", "min_score"))
    ids = {ln.indicator_id for ln in lines if ln.indicator_id}
    indicators = {
        pk: (code, name, points)
        for pk, code, name, points in Indicator.objects.filter(pk__in=ids).values_list("pk", "code", "name", "points")
    }
    return outlook(
        total=score.total,
        grade_code=score.grade_code,
        vetoed=score.vetoed,
        bands=bands,
        lines=lines,
        indicators=indicators,
    )


def default_period(*, plan: Plan, periods: list[str], today: dt.date | None = None) -> str:
    """The period a page opens on: the year once its last quarter's deadline has passed (or its
    results are published); during the year, the latest quarter whose deadline has passed — the
    latest one whose scores rest on filed reports — else the latest period there is."""
    if not periods:
        return "annual"
    today = today or timezone.localdate()
    deadlines = {f"Q{n}": d for n, d in plan.quarters.values_list("number", "deadline")}
    if "annual" in periods and (
        today > deadlines.get("Q4", dt.date(plan.year + 1, 1, 10))
        or Publication.objects.filter(plan=plan, period="annual").exists()
    ):
        return "annual"
    due = [p for p in periods if p in deadlines and deadlines[p] < today]
    return due[-1] if due else periods[-1]


# --- Events ------------------------------------------------------------------------------------

EVENT_STATUSES = ("in_force", "withdrawn")


def events_for_user(*, user, plan: Plan, filters: dict | None = None) -> QuerySet[ScoreEvent]:
    """The plan's deduction and bonus events the user may see (a department: its own), filtered.

    ``filters`` (all optional, already checked): ``department`` (code), ``rule`` (pk), ``period``
    (Q1–Q4: the event's date within the quarter), ``date_from`` and ``date_to`` (dates, inclusive),
    ``status`` (in_force / withdrawn).
    """
    qs = ScoreEvent.objects.filter(plan=plan).select_related(
        "rule", "department", "indicator", "recorded_by", "voided_by"
    )
    qs = scope_to_user(qs, user=user, all_perm=P.READ_ALL_SCORES, own_perm=P.READ_OWN_SCORES)
    f = filters or {}
    if f.get("department"):
        qs = qs.filter(department__code=f["department"])
    if f.get("rule"):
        qs = qs.filter(rule_id=f["rule"])
    if f.get("period"):
        number = int(f["period"][1])
        start = dt.date(plan.year, number * 3 - 2, 1)
        end = dt.date(plan.year + 1, 1, 1) if number == 4 else dt.date(plan.year, number * 3 + 1, 1)
        qs = qs.filter(date__gte=start, date__lt=end)
    if f.get("date_from"):
        qs = qs.filter(date__gte=f["date_from"])
    if f.get("date_to"):
        qs = qs.filter(date__lte=f["date_to"])
    if f.get("status") == "in_force":
        qs = qs.filter(voided_at__isnull=True)
    elif f.get("status") == "withdrawn":
        qs = qs.filter(voided_at__isnull=False)
    return qs
