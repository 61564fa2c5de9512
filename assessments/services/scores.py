"""Recomputing, publishing and appealing scores.

Recomputation is set-based: a constant number of queries loads every input of the plan (or of
the departments asked for), the pure functions of assessments.scoring compute the ledgers, and
the results are written in bulk. The same inputs always give the same lines and totals.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import json
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.db.models.signals import post_save
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from audit.services import audit_log
from core.errors import ApplicationError
from core.numbers import two_places
from core.roles import Role
from core.tasks import enqueue
from core.uploads import check_upload
from indicators.choices import Method, ValueType
from indicators.models import Category, GradeBand, Indicator
from indicators.scoring import Inputs, Spec, competition_ranks
from notifications.services import notify
from organizations.models import Department
from organizations.selectors import users_of_department, users_with_role

from .. import inputs as inputs_mod
from .. import scoring
from ..models import (
    Appeal,
    Assignment,
    Entry,
    Exemption,
    GradeAssessment,
    LedgerLine,
    Plan,
    Publication,
    RecomputeRequest,
    ReportStatus,
    Score,
    ScoreEvent,
    ScoreOverride,
    ScoreRevision,
    VetoRanking,
)

HUNDRED = Decimal(100)


# --- Asking for a recomputation ------------------------------------------------------------


def scores_mark_dirty(*, plan: Plan, department_ids: list[int] | None = None) -> None:
    """Record that these departments' scores (all when None) must be recomputed, and queue the task.

    The record is written in the caller's transaction; the task is queued only after commit, and
    if the broker is unreachable the periodic job ``process_recompute_requests`` catches up.
    """
    if department_ids is None:
        RecomputeRequest.objects.create(plan=plan)
    else:
        RecomputeRequest.objects.bulk_create(RecomputeRequest(plan=plan, department_id=d) for d in set(department_ids))
    from ..tasks import process_recompute_requests

    transaction.on_commit(lambda: enqueue(process_recompute_requests))


def process_recompute_requests(*, plan_id: int | None = None) -> int:
    """Recompute every department that has a pending request (of one plan, or of all); clear the
    requests it handled."""
    # The requests read now are the ones this run handles and deletes; one written meanwhile (by
    # another transaction) is not among them and waits for the next run.
    pending = RecomputeRequest.objects.all()
    if plan_id is not None:
        pending = pending.filter(plan_id=plan_id)
    pending = list(pending.values("id", "plan_id", "department_id"))
    if not pending:
        return 0
    by_plan: dict[int, set | None] = {}
    for req in pending:
        if req["department_id"] is None:
            by_plan[req["plan_id"]] = None
        elif by_plan.get(req["plan_id"], set()) is not None:
            by_plan.setdefault(req["plan_id"], set()).add(req["department_id"])
    done = 0
    for plan_id, depts in by_plan.items():
        plan = Plan.objects.select_related("library").get(pk=plan_id)
        done += recompute(plan=plan, department_ids=None if depts is None else sorted(depts))
    RecomputeRequest.objects.filter(pk__in=[r["id"] for r in pending]).delete()
    return done


# --- Loading inputs ------------------------------------------------------------------------


def periods_of(plan: Plan, today: dt.date | None = None) -> list[tuple[str, int, dt.date]]:
    """(period, last quarter included, end date): the quarters begun so far, and the year."""
    today = today or timezone.localdate()
    out = []
    for q in plan.quarters.order_by("number"):
        if q.period_start <= today:
            out.append((q.code, q.number, q.period_end))
    out.append(("annual", 4, dt.date(plan.year, 12, 31)))
    return out


def _top_categories(plan: Plan) -> dict[int, Category]:
    cats = {c.pk: c for c in Category.objects.filter(library=plan.library).order_by()}

    def root(c):
        seen = 0
        while c.parent_id and c.parent_id in cats and seen < 20:
            c, seen = cats[c.parent_id], seen + 1
        return c

    return {pk: root(c) for pk, c in cats.items()}


def _satisfaction_inputs(year: int, wanted: dict[str, tuple[dict, set[str]]]) -> dict[tuple[str, str], object]:
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


def _satisfaction_minimum() -> int:
    from django.conf import settings

    return settings.SATISFACTION_MIN_GROUP_SIZE


NO_INPUTS = Inputs()


class _IndicatorRow(NamedTuple):
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
class _AssignmentRow:
    """An assignment with what scoring needs of its indicator, read once for every period."""

    pk: int
    department_id: int
    indicator: _IndicatorRow
    indicator_id: int
    method: str
    spec: Spec
    planned: tuple
    category_code: str
    cumulative: bool
    category_name: str = ""
    carry_over: bool = False  # the indicator's own rule: an earlier quarter's value may stand in


def _compute(plan: Plan, department_ids: list[int] | None, today: dt.date | None = None):
    """Every (department, period) result for the departments asked for.

    Inputs are read with a constant number of queries as plain rows; each indicator's scoring
    spec is built once and shared by the assignments and quarters that have the same targets.
    """
    dept_filter = {} if department_ids is None else {"department_id__in": department_ids}
    top = _top_categories(plan)
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
        row[0]: _IndicatorRow(*row)
        for row in Indicator.objects.filter(pk__in={r[2] for r in rows}).order_by().values_list(*_IndicatorRow._fields)
    }
    specs: dict[tuple, Spec] = {}
    assignments: list[_AssignmentRow] = []
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
        assignments.append(
            _AssignmentRow(
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
    today = today or timezone.localdate()
    deadlines = dict(plan.quarters.order_by().values_list("number", "deadline"))
    dept_of_entry = {} if department_ids is None else {"report__department_id__in": department_ids}
    # Cumulative values by assignment and quarter: approved, and filed but not yet approved.
    approved: dict[int, dict[int, Decimal]] = defaultdict(dict)
    filed: dict[int, dict[int, Decimal]] = defaultdict(dict)
    entry_rows = Entry.objects.filter(report__quarter__plan=plan, actual_value__isnull=False).exclude(
        report__status=ReportStatus.DRAFT
    )
    for a_id, qn, status, actual in (
        entry_rows.filter(**dept_of_entry)
        .order_by()
        .values_list("assignment_id", "report__quarter__number", "report__status", "actual_value")
    ):
        (approved if status == ReportStatus.APPROVED else filed)[a_id][qn] = actual
    exemptions: dict[int, dict[str, str]] = defaultdict(dict)
    for a_id, period, reason in Exemption.objects.filter(assignment__plan=plan).values_list(
        "assignment_id", "period", "reason"
    ):
        exemptions[a_id][period] = reason

    def exemption_of(a_id: int, period: str) -> str | None:
        ex = exemptions.get(a_id)
        return None if not ex else ex.get(period, ex.get(Exemption.ALL))

    policy = plan.missing_policy

    def reported(a_id: int, qn: int, period: str, carry: bool, got=approved, sent=filed):
        return inputs_mod.value_input(
            qn=qn,
            approved=got.get(a_id, {}),
            filed=sent.get(a_id, {}),
            deadline=deadlines.get(qn),
            today=today,
            carry_over=carry,
            policy=policy,
            exemption=exemption_of(a_id, period),
        )

    rank_indicators = {a.indicator_id for a in assignments if a.method == Method.RANK}
    rank_pool: dict[int, list[tuple[int, int, bool]]] = defaultdict(list)
    rank_approved: dict[int, dict[int, Decimal]] = defaultdict(dict)
    rank_filed: dict[int, dict[int, Decimal]] = defaultdict(dict)
    if rank_indicators:
        # Every department's values of the rank indicators (a department's rank depends on all),
        # judged by the same rules as its own: approved, filed, carried over or left out.
        for a_id, ind_id, dept_id, params in (
            Assignment.objects.filter(plan=plan, indicator_id__in=rank_indicators, is_active=True)
            .order_by()
            .values_list("pk", "indicator_id", "department_id", "indicator__params")
        ):
            rank_pool[ind_id].append((a_id, dept_id, bool((params or {}).get("carry_over"))))
        for a_id, qn, status, actual in (
            entry_rows.filter(assignment__indicator_id__in=rank_indicators, assignment__plan=plan)
            .order_by()
            .values_list("assignment_id", "report__quarter__number", "report__status", "actual_value")
        ):
            (rank_approved if status == ReportStatus.APPROVED else rank_filed)[a_id][qn] = actual
    grades = dict(
        GradeAssessment.objects.filter(
            assignment__plan=plan,
            **({} if department_ids is None else {"assignment__department_id__in": department_ids}),
        ).values_list("assignment_id", "grade")
    )
    overrides = {
        (o.assignment_id, o.period): o
        for o in ScoreOverride.objects.filter(
            assignment__plan=plan,
            appeal__status=Appeal.Status.UPHELD,
            **({} if department_ids is None else {"assignment__department_id__in": department_ids}),
        )
    }
    rules: dict[int, scoring.RuleIn] = {}
    events_by_dept: dict[int, list[scoring.EventIn]] = defaultdict(list)
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
        events_by_dept[dept_id].append(
            scoring.EventIn(
                id=ev_id, rule=rule_in, date=date, occurrences=occurrences, note=note, evidence=bool(evidence)
            )
        )
    departments = {
        pk: (code, group_id)
        for pk, code, group_id in Department.objects.filter(
            pk__in={a.department_id for a in assignments} | set(events_by_dept)
        ).values_list("pk", "code", "group_id")
    }
    # Satisfaction figures do not depend on the period: one batch per distinct indicator setting.
    sat_wanted: dict[str, tuple[dict, set[str]]] = {}
    sat_key: dict[int, str] = {}
    for a in assignments:
        if a.method == Method.SATISFACTION:
            params = a.indicator.params or {}
            key = json.dumps(params, sort_keys=True, default=str)
            sat_wanted.setdefault(key, (params, set()))[1].add(departments[a.department_id][0])
            sat_key[a.pk] = key
    sat_values = _satisfaction_inputs(plan.year, sat_wanted) if sat_wanted else {}
    sat_minimum = _satisfaction_minimum()

    def rank_of(ind_id: int, qn: int, period: str):
        """Each department's value of a rank indicator as its own score uses it (None when left out)."""
        latest: dict[int, Decimal] = {}
        for a_id, dept_id, carry in rank_pool[ind_id]:
            state, value, used = reported(a_id, qn, period, carry, rank_approved, rank_filed)
            if value is not None:
                latest[dept_id] = value
        return latest

    def judged(a: _AssignmentRow, dept_code: str, period: str, qn: int, rank_cache: dict):
        """(state, inputs, what was used) of one assignment's input for the period."""
        method = a.method
        if method == Method.DEDUCTION:  # scored from events: nothing to file
            reason = exemption_of(a.pk, period)
            if reason is not None:
                state, _value, used = inputs_mod.exempt(reason)
                return state, NO_INPUTS, used
            return inputs_mod.InputState.APPROVED, NO_INPUTS, None
        if method == Method.GRADE:
            grade = grades.get(a.pk)
            state, used = inputs_mod.grade_input(grade=grade, exemption=exemption_of(a.pk, period))
            return state, Inputs(grade=grade), used
        if method == Method.SATISFACTION:
            got = sat_values.get((sat_key[a.pk], dept_code))
            state, value, used = inputs_mod.satisfaction_input(
                value=got.value if got else None,
                respondents=got.respondents if got else None,
                minimum=sat_minimum,
                final=bool(got and got.final),
                surveyed=bool(got and got.survey_code),
                policy=policy,
                exemption=exemption_of(a.pk, period),
            )
            return state, Inputs(satisfaction=value), used
        state, value, used = reported(a.pk, qn, period, a.carry_over)
        if method != Method.RANK:
            return state, Inputs(actual=value), used
        if a.indicator_id not in rank_cache:
            latest = rank_of(a.indicator_id, qn, period)
            rank_cache[a.indicator_id] = (
                competition_ranks(latest, higher_is_better=a.indicator.direction != "le"),
                len(latest),
            )
        ranks, n_ranked = rank_cache[a.indicator_id]
        return (
            state,
            Inputs(actual=value, rank=ranks.get(a.department_id) if value is not None else None, rank_of=n_ranked),
            used,
        )

    results: dict[tuple[int, str], scoring.DeptResult] = {}
    by_dept: dict[int, list[_AssignmentRow]] = defaultdict(list)
    for a in assignments:
        by_dept[a.department_id].append(a)
    dept_order = sorted(set(by_dept) | set(events_by_dept))
    last_inputs: dict[int, tuple] = {}
    # The year's ledger equals Q4's when Q4 plans 100 percent of every cumulative target and no
    # appeal set points for either, and no exemption names one of them: same targets, values,
    # states, events and ranks (Q4 ends on 31 December; both are judged on Q4's values).
    annual_as_q4 = {
        dept_id: all(not a.cumulative or a.planned[4] == HUNDRED for a in rows)
        and not any((a.pk, "Q4") in overrides or (a.pk, "annual") in overrides for a in rows)
        and not any({"Q4", "annual"} & exemptions.get(a.pk, {}).keys() for a in rows)
        for dept_id, rows in by_dept.items()
    }
    veto_last = plan.veto_ranking != VetoRanking.EXCLUDE
    previous = None
    for period, qn, end in periods_of(plan, today):
        rank_cache: dict[int, tuple[dict, int]] = {}
        scaled: dict[tuple, Spec] = {}
        same_as_previous = period == "annual" and previous == (4, end)
        previous = (qn, end)
        for dept_id in dept_order:
            if same_as_previous and annual_as_q4.get(dept_id, True) and dept_id in last_inputs:
                results[(dept_id, period)] = last_inputs[dept_id][2]
                continue
            dept_code, group_id = departments[dept_id]
            ins = []
            for a in by_dept.get(dept_id, ()):
                ind = a.indicator
                spec = a.spec
                if period != "annual" and a.cumulative:
                    share = a.planned[qn] / HUNDRED
                    key = (id(spec), share)
                    scaled_spec = scaled.get(key)
                    if scaled_spec is None:
                        scaled_spec = scaled[key] = spec.scaled(share)
                    spec = scaled_spec
                state, inputs, used = judged(a, dept_code, period, qn, rank_cache)
                override = overrides.get((a.pk, period)) if overrides else None
                ins.append(
                    scoring.AssignmentIn(
                        id=a.pk,
                        indicator_id=a.indicator_id,
                        indicator_code=ind.code,
                        indicator_name=ind.name,
                        category_code=a.category_code,
                        category_name=a.category_name,
                        spec=spec,
                        inputs=inputs,
                        override=override.points if override else None,
                        override_appeal=override.appeal_id if override else None,
                        state=state,
                        used=used,
                    )
                )
            evs = [e for e in events_by_dept.get(dept_id, ()) if e.date <= end]
            before = last_inputs.get(dept_id)
            if before is not None and _same_inputs(before[0], ins) and _same_events(before[1], evs):
                # Identical inputs give the identical ledger (e.g. Q4 and the year, when Q4 plans
                # 100 percent): compute_department is pure, so its result is reused.
                result = before[2]
            else:
                result = scoring.compute_department(
                    department_id=dept_id,
                    group_id=group_id,
                    assignments=ins,
                    events=evs,
                    bonus_cap=plan.bonus_cap,
                    veto_last=veto_last,
                )
            last_inputs[dept_id] = (ins, evs, result)
            results[(dept_id, period)] = result
    return results, top


