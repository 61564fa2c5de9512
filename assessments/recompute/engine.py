"""The pure period × department loop of a recomputation: no database.

For every period begun and every department, each assignment's input is judged (its state and
what the score uses: assessments.inputs), targets are scaled to the quarter, and the department's
ledger is computed (assessments.scoring.compute_department). Identical inputs give the identical
ledger, so a department whose inputs did not change from one period to the next reuses the
previous result (typically the fourth quarter and the year).
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from indicators.methods import InputKind, method_of
from indicators.scoring import Inputs, Spec, competition_ranks

from .. import inputs as states
from .. import scoring
from ..models.scores import Exemption
from .inputs import AssignmentRow, RunInputs

HUNDRED = Decimal(100)
NO_INPUTS = Inputs()


class _Judge:
    """Judges the inputs of one run (its facts are fixed; only the period and the assignment vary)."""

    def __init__(self, run: RunInputs):
        self.run = run

    def exemption(self, a_id: int, period: str) -> str | None:
        ex = self.run.exemptions.get(a_id)
        return None if not ex else ex.get(period, ex.get(Exemption.ALL))

    def reported(self, a_id: int, qn: int, period: str, carry: bool, approved=None, filed=None):
        run = self.run
        return states.value_input(
            qn=qn,
            approved=(run.approved if approved is None else approved).get(a_id, {}),
            filed=(run.filed if filed is None else filed).get(a_id, {}),
            deadline=run.deadlines.get(qn),
            today=run.today,
            carry_over=carry,
            policy=run.policy,
            exemption=self.exemption(a_id, period),
        )

    def rank_values(self, indicator_id: int, qn: int, period: str) -> dict[int, Decimal]:
        """Each department's value of a rank indicator as its own score uses it (left out when None)."""
        run = self.run
        out: dict[int, Decimal] = {}
        for a_id, dept_id, carry in run.rank_pool.get(indicator_id, ()):
            _state, value, _used = self.reported(a_id, qn, period, carry, run.rank_approved, run.rank_filed)
            if value is not None:
                out[dept_id] = value
        return out

    def judge(self, a: AssignmentRow, dept_code: str, period: str, qn: int, rank_cache: dict):
        """(state, inputs, what was used) of one assignment's input for the period."""
        run = self.run
        kind = method_of(a.method).input
        if kind == InputKind.EVENTS:  # scored from events: nothing to file
            reason = self.exemption(a.pk, period)
            if reason is not None:
                state, _value, used = states.exempt(reason)
                return state, NO_INPUTS, used
            return states.InputState.APPROVED, NO_INPUTS, None
        if kind == InputKind.GRADE:
            grade = run.grades.get(a.pk)
            state, used = states.grade_input(grade=grade, exemption=self.exemption(a.pk, period))
            return state, Inputs(grade=grade), used
        if kind == InputKind.SURVEY:
            got = run.satisfaction.get((run.satisfaction_key.get(a.pk), dept_code))
            state, value, used = states.satisfaction_input(
                value=got.value if got else None,
                respondents=got.respondents if got else None,
                minimum=run.satisfaction_minimum,
                final=bool(got and got.final),
                surveyed=bool(got and got.survey_code),
                policy=run.policy,
                exemption=self.exemption(a.pk, period),
            )
            return state, Inputs(satisfaction=value), used
        state, value, used = self.reported(a.pk, qn, period, a.carry_over)
        if kind != InputKind.RANKED_VALUE:
            return state, Inputs(actual=value), used
        if a.indicator_id not in rank_cache:
            latest = self.rank_values(a.indicator_id, qn, period)
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


def compute(run: RunInputs) -> dict[tuple[int, str], scoring.DeptResult]:
    """Every (department, period) result of the run's departments."""
    judge = _Judge(run)
    results: dict[tuple[int, str], scoring.DeptResult] = {}
    by_dept: dict[int, list[AssignmentRow]] = defaultdict(list)
    for a in run.assignments:
        by_dept[a.department_id].append(a)
    dept_order = sorted(set(by_dept) | set(run.events))
    last_inputs: dict[int, tuple] = {}
    annual_as_q4 = _annual_as_q4(run, by_dept)
    previous = None
    for period, qn, end in run.periods:
        rank_cache: dict[int, tuple[dict, int]] = {}
        scaled: dict[tuple, Spec] = {}
        same_as_previous = period == "annual" and previous == (4, end)
        previous = (qn, end)
        for dept_id in dept_order:
            if same_as_previous and annual_as_q4.get(dept_id, True) and dept_id in last_inputs:
                results[(dept_id, period)] = last_inputs[dept_id][2]
                continue
            dept_code, group_id = run.departments[dept_id]
            ins = [
                _assignment_in(a, judge, dept_code, period, qn, rank_cache, scaled) for a in by_dept.get(dept_id, ())
            ]
            evs = [e for e in run.events.get(dept_id, ()) if e.date <= end]
            before = last_inputs.get(dept_id)
            if before is not None and _same_inputs(before[0], ins) and _same_events(before[1], evs):
                # Identical inputs give the identical ledger: compute_department is pure.
                result = before[2]
            else:
                result = scoring.compute_department(
                    department_id=dept_id,
                    group_id=group_id,
                    assignments=ins,
                    events=evs,
                    bonus_cap=run.bonus_cap,
                    veto_last=run.veto_last,
                )
            last_inputs[dept_id] = (ins, evs, result)
            results[(dept_id, period)] = result
    return results


def _annual_as_q4(run: RunInputs, by_dept: dict[int, list[AssignmentRow]]) -> dict[int, bool]:
    """The year's ledger equals Q4's when Q4 plans 100 percent of every cumulative target, no appeal
    set points for either and no exemption names one of them: same targets, values, states,
    events and ranks (Q4 ends on 31 December; both are judged on Q4's values)."""
    return {
        dept_id: all(not a.cumulative or a.planned[4] == HUNDRED for a in rows)
        and not any((a.pk, "Q4") in run.overrides or (a.pk, "annual") in run.overrides for a in rows)
        and not any({"Q4", "annual"} & run.exemptions.get(a.pk, {}).keys() for a in rows)
        for dept_id, rows in by_dept.items()
    }


def _assignment_in(a: AssignmentRow, judge: _Judge, dept_code: str, period: str, qn: int, rank_cache, scaled):
    spec = a.spec
    if period != "annual" and a.cumulative:
        share = a.planned[qn] / HUNDRED
        key = (id(spec), share)
        scaled_spec = scaled.get(key)
        if scaled_spec is None:
            scaled_spec = scaled[key] = spec.scaled(share)
        spec = scaled_spec
    state, inputs, used = judge.judge(a, dept_code, period, qn, rank_cache)
    override = judge.run.overrides.get((a.pk, period)) if judge.run.overrides else None
    ind = a.indicator
    return scoring.AssignmentIn(
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
