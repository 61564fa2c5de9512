"""Reads of scores, their ledgers, publications and appeals, with their outlook, and of deduction
and bonus events — each scoped to what the user may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.db.models.query import ValuesListIterable
from django.http import Http404

from core.roles import DEPARTMENT_ROLES, P
from organizations.selectors import scope_to_user

from ..models import (
    Appeal,
    LedgerLine,
    Plan,
    Publication,
    Score,
    ScoreEvent,
)

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


def score_outlook(score: Score, lines: list[LedgerLine]):
    """What it would take for this score: the next grade band and the indicators with the most
    points still open (assessments.outlook), in two queries."""
    from indicators.models import GradeBand, Indicator

    from ..outlook import outlook

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