def _same_inputs(a: list, b: list) -> bool:
    return len(a) == len(b) and all(
        x.id == y.id
        and x.spec is y.spec
        and x.inputs == y.inputs
        and x.state == y.state
        and x.used == y.used
        and x.override == y.override
        and x.override_appeal == y.override_appeal
        for x, y in zip(a, b, strict=True)
    )


def _same_events(a: list, b: list) -> bool:
    return len(a) == len(b) and all(x is y for x, y in zip(a, b, strict=True))


@contextmanager
def _gc_paused():
    """Pause the cyclic garbage collector while the ledgers are built.

    Building every ledger allocates hundreds of thousands of small objects without cycles; the
    collector's passes over them cost about a quarter of the time and free nothing that
    reference counting does not free anyway. It runs again as soon as the block ends.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _lines_json(lines) -> list[dict]:
    return [
        {
            "key": ln.key,
            "kind": ln.kind,
            "points": str(ln.points),
            "message": ln.message,
            "args": ln.args,
            "category": ln.category_code,
        }
        for ln in lines
    ]


def _counts(counts: dict[str, int]) -> dict[str, int]:
    """The score's inputs by state, every state named (the API's ``inputs``)."""
    return {**inputs_mod.empty_counts(), **{str(k): v for k, v in counts.items()}}


def _hash(lines, standing, counts) -> str:
    payload = {
        "lines": _lines_json(lines),
        "grade": standing.grade_code,
        "rank": standing.rank,
        "inputs": _counts(counts),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def _category_json(plan: Plan, top: dict, result: scoring.DeptResult) -> list[dict]:
    roots = {c.pk: c for c in top.values()}.values()
    scores = result.category_scores()
    return [
        {
            "code": c.code,
            "name": c.name,
            "points": two_places(c.points),
            "score": two_places(scores.get(c.code, Decimal(0))),
        }
        for c in sorted(roots, key=lambda c: (c.order, c.code))
        if c.code in scores
    ]


LINE_FIELDS = (
    "key",
    "kind",
    "category_code",
    "indicator_id",
    "rule_id",
    "event_id",
    "assignment_id",
    "points",
    "detail_message",
    "detail_args",
)
SCORE_FIELDS = [
    "total",
    "grade_code",
    "grade_label",
    "rank",
    "group",
    "vetoed",
    "categories",
    "computed_at",
    "inputs_hash",
    "revision",
    "provisional",
    "inputs",
    "category_states",
]


def _line_values(ln) -> tuple:
    """A computed line as the row it is stored as (arguments as they come back from JSON)."""
    args = json.loads(json.dumps(ln.args, cls=DjangoJSONEncoder))
    return (
        ln.key,
        ln.kind,
        ln.category_code,
        ln.indicator_id,
        ln.rule_id,
        ln.event_id,
        ln.assignment_id,
        ln.points,
        ln.message,
        args,
    )


def _write_lines(new_lines: dict[int, list]) -> None:
    """Make each score's stored ledger equal to its new lines (score id → computed lines).

    The stored lines are compared by position: unchanged lines stay, the others are replaced
    (deleted and inserted again), surplus ones deleted. The result is the same rows (order, key,
    content) as deleting and inserting them all, in far fewer writes when little changed. Nothing
    refers to a ledger line's id (appeals name its key), so replacing a row changes nothing else.
    """
    if not new_lines:
        return
    old: dict[int, dict[int, tuple]] = defaultdict(dict)
    for row in (
        LedgerLine.objects.filter(score_id__in=list(new_lines))
        .order_by()
        .values_list("pk", "score_id", "order", *LINE_FIELDS)
    ):
        old[row[1]][row[2]] = (row[0], row[3:])
    inserts, deletes = [], []
    for score_id, lines in new_lines.items():
        stored = old.get(score_id, {})
        for order, ln in enumerate(lines, start=1):
            values = _line_values(ln)
            current = stored.pop(order, None)
            if current is not None and current[1] == values:
                continue
            if current is not None:
                deletes.append(current[0])
            inserts.append(LedgerLine(score_id=score_id, order=order, **dict(zip(LINE_FIELDS, values, strict=True))))
        deletes.extend(pk for pk, _values in stored.values())
    if deletes:
        LedgerLine.objects.filter(pk__in=deletes).delete()
    if inserts:
        LedgerLine.objects.bulk_create(inserts, batch_size=2000)


@transaction.atomic
def recompute(
    *, plan: Plan, department_ids: list[int] | None = None, reason: str = "", today: dt.date | None = None
) -> int:
    """Recompute the scores of the departments (all when None) for every period so far.

    Grades and ranks of the other departments are brought up to date as well, since both
    depend on the whole group. Published scores that change keep their previous state as a
    ScoreRevision. Returns the number of scores written.

    Writes are batched: new scores in one insert, changed ones in one update, and only the
    ledger lines that differ from the stored ones are written.
    """
    with _gc_paused():
        return _recompute(plan, department_ids, reason, today)


def _recompute(plan: Plan, department_ids: list[int] | None, reason: str, today: dt.date | None = None) -> int:
    results, top = _compute(plan, department_ids, today)
    bands = [
        scoring.Band(b.code, b.label, b.min_score) for b in GradeBand.objects.filter(library=plan.library).order_by()
    ]
    if not bands:
        bands = [scoring.Band("none", _("No grade bands"), Decimal(0))]
    # The stored scores of the ranking groups concerned take part in the standings (ranks, grades
    # and the top-grade share are per group): the groups the departments are in now and those of
    # their stored scores (a department that changed group leaves a gap in its former one).
    # Only the scores written are loaded whole.
    stored = Score.objects.filter(plan=plan)
    if department_ids is not None:
        groups = {r.group_id for r in results.values()}
        concerned = Q(group_id__in=[g for g in groups if g is not None]) | Q(
            group_id__in=Score.objects.filter(plan=plan, department_id__in=department_ids)
            .exclude(group_id=None)
            .values("group_id")
        )
        # Scores without a group form a group of their own; there are seldom any, so always included.
        stored = stored.filter(concerned | Q(group_id=None))
    existing: dict[tuple[int, str], _StoredScore] = {}
    capped: set[int] = set()
    for *values, has_cap in (
        stored.order_by()
        .annotate(has_cap=Exists(LedgerLine.objects.filter(score_id=OuterRef("pk"), key="cap:top_share")))
        .values_list(
            "pk",
            "department_id",
            "period",
            "group_id",
            "total",
            "vetoed",
            "rank",
            "grade_code",
            "inputs_hash",
            "has_cap",
        )
    ):
        row = _StoredScore(*values)
        existing[(row.department_id, row.period)] = row
        if has_cap:
            capped.add(row.pk)
    now = timezone.now()
    restood: list[tuple[int, scoring.Standing]] = []
    created: list[tuple[Score, list]] = []
    changed: list[tuple[int, Score, list]] = []
    digests: dict[tuple, str] = {}  # a result shared by two periods (see _compute) is hashed once
    periods = sorted({p for _d, p in results} | {p for _d, p in existing})
    for period in periods:
        totals = {}
        for (dept_id, p), s in existing.items():
            if p == period and (dept_id, p) not in results:
                totals[dept_id] = (s.group_id, s.total, s.vetoed, s.grade_code == scoring.HELD_CODE)
        for (dept_id, p), r in results.items():
            if p == period:
                totals[dept_id] = (r.group_id, r.total, r.vetoed, r.held)
        standings = scoring.grade_and_rank(
            totals,
            bands,
            plan.top_grade_share,
            veto_last=plan.veto_ranking != VetoRanking.EXCLUDE,
            held_label=pgettext("grade", "Held"),
        )
        for dept_id, standing in standings.items():
            result = results.get((dept_id, period))
            stored = existing.get((dept_id, period))
            if result is None:
                # Not recomputed: only its rank, grade and share-cap line can have moved.
                if stored is not None and (
                    (stored.rank, stored.grade_code) != (standing.rank, standing.grade_code)
                    or (stored.pk in capped) != bool(standing.extra_lines)
                ):
                    restood.append((stored.pk, standing))
                continue
            lines = result.lines + standing.extra_lines
            key = None if standing.extra_lines else (id(result), standing.grade_code, standing.rank)
            digest = digests.get(key) if key else None
            if digest is None:
                digest = _hash(lines, standing, result.inputs)
                if key:
                    digests[key] = digest
            # The hash covers the lines, grade and rank, not the group: a department that moved is rewritten.
            if stored is not None and stored.inputs_hash == digest and stored.group_id == result.group_id:
                continue
            score = Score(plan=plan, department_id=dept_id, period=period)
            score.total = result.total
            score.grade_code, score.grade_label, score.rank = standing.grade_code, standing.grade_label, standing.rank
            score.group_id, score.vetoed = result.group_id, result.vetoed
            score.provisional, score.inputs = result.provisional, _counts(result.inputs)
            score.category_states = result.category_states
            score.categories = _category_json(plan, top, result)
            score.computed_at, score.inputs_hash = now, digest
            if stored is None:
                created.append((score, lines))
            else:
                changed.append((stored.pk, score, lines))
    # The stored scores to write, loaded whole in one query; a published one keeps what was published.
    loaded = Score.objects.in_bulk([pk for pk, _s, _l in changed] + [pk for pk, _standing in restood])
    updated = []
    for pk, new, lines in changed:
        score = loaded[pk]
        if score.published:
            _keep_revision(score, reason or _("Recomputed after a change"))
        for field in (
            "total",
            "grade_code",
            "grade_label",
            "rank",
            "group_id",
            "vetoed",
            "categories",
            "provisional",
            "inputs",
            "category_states",
        ):
            setattr(score, field, getattr(new, field))
        score.computed_at, score.inputs_hash = new.computed_at, new.inputs_hash
        updated.append((score, lines))
    bulk = connection_returns_rows()
    if created:
        if bulk:
            Score.objects.bulk_create([s for s, _lines in created], batch_size=500)
        else:
            for s, _lines in created:
                s.save()  # sends post_save itself
    if updated:
        _update_scores([s for s, _lines in updated], SCORE_FIELDS)
    _write_lines({s.pk: lines for s, lines in created + updated})
    from dashboards.signals import coalesced_bumps

    # Bulk writes send no signals: send post_save as save() would (the public pages' cache listens,
    # and bumps its version once for them all).
    with coalesced_bumps():
        for score, _lines in created if bulk else ():
            _saved(score, created=True)
        for score, _lines in updated:
            _saved(score)
        return len(created) + len(updated) + _restand_all([(loaded[pk], standing) for pk, standing in restood])


def _saved(score: Score, *, created: bool = False, update_fields=None) -> None:
    if post_save.has_listeners(Score):
        post_save.send(
            sender=Score, instance=score, created=created, update_fields=update_fields, raw=False, using=score._state.db
        )


@dataclass
class _StoredScore:
    """What the standings need of a stored score; the score itself is loaded only to be written."""

    pk: int
    department_id: int
    period: str
    group_id: int | None
    total: Decimal
    vetoed: bool
    rank: int | None
    grade_code: str
    inputs_hash: str


FEW_ROWS = 20


def _update_scores(scores: list[Score], fields: list[str]) -> None:
    """Write these fields of the scores, as bulk_update would.

    A department's recomputation writes a handful of rows: one UPDATE by primary key, built once
    and executed per row, costs less than compiling bulk_update's CASE expressions. Many rows
    (a whole plan) go through bulk_update in batches.
    """
    if len(scores) > FEW_ROWS:
        Score.objects.bulk_update(scores, fields, batch_size=200)
        return
    from django.db import connection

    meta = Score._meta
    columns = [meta.get_field(name) for name in fields]
    qn = connection.ops.quote_name
    assignments = ", ".join(f"{qn(f.column)} = %s" for f in columns)
    sql = f"UPDATE {qn(meta.db_table)} SET {assignments} WHERE {qn(meta.pk.column)} = %s"  # noqa: S608 - names from _meta
    rows = [[f.get_db_prep_save(getattr(s, f.attname), connection) for f in columns] + [s.pk] for s in scores]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def connection_returns_rows() -> bool:
    from django.db import connection

    return connection.features.can_return_rows_from_bulk_insert


def _restand_all(restood: list[tuple[Score, scoring.Standing]]) -> int:
    """Scores not recomputed whose rank, grade or share-cap line moved with their group."""
    if not restood:
        return 0
    for score, _standing in restood:
        if score.published:
            _keep_revision(score, _("Grade or rank changed with the group"))
    ids = [score.pk for score, _standing in restood]
    LedgerLine.objects.filter(score_id__in=ids, key="cap:top_share").delete()
    last = dict(
        LedgerLine.objects.filter(score_id__in=ids)
        .order_by()
        .values("score_id")
        .annotate(last=Max("order"))
        .values_list("score_id", "last")
    )
    lines = []
    for score, standing in restood:
        score.rank, score.grade_code, score.grade_label = standing.rank, standing.grade_code, standing.grade_label
        score.inputs_hash = ""
        for i, ln in enumerate(standing.extra_lines, start=last.get(score.pk, 0) + 1):
            lines.append(
                LedgerLine(
                    score=score,
                    order=i,
                    key=ln.key,
                    kind=ln.kind,
                    points=ln.points,
                    detail_message=ln.message,
                    detail_args=ln.args,
                )
            )
    LedgerLine.objects.bulk_create(lines)
    fields = ["rank", "grade_code", "grade_label", "inputs_hash", "revision"]
    _update_scores([score for score, _standing in restood], fields)
    for score, _standing in restood:
        _saved(score, update_fields=frozenset(fields))
    return len(restood)


def score_snapshot(score: Score) -> dict:
    return {
        "total": str(score.total),
        "grade_code": score.grade_code,
        "grade_label": score.grade_label,
        "rank": score.rank,
        "vetoed": score.vetoed,
        "provisional": score.provisional,
        "inputs": score.inputs,
        "categories": score.categories,
        "computed_at": score.computed_at.isoformat() if score.computed_at else None,
        "lines": [
            {
                "key": ln.key,
                "kind": ln.kind,
                "points": str(ln.points),
                "detail": ln.detail,
                "message": ln.detail_message,
                "args": ln.detail_args,
            }
            for ln in score.lines.all()
        ],
    }


def _keep_revision(score: Score, reason: str) -> None:
    """A published score is never changed in place: keep what was published as a revision."""
    ScoreRevision.objects.create(score=score, number=score.revision, snapshot=score_snapshot(score), reason=reason)
    score.revision += 1


# --- Publication and appeals -------------------------------------------------------------


APPEALABLE = (LedgerLine.Kind.INDICATOR, LedgerLine.Kind.DEDUCTION, LedgerLine.Kind.VETO)


@transaction.atomic
def appeal_file(*, score: Score, line_key: str, reason: str, actor, evidence=None) -> Appeal:
    """A department appeals one line of its published score within the plan's window (异议申诉)."""
    if actor.department_id != score.department_id:
        raise ApplicationError(_("Only the department concerned can appeal its score."), code="forbidden")
    if not score.published:
        raise ApplicationError(_("Appeals are possible once the results are published."), code="not_published")
    pub = Publication.objects.filter(plan=score.plan, period=score.period).first()
    if pub is None or timezone.localdate() > pub.appeal_deadline:
        raise ApplicationError(
            _("The appeal window closed on %(date)s.") % {"date": pub.appeal_deadline.isoformat() if pub else "—"},
            code="window_closed",
        )
    line = score.lines.filter(key=line_key).first()
    if line is None:
        raise ApplicationError(_("No such line in this score."), field="line_key")
    if line.kind not in APPEALABLE:
        raise ApplicationError(
            _("This line follows from the others and cannot be appealed by itself."), field="line_key"
        )
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Give the reason for the appeal."), field="reason")
    if len(reason) > 4000:
        raise ApplicationError(
            _("At most %(n)d characters (now %(m)d).") % {"n": 4000, "m": len(reason)}, field="reason"
        )
    if Appeal.objects.filter(score=score, line_key=line_key, status=Appeal.Status.OPEN).exists():
        raise ApplicationError(_("An appeal on this line is already open."), field="line_key")
    appeal = Appeal(
        score=score,
        department_id=score.department_id,
        line_key=line_key,
        reason=reason,
        filed_by=actor,
        line_snapshot={
            "kind": line.kind,
            "points": str(line.points),
            "detail": line.detail,
            "indicator_id": line.indicator_id,
            "event_id": line.event_id,
            "assignment_id": line.assignment_id,
            "rule_id": line.rule_id,
            "event_date": line.event.date.isoformat() if line.event_id else None,
        },
    )
    if evidence is not None:
        checked = check_upload(evidence, field="evidence")
        appeal.evidence_name = checked.name
        appeal.evidence.save(checked.name, evidence, save=False)
    appeal.save()
    notify(
        users=users_with_role(roles=[Role.SUPERVISOR]),
        kind="appeal.filed",
        title=_("%(dept)s appeals its %(year)s %(period)s score")
        % {"dept": score.department, "year": score.plan.year, "period": score.period},
        body=reason,
        link=f"/assessments/appeals/{appeal.pk}/",
    )
    audit_log(
        "assessments.appeal.filed",
        actor=actor,
        obj=appeal,
        after={"line": line_key, "reason": reason, "line_snapshot": appeal.line_snapshot},
    )
    return appeal


