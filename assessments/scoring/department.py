"""A department's ledger for one period (docs/scoring.md) — pure, no database."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.utils.translation import gettext_noop

from core.numbers import q2
from indicators.scoring import score

from ..inputs import InputState
from .ledger import ZERO, AssignmentIn, DeptResult, EventIn, Line, RuleIn, fmt_points
from .rescale import coverage_line, rescale_lines


def _event_amount(ev: EventIn) -> Decimal:
    return q2(ev.rule.points * ev.occurrences)


class _RuleCaps:
    """Running use of each rule's cap (per department and year)."""

    def __init__(self):
        self.used: dict[int, Decimal] = defaultdict(lambda: ZERO)

    def take(self, rule: RuleIn, amount: Decimal) -> Decimal:
        if rule.cap is None:
            return amount
        allowed = max(min(amount, rule.cap - self.used[rule.id]), ZERO)
        self.used[rule.id] += allowed
        return allowed


def _event_lines(ev: EventIn, caps: _RuleCaps, *, category: str = "", indicator_id: int | None = None) -> list[Line]:
    """The event's line at its full amount, then a cap line if the rule's cap stops part of it."""
    amount = _event_amount(ev)
    sign = Decimal(-1) if ev.rule.kind == "deduction" else Decimal(1)
    kind = "deduction" if ev.rule.kind == "deduction" else "bonus"
    lines = [
        Line(
            key=f"evt:{ev.id}",
            kind=kind,
            points=sign * amount,
            category_code=category,
            indicator_id=indicator_id,
            rule_id=ev.rule.id,
            event_id=ev.id,
            message=gettext_noop("%(rule)s: %(n)s × %(sign)s%(each)s on %(date)s%(evidence)s."),
            args={
                "rule": ev.rule.name,
                "n": ev.occurrences,
                "sign": "−" if sign < 0 else "+",
                "each": fmt_points(ev.rule.points),
                "date": ev.date.isoformat(),
                "evidence": " 📎" if ev.evidence else "",
            },
        )
    ]
    allowed = caps.take(ev.rule, amount)
    if allowed < amount:
        lines.append(
            Line(
                key=f"cap:evt:{ev.id}",
                kind="cap",
                points=-sign * (amount - allowed),
                category_code=category,
                indicator_id=indicator_id,
                rule_id=ev.rule.id,
                event_id=ev.id,
                message=gettext_noop(
                    "Cap of the rule %(rule)s (%(cap)s points a year) reached: %(excess)s not counted."
                ),
                args={"rule": ev.rule.name, "cap": fmt_points(ev.rule.cap), "excess": fmt_points(amount - allowed)},
            )
        )
    return lines


def compute_department(
    *,
    department_id: int,
    group_id: int | None,
    assignments: list[AssignmentIn],
    events: list[EventIn],
    bonus_cap: Decimal | None,
    veto_last: bool = True,
) -> DeptResult:
    """The ledger of one department for one period (inputs already limited to the period).

    Each assignment carries its input state (assessments.inputs): an input left out (not
    applicable, pending without a value, or missing under the exclude and hold policies) scores 0
    on a line saying so, and its category is rescaled over the inputs that count.

    The lines come in this order: each indicator with its own events and bounds; the rescaling of
    inputs left out; the department-level events with the plan's bonus cap; the floor of the total.
    """
    result = DeptResult(department_id=department_id, group_id=group_id)
    counts: dict[str, int] = defaultdict(int)
    excluded: list[AssignmentIn] = []
    bases: dict[int, Decimal] = {}  # each indicator's method points, before its events
    caps = _RuleCaps()
    by_indicator, dept_events = _split_events(events)

    for a in assignments:
        first = _override_line(a) if a.override is not None else _indicator_line(a)
        counts[a.state] += 1
        if a.state != InputState.APPROVED:
            by_cat = result.category_states.setdefault(a.category_code, {})
            by_cat[str(a.state)] = by_cat.get(str(a.state), 0) + 1
        if a.override is None and a.used is not None and a.used.excluded:
            excluded.append(a)
        if a.used is not None and a.used.held:
            result.held = True
        result.lines.extend(
            _assignment_lines(a, first, by_indicator.get(a.indicator_id, []), caps, result, veto_last=veto_last)
        )
        bases[a.id] = first.points
    result.inputs = dict(counts)
    if excluded:
        coverage = coverage_line(assignments, excluded)
        if coverage is not None:  # too little counts to extrapolate: held, not rescaled
            result.held = True
            result.lines.append(coverage)
        else:
            result.lines.extend(rescale_lines(assignments, excluded, bases))
    _add_department_events(result, dept_events, caps, bonus_cap=bonus_cap, veto_last=veto_last)
    if result.total < 0:
        result.lines.append(
            Line(
                key="floor:total",
                kind="cap",
                points=-result.total,
                message=gettext_noop("The total cannot go below 0."),
                args={},
            )
        )
    return result


def _split_events(events: list[EventIn]) -> tuple[dict[int, list[EventIn]], list[EventIn]]:
    """The events by date: those of an indicator's rules by indicator, and the department's."""
    by_indicator: dict[int, list[EventIn]] = defaultdict(list)
    dept_events: list[EventIn] = []
    for ev in sorted(events, key=lambda e: (e.date, e.id)):
        if ev.rule.scope == "indicator" and ev.rule.indicator_id is not None:
            by_indicator[ev.rule.indicator_id].append(ev)
        else:
            dept_events.append(ev)
    return by_indicator, dept_events


def _override_line(a: AssignmentIn) -> Line:
    """The indicator's line when an upheld appeal has set its points."""
    return Line(
        key=f"ind:{a.id}",
        kind="indicator",
        points=q2(a.override),
        category_code=a.category_code,
        indicator_id=a.indicator_id,
        assignment_id=a.id,
        message=gettext_noop("%(indicator)s: set to %(points)s points by the upheld appeal no. %(appeal)s."),
        args={"indicator": a.indicator_name, "points": fmt_points(a.override), "appeal": a.override_appeal},
    )


