"""Everything one recomputation reads, in a constant number of queries, as plain typed rows.

``load`` is the only part of the pipeline that reads the database before the scores are written;
the engine (``engine.compute``) then works on these rows alone.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.conf import settings
from django.utils import timezone

from indicators.choices import ValueType
from indicators.methods import InputKind, methods_with
from indicators.models import Category, Indicator
from indicators.scoring import Spec
from organizations.models import Department

from .. import scoring
from ..models import (
    Appeal,
    Assignment,
    Entry,
    Exemption,
    GradeAssessment,
    Plan,
    ReportStatus,
    ScoreEvent,
    ScoreOverride,
    VetoRanking,
)


class IndicatorRow(NamedTuple):
    """What scoring reads of an indicator, as a plain row."""

    id: int
    code: str
    name: str
    category_id: int
    method: str
    direction: str
    points: Decimal
    params: dict | None
    unit: str
    value_type: str


@dataclass
class AssignmentRow:
    """An assignment with what scoring needs of its indicator, read once for every period."""

    pk: int
    department_id: int
    indicator: IndicatorRow
    indicator_id: int
    method: str
    spec: Spec
    planned: tuple
    category_code: str
    cumulative: bool
    category_name: str = ""
    carry_over: bool = False  # the indicator's own rule: an earlier quarter's value may stand in


@dataclass(frozen=True)
class Override:
    points: Decimal
    appeal_id: int


@dataclass
class RunInputs:
    """The inputs of one run: the plan's settings and every fact the departments' scores rest on."""

    today: dt.date
    periods: list[tuple[str, int, dt.date]]  # (period, last quarter included, end date)
    deadlines: dict[int, dt.date]  # quarter number → reporting deadline
    policy: str  # the plan's missing-input policy
    veto_last: bool
    bonus_cap: Decimal | None
    assignments: list[AssignmentRow]
    departments: dict[int, tuple[str, int | None]]  # pk → (code, ranking group)
    approved: dict[int, dict[int, Decimal]]  # assignment → quarter → approved cumulative value
    filed: dict[int, dict[int, Decimal]]  # assignment → quarter → value filed, not yet approved
    exemptions: dict[int, dict[str, str]]  # assignment → period (or "all") → reason
    grades: dict[int, str]  # assignment → grade
    overrides: dict[tuple[int, str], Override]  # (assignment, period) → points set by an appeal
    events: dict[int, list[scoring.EventIn]]  # department → its events of the year
    satisfaction: dict[tuple[str, str], object] = field(default_factory=dict)  # (params key, dept code)
    satisfaction_key: dict[int, str] = field(default_factory=dict)  # assignment → params key
    satisfaction_minimum: int = 30
    # Rank indicators: every department's assignment and values (a rank depends on all of them).
    rank_pool: dict[int, list[tuple[int, int, bool]]] = field(default_factory=dict)  # indicator → rows
    rank_approved: dict[int, dict[int, Decimal]] = field(default_factory=dict)
    rank_filed: dict[int, dict[int, Decimal]] = field(default_factory=dict)


def periods_of(plan: Plan, today: dt.date | None = None) -> list[tuple[str, int, dt.date]]:
    """(period, last quarter included, end date): the quarters begun so far, and the year."""
    today = today or timezone.localdate()
    out = []
    for q in plan.quarters.order_by("number"):
        if q.period_start <= today:
            out.append((q.code, q.number, q.period_end))
    out.append(("annual", 4, dt.date(plan.year, 12, 31)))
    return out


def top_categories(plan: Plan) -> dict[int, Category]:
    """Every category of the year → its top-level category (the ledger's and the API's subtotals)."""
    cats = {c.pk: c for c in Category.objects.filter(library=plan.library).order_by()}

    def root(c):
        seen = 0
        while c.parent_id and c.parent_id in cats and seen < 20:
            c, seen = cats[c.parent_id], seen + 1
        return c

    return {pk: root(c) for pk, c in cats.items()}


def satisfaction_inputs(year: int, wanted: dict[str, tuple[dict, set[str]]]) -> dict[tuple[str, str], object]:
    """(params key, department code) → the survey figure with its respondents and whether it is
    final (satisfaction.selectors.indicator_inputs), one batch per distinct ``params``."""
    try:
        from satisfaction.selectors import indicator_inputs
    except ImportError:  # the surveys app is not installed: satisfaction inputs stay pending
        return {}
    out = {}
    for key, (params, codes) in wanted.items():
        for code, got in indicator_inputs(year=year, params=dict(params), department_codes=codes).items():
            out[(key, code)] = got
    return out


def satisfaction_key(params: dict | None) -> str:
    return json.dumps(params or {}, sort_keys=True, default=str)


def load(plan: Plan, department_ids: list[int] | None, today: dt.date | None = None) -> tuple[RunInputs, dict]:
    """The inputs of the departments asked for (all when None), and the top categories.

    Constant in queries; each indicator's scoring spec is built once and shared by the
    assignments and quarters that have the same targets.
    """
    today = today or timezone.localdate()
    dept_filter = {} if department_ids is None else {"department_id__in": department_ids}
    top = top_categories(plan)
    assignments = _assignments(plan, dept_filter, top)
    dept_of_entry = {} if department_ids is None else {"report__department_id__in": department_ids}
    entry_rows = Entry.objects.filter(report__quarter__plan=plan, actual_value__isnull=False).exclude(
        report__status=ReportStatus.DRAFT
    )
    approved: dict[int, dict[int, Decimal]] = defaultdict(dict)
    filed: dict[int, dict[int, Decimal]] = defaultdict(dict)
    _values(entry_rows.filter(**dept_of_entry), approved, filed)
    exemptions: dict[int, dict[str, str]] = defaultdict(dict)
    for a_id, period, reason in Exemption.objects.filter(assignment__plan=plan).values_list(
        "assignment_id", "period", "reason"
    ):
        exemptions[a_id][period] = reason
    run = RunInputs(
        today=today,
        periods=periods_of(plan, today),
        deadlines=dict(plan.quarters.order_by().values_list("number", "deadline")),
        policy=plan.missing_policy,
        veto_last=plan.veto_ranking != VetoRanking.EXCLUDE,
        bonus_cap=plan.bonus_cap,
        assignments=assignments,
        departments={},
        approved=approved,
        filed=filed,
        exemptions=exemptions,
        grades=dict(
            GradeAssessment.objects.filter(
                assignment__plan=plan,
                **({} if department_ids is None else {"assignment__department_id__in": department_ids}),
            ).values_list("assignment_id", "grade")
        ),
        overrides={
            (a_id, period): Override(points, appeal_id)
            for a_id, period, points, appeal_id in ScoreOverride.objects.filter(
                assignment__plan=plan,
                appeal__status=Appeal.Status.UPHELD,
                **({} if department_ids is None else {"assignment__department_id__in": department_ids}),
            ).values_list("assignment_id", "period", "points", "appeal_id")
        },
        events=_events(plan, dept_filter),
    )
    _rank_pool(plan, run, entry_rows)
    run.departments = {
        pk: (code, group_id)
        for pk, code, group_id in Department.objects.filter(
            pk__in={a.department_id for a in assignments} | set(run.events)
        ).values_list("pk", "code", "group_id")
    }
    _satisfaction(plan, run)
    return run, top


def _assignments(plan: Plan, dept_filter: dict, top: dict) -> list[AssignmentRow]:
    rows = list(
        Assignment.objects.filter(plan=plan, is_active=True, **dept_filter)
        .order_by("department_id", "indicator__category__order", "indicator__order", "indicator__code")
        .values_list(
            "pk",
            "department_id",
            "indicator_id",
            "basic_target",
            "challenge_target",
            "range_upper",
            "planned_q1",
            "planned_q2",
            "planned_q3",
            "planned_q4",
        )
    )
    indicators = {
        row[0]: IndicatorRow(*row)
        for row in Indicator.objects.filter(pk__in={r[2] for r in rows}).order_by().values_list(*IndicatorRow._fields)
    }
    specs: dict[tuple, Spec] = {}
    out: list[AssignmentRow] = []
    for pk, dept_id, ind_id, basic, challenge, upper, q1, q2_, q3, q4 in rows:
        ind = indicators[ind_id]
        key = (ind_id, basic, challenge, upper)
        spec = specs.get(key)
        if spec is None:
            spec = specs[key] = Spec(
                method=ind.method,
                direction=ind.direction,
                points=ind.points,
                basic=basic,
                challenge=challenge,
                upper=upper,
                params=ind.params or {},
                unit=ind.unit,
            )
        out.append(
            AssignmentRow(
                pk=pk,
                department_id=dept_id,
                indicator=ind,
                indicator_id=ind_id,
                method=ind.method,
                spec=spec,
                planned=(None, q1, q2_, q3, q4),
                category_code=top[ind.category_id].code,
                category_name=top[ind.category_id].name,
                cumulative=ind.value_type == ValueType.CUMULATIVE,
                carry_over=bool((ind.params or {}).get("carry_over")),
            )
        )
    return out


def _values(entries, approved: dict, filed: dict) -> None:
    """Cumulative values by assignment and quarter: approved, and filed but not yet approved."""
    for a_id, qn, status, actual in entries.order_by().values_list(
        "assignment_id", "report__quarter__number", "report__status", "actual_value"
    ):
        (approved if status == ReportStatus.APPROVED else filed)[a_id][qn] = actual


def _events(plan: Plan, dept_filter: dict) -> dict[int, list[scoring.EventIn]]:
    rules: dict[int, scoring.RuleIn] = {}
    events: dict[int, list[scoring.EventIn]] = defaultdict(list)
    for ev_id, dept_id, date, occurrences, note, evidence, *rule in (
        ScoreEvent.objects.filter(plan=plan, voided_at__isnull=True, **dept_filter)
        .order_by("-date", "-id")
        .values_list(
            "pk",
            "department_id",
            "date",
            "occurrences",
            "note",
            "evidence",
            "rule_id",
            "rule__code",
            "rule__name",
            "rule__kind",
            "rule__scope",
            "rule__effect",
            "rule__points",
            "rule__cap",
            "rule__indicator_id",
        )
    ):
        rule_in = rules.get(rule[0])
        if rule_in is None:
            rule_in = rules[rule[0]] = scoring.RuleIn(*rule)
        events[dept_id].append(
            scoring.EventIn(
                id=ev_id, rule=rule_in, date=date, occurrences=occurrences, note=note, evidence=bool(evidence)
            )
        )
    return events


def _rank_pool(plan: Plan, run: RunInputs, entry_rows) -> None:
    """Every department's values of the rank indicators, judged later by the same rules as its own."""
    ranked = methods_with(InputKind.RANKED_VALUE)
    rank_indicators = {a.indicator_id for a in run.assignments if a.method in ranked}
    if not rank_indicators:
        return
    pool: dict[int, list[tuple[int, int, bool]]] = defaultdict(list)
    for a_id, ind_id, dept_id, params in (
        Assignment.objects.filter(plan=plan, indicator_id__in=rank_indicators, is_active=True)
        .order_by()
        .values_list("pk", "indicator_id", "department_id", "indicator__params")
    ):
        pool[ind_id].append((a_id, dept_id, bool((params or {}).get("carry_over"))))
    run.rank_pool = pool
    run.rank_approved, run.rank_filed = defaultdict(dict), defaultdict(dict)
    _values(
        entry_rows.filter(assignment__indicator_id__in=rank_indicators, assignment__plan=plan),
        run.rank_approved,
        run.rank_filed,
    )


def _satisfaction(plan: Plan, run: RunInputs) -> None:
    """Survey figures do not depend on the period: one batch per distinct indicator setting."""
    wanted: dict[str, tuple[dict, set[str]]] = {}
    surveyed = methods_with(InputKind.SURVEY)
    for a in run.assignments:
        if a.method in surveyed:
            key = satisfaction_key(a.indicator.params)
            wanted.setdefault(key, (a.indicator.params or {}, set()))[1].add(run.departments[a.department_id][0])
            run.satisfaction_key[a.pk] = key
    run.satisfaction = satisfaction_inputs(plan.year, wanted) if wanted else {}
    run.satisfaction_minimum = settings.SATISFACTION_MIN_GROUP_SIZE