@transaction.atomic
def appeal_decide(*, appeal: Appeal, decision: str, reason: str, actor, points: Decimal | None = None) -> Appeal:
    """Uphold (the score changes through a new revision) or reject with a reason; the department is told."""
    from .events import event_void

    appeal = Appeal.objects.select_for_update().select_related("score__plan", "score__department").get(pk=appeal.pk)
    if appeal.status != Appeal.Status.OPEN:
        raise ApplicationError(_("This appeal is already decided."), code="decided")
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Give the reason for the decision."), field="decision_reason")
    score = appeal.score
    before = score.total
    if decision == Appeal.Status.UPHELD:
        snap = appeal.line_snapshot
        if snap.get("kind") == LedgerLine.Kind.INDICATOR:
            assignment = Assignment.objects.select_related("indicator").get(pk=snap["assignment_id"])
            if points is None or not (Decimal(0) <= points <= assignment.indicator.points):
                raise ApplicationError(
                    _("Give the corrected points, between 0 and %(p)s.") % {"p": assignment.indicator.points},
                    field="points",
                )
            ScoreOverride.objects.filter(assignment=assignment, period=score.period).delete()
            ScoreOverride.objects.create(
                appeal=appeal, assignment=assignment, period=score.period, points=points.quantize(Decimal("0.01"))
            )
        else:
            event = ScoreEvent.objects.get(pk=snap["event_id"])
            if event.voided_at is None:
                event_void(
                    event=event,
                    actor=actor,
                    reason=_("Appeal no. %(n)s upheld: %(reason)s") % {"n": appeal.pk, "reason": reason},
                )
    elif decision != Appeal.Status.REJECTED:
        raise ApplicationError(_("Choose uphold or reject."), field="decision")
    appeal.status, appeal.decided_by, appeal.decided_at = decision, actor, timezone.now()
    appeal.decision_reason, appeal.total_before = reason, before
    appeal.save()
    if decision == Appeal.Status.UPHELD:
        recompute(
            plan=score.plan,
            department_ids=[score.department_id],
            reason=_("Before appeal no. %(n)s was upheld") % {"n": appeal.pk},
        )
        score.refresh_from_db()
        RecomputeRequest.objects.filter(plan=score.plan, department_id=score.department_id).delete()
    appeal.total_after = score.total
    appeal.save(update_fields=["total_after"])
    notify(
        users=users_of_department(department_id=score.department_id, roles=[Role.FILER, Role.DEPT_HEAD]),
        kind="appeal.decided",
        title=(
            _("Your appeal no. %(n)s was upheld: the total is now %(total)s")
            if decision == Appeal.Status.UPHELD
            else _("Your appeal no. %(n)s was rejected")
        )
        % {"n": appeal.pk, "total": score.total},
        body=reason,
        link=f"/assessments/appeals/{appeal.pk}/",
        level="info" if decision == Appeal.Status.UPHELD else "warning",
    )
    audit_log(
        f"assessments.appeal.{decision}",
        actor=actor,
        obj=appeal,
        before={"total": before},
        after={"total": score.total, "reason": reason, "points": None if points is None else str(points)},
    )
    return appeal


# Publication reads this module; kept importable from here for callers of services.scores.
from .publication import publication_checklist, scores_publish  # noqa: E402, F401