def _assignment_lines(
    a: AssignmentIn, first: Line, events: list[EventIn], caps: _RuleCaps, result: DeptResult, *, veto_last: bool
) -> list[Line]:
    """An indicator's line, then its own events (a veto marks ``result``), then what keeps the
    indicator within 0 and its points (扣完为止)."""
    cat = a.category_code
    lines = [first]
    to_zero = []
    for ev in events:
        if ev.rule.effect == "to_zero":
            to_zero.append(ev)
        elif ev.rule.effect == "veto":
            result.vetoed = True
            lines.append(_veto_line(ev, veto_last))
        else:
            lines.extend(_event_lines(ev, caps, category=cat, indicator_id=a.indicator_id))
    subtotal = sum((ln.points for ln in lines), start=ZERO)
    if to_zero and subtotal > 0:
        ev = to_zero[0]
        lines.append(
            Line(
                key=f"evt:{ev.id}",
                kind="deduction",
                points=-subtotal,
                category_code=cat,
                indicator_id=a.indicator_id,
                rule_id=ev.rule.id,
                event_id=ev.id,
                message=gettext_noop("%(rule)s on %(date)s: this indicator scores zero."),
                args={"rule": ev.rule.name, "date": ev.date.isoformat()},
            )
        )
        subtotal = ZERO
    bound = _bound_line(a, subtotal)
    return lines + [bound] if bound is not None else lines


def _bound_line(a: AssignmentIn, subtotal: Decimal) -> Line | None:
    """The line that brings an indicator's subtotal back within 0 and its points, if needed."""
    if subtotal < 0:  # 扣完为止: an indicator never goes below zero
        return Line(
            key=f"floor:{a.id}",
            kind="cap",
            points=-subtotal,
            category_code=a.category_code,
            indicator_id=a.indicator_id,
            assignment_id=a.id,
            message=gettext_noop("%(indicator)s cannot go below 0: %(excess)s not deducted."),
            args={"indicator": a.indicator_name, "excess": fmt_points(-subtotal)},
        )
    if subtotal > a.spec.points:
        return Line(
            key=f"ceil:{a.id}",
            kind="cap",
            points=a.spec.points - subtotal,
            category_code=a.category_code,
            indicator_id=a.indicator_id,
            assignment_id=a.id,
            message=gettext_noop("%(indicator)s cannot exceed its %(points)s points."),
            args={"indicator": a.indicator_name, "points": fmt_points(a.spec.points)},
        )
    return None


def _add_department_events(
    result: DeptResult, events: list[EventIn], caps: _RuleCaps, *, bonus_cap: Decimal | None, veto_last: bool
) -> None:
    """The department-level events' lines (vetoes, deductions, bonuses) and the plan's bonus cap."""
    bonus_total = ZERO
    for ev in events:
        if ev.rule.effect == "veto":
            result.vetoed = True
            result.lines.append(_veto_line(ev, veto_last))
            continue
        lines = _event_lines(ev, caps)
        if ev.rule.kind == "bonus":
            bonus_total += sum((ln.points for ln in lines), start=ZERO)
        result.lines.extend(lines)
    if bonus_cap is not None and bonus_total > bonus_cap:
        result.lines.append(
            Line(
                key="cap:bonus",
                kind="cap",
                points=bonus_cap - bonus_total,
                message=gettext_noop("Bonus points are capped at %(cap)s by the plan: %(excess)s not counted."),
                args={"cap": fmt_points(bonus_cap), "excess": fmt_points(bonus_total - bonus_cap)},
            )
        )


def _indicator_line(a: AssignmentIn) -> Line:
    """The indicator's line: the method's points and explanation, preceded by what was used when
    the input is not simply approved (one line per such input, docs/scoring.md)."""
    used = a.used
    if used is not None and used.unscored:
        r_points, detail = ZERO, None
    else:
        r = score(a.spec, a.inputs)
        r_points, detail = r.points, {"message": r.detail.message, "args": r.detail.args}
    args = {"indicator": a.indicator_name, "points": fmt_points(a.spec.points)}
    if used is not None:
        args["state"] = str(a.state)  # read by the pages (colour, exemption), not by the sentence
    if used is None or used.message is None:
        message = gettext_noop("%(indicator)s (%(points)s points) — %(detail)s")
        args["detail"] = detail
    elif detail is None:
        message = gettext_noop("%(indicator)s (%(points)s points) — %(input)s")
        args["input"] = {"message": used.message, "args": used.args}
    else:
        message = gettext_noop("%(indicator)s (%(points)s points) — %(input)s %(detail)s")
        args["input"] = {"message": used.message, "args": used.args}
        args["detail"] = detail
    return Line(
        key=f"ind:{a.id}",
        kind="indicator",
        points=r_points,
        category_code=a.category_code,
        indicator_id=a.indicator_id,
        assignment_id=a.id,
        message=message,
        args=args,
    )


def _veto_line(ev: EventIn, last: bool = True) -> Line:
    return Line(
        key=f"evt:{ev.id}",
        kind="veto",
        points=ZERO,
        rule_id=ev.rule.id,
        event_id=ev.id,
        message=(
            gettext_noop(
                "Veto: %(rule)s on %(date)s — the lowest grade whatever the total, ranked after every department "
                "of the group without a veto."
            )
            if last
            else gettext_noop(
                "Veto: %(rule)s on %(date)s — the lowest grade whatever the total, left out of the ranking."
            )
        ),
        args={"rule": ev.rule.name, "date": ev.date.isoformat()},
    )
