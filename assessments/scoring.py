"""A department's total, ledger, grade and rank (DESIGN.md §3) — pure, no database.

Department total = indicator scores (each with its own deductions, 扣完为止) + bonus events
(capped per rule and by the plan) − department-level deductions (capped per rule). A veto
(一票否决) sets the lowest grade whatever the total. Every step is a ledger line; the lines
sum exactly to the total because each is rounded half up when it is made.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_noop

from core.numbers import q2
from indicators.scoring import Inputs, Spec, competition_ranks, score

ZERO = Decimal(0)


@dataclass(frozen=True)
class RuleIn:
    id: int
    code: str
    name: str
    kind: str  # deduction | bonus
    scope: str  # indicator | department
    effect: str  # points | to_zero | veto
    points: Decimal
    cap: Decimal | None
    indicator_id: int | None


@dataclass(frozen=True)
class EventIn:
    id: int
    rule: RuleIn
    date: dt.date
    occurrences: int
    note: str = ""
    evidence: bool = False


@dataclass(frozen=True)
class AssignmentIn:
    id: int
    indicator_id: int
    indicator_code: str
    indicator_name: str
    category_code: str  # the top-level category
    spec: Spec
    inputs: Inputs
    override: Decimal | None = None
    override_appeal: int | None = None


@dataclass
class Line:
    key: str
    kind: str  # indicator | deduction | bonus | cap | veto
    points: Decimal
    message: str
    args: dict
    category_code: str = ""
    indicator_id: int | None = None
    rule_id: int | None = None
    event_id: int | None = None
    assignment_id: int | None = None


@dataclass
class DeptResult:
    department_id: int
    group_id: int | None
    lines: list[Line] = field(default_factory=list)
    vetoed: bool = False

    @property
    def total(self) -> Decimal:
        return sum((ln.points for ln in self.lines), start=ZERO)

    def category_scores(self) -> dict[str, Decimal]:
        out: dict[str, Decimal] = defaultdict(lambda: ZERO)
        for ln in self.lines:
            if ln.category_code:
                out[ln.category_code] += ln.points
        return dict(out)


def _num(d: Decimal) -> str:
    return format(q2(d).normalize(), "f") if d != d.to_integral() else format(d.to_integral(), "f")


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
                "each": _num(ev.rule.points),
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
                args={"rule": ev.rule.name, "cap": _num(ev.rule.cap), "excess": _num(amount - allowed)},
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
) -> DeptResult:
    """The ledger of one department for one period (inputs already limited to the period)."""
    result = DeptResult(department_id=department_id, group_id=group_id)
    caps = _RuleCaps()
    events = sorted(events, key=lambda e: (e.date, e.id))
    by_indicator: dict[int, list[EventIn]] = defaultdict(list)
    dept_events: list[EventIn] = []
    for ev in events:
        if ev.rule.scope == "indicator" and ev.rule.indicator_id is not None:
            by_indicator[ev.rule.indicator_id].append(ev)
        else:
            dept_events.append(ev)

    for a in assignments:
        cat, p = a.category_code, a.spec.points
        if a.override is not None:
            first = Line(
                key=f"ind:{a.id}",
                kind="indicator",
                points=q2(a.override),
                category_code=cat,
                indicator_id=a.indicator_id,
                assignment_id=a.id,
                message=gettext_noop("%(indicator)s: set to %(points)s points by the upheld appeal no. %(appeal)s."),
                args={"indicator": a.indicator_name, "points": _num(a.override), "appeal": a.override_appeal},
            )
        else:
            r = score(a.spec, a.inputs)
            first = Line(
                key=f"ind:{a.id}",
                kind="indicator",
                points=r.points,
                category_code=cat,
                indicator_id=a.indicator_id,
                assignment_id=a.id,
                message=gettext_noop("%(indicator)s (%(points)s points) — %(detail)s"),
                args={
                    "indicator": a.indicator_name,
                    "points": _num(p),
                    "detail": {"message": r.detail.message, "args": r.detail.args},
                },
            )
        lines = [first]
        to_zero = []
        for ev in by_indicator.get(a.indicator_id, []):
            if ev.rule.effect == "to_zero":
                to_zero.append(ev)
            elif ev.rule.effect == "veto":
                result.vetoed = True
                lines.append(_veto_line(ev))
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
        if subtotal < 0:  # 扣完为止: an indicator never goes below zero
            lines.append(
                Line(
                    key=f"floor:{a.id}",
                    kind="cap",
                    points=-subtotal,
                    category_code=cat,
                    indicator_id=a.indicator_id,
                    assignment_id=a.id,
                    message=gettext_noop("%(indicator)s cannot go below 0: %(excess)s not deducted."),
                    args={"indicator": a.indicator_name, "excess": _num(-subtotal)},
                )
            )
        elif subtotal > p:
            lines.append(
                Line(
                    key=f"ceil:{a.id}",
                    kind="cap",
                    points=p - subtotal,
                    category_code=cat,
                    indicator_id=a.indicator_id,
                    assignment_id=a.id,
                    message=gettext_noop("%(indicator)s cannot exceed its %(points)s points."),
                    args={"indicator": a.indicator_name, "points": _num(p)},
                )
            )
        result.lines.extend(lines)

    bonus_total = ZERO
    for ev in dept_events:
        if ev.rule.effect == "veto":
            result.vetoed = True
            result.lines.append(_veto_line(ev))
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
                args={"cap": _num(bonus_cap), "excess": _num(bonus_total - bonus_cap)},
            )
        )
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


def _veto_line(ev: EventIn) -> Line:
    return Line(
        key=f"evt:{ev.id}",
        kind="veto",
        points=ZERO,
        rule_id=ev.rule.id,
        event_id=ev.id,
        message=gettext_noop("Veto: %(rule)s on %(date)s — the lowest grade whatever the total."),
        args={"rule": ev.rule.name, "date": ev.date.isoformat()},
    )


@dataclass(frozen=True)
class Band:
    code: str
    label: str
    min_score: Decimal


@dataclass
class Standing:
    rank: int
    grade_code: str
    grade_label: str
    extra_lines: list[Line] = field(default_factory=list)


def grade_and_rank(
    totals: dict[int, tuple[int | None, Decimal, bool]], bands: list[Band], top_share: Decimal | None
) -> dict[int, Standing]:
    """Ranks within groups (1, 2, 2, 4) and grades by the plan's bands.

    ``totals``: department id → (group id, total, vetoed). A vetoed department gets the lowest
    band. With ``top_share`` (e.g. 20 %), at most that share of a group (rounded down) gets the
    top band: departments beyond it, by rank, get the next band, and their ledger says why;
    a tie that would exceed the share moves every department of that rank down.
    """
    bands = sorted(bands, key=lambda b: b.min_score, reverse=True)
    lowest = bands[-1]
    groups: dict[int | None, dict[int, Decimal]] = defaultdict(dict)
    for dept, (group, total, _vetoed) in totals.items():
        groups[group][dept] = total
    out: dict[int, Standing] = {}
    for members in groups.values():
        ranks = competition_ranks(members)
        for dept, total in members.items():
            vetoed = totals[dept][2]
            band = lowest if vetoed else next((b for b in bands if total >= b.min_score), lowest)
            out[dept] = Standing(rank=ranks[dept], grade_code=band.code, grade_label=band.label)
        if top_share is not None and len(bands) > 1:
            allowed = math.floor(len(members) * top_share / Decimal(100))
            top = sorted((d for d in members if out[d].grade_code == bands[0].code), key=lambda d: out[d].rank)
            by_rank: dict[int, list[int]] = defaultdict(list)
            for d in top:
                by_rank[out[d].rank].append(d)
            kept = 0
            for rank in sorted(by_rank):
                tied = by_rank[rank]
                if kept + len(tied) <= allowed:
                    kept += len(tied)
                    continue
                for d in tied:
                    out[d].grade_code, out[d].grade_label = bands[1].code, bands[1].label
                    out[d].extra_lines.append(
                        Line(
                            key="cap:top_share",
                            kind="cap",
                            points=ZERO,
                            message=gettext_noop(
                                "At most %(share)s%% of the group may be graded %(top)s "
                                "(%(allowed)s of %(n)s): rank %(rank)s is graded %(next)s."
                            ),
                            args={
                                "share": _num(top_share),
                                "top": bands[0].label,
                                "allowed": allowed,
                                "n": len(members),
                                "rank": rank,
                                "next": bands[1].label,
                            },
                        )
                    )
    return out
