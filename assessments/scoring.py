"""A department's total, ledger, grade and rank (docs/scoring.md) — pure, no database.

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

from .inputs import PROVISIONAL_STATES, InputState, Used

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
    # The input's state for the period and what was used (assessments.inputs); approved by default.
    state: str = InputState.APPROVED
    used: Used | None = None
    category_name: str = ""


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
    # Held by the plan's missing-input policy: no grade and no rank until the input is resolved.
    held: bool = False
    inputs: dict[str, int] = field(default_factory=dict)
    # Per top-level category, the count of inputs in each state other than approved.
    category_states: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def provisional(self) -> bool:
        """Resting on anything but approved or not-applicable inputs (暂定)."""
        return any(self.inputs.get(s) for s in PROVISIONAL_STATES)

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
    veto_last: bool = True,
) -> DeptResult:
    """The ledger of one department for one period (inputs already limited to the period).

    Each assignment carries its input state (assessments.inputs): an input left out (not
    applicable, pending without a value, or missing under the exclude and hold policies) scores 0
    on a line saying so, and its category is rescaled over the inputs that count.
    """
    result = DeptResult(department_id=department_id, group_id=group_id)
    counts: dict[str, int] = defaultdict(int)
    excluded: list[AssignmentIn] = []
    bases: dict[int, Decimal] = {}  # each indicator's method points, before its events
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
            first = _indicator_line(a)
        counts[a.state] += 1
        if a.state != InputState.APPROVED:
            by_cat = result.category_states.setdefault(cat, {})
            by_cat[str(a.state)] = by_cat.get(str(a.state), 0) + 1
        if a.override is None and a.used is not None and a.used.excluded:
            excluded.append(a)
        if a.used is not None and a.used.held:
            result.held = True
        lines = [first]
        to_zero = []
        for ev in by_indicator.get(a.indicator_id, []):
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
        bases[a.id] = first.points
    result.inputs = dict(counts)
    if excluded:
        coverage = _coverage_line(assignments, excluded)
        if coverage is not None:  # too little counts to extrapolate: held, not rescaled
            result.held = True
            result.lines.append(coverage)
        else:
            result.lines.extend(_rescale_lines(assignments, excluded, bases))

    bonus_total = ZERO
    for ev in dept_events:
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


def _indicator_line(a: AssignmentIn) -> Line:
    """The indicator's line: the method's points and explanation, preceded by what was used when
    the input is not simply approved (one line per such input, docs/scoring.md)."""
    used = a.used
    if used is not None and used.unscored:
        r_points, detail = ZERO, None
    else:
        r = score(a.spec, a.inputs)
        r_points, detail = r.points, {"message": r.detail.message, "args": r.detail.args}
    args = {"indicator": a.indicator_name, "points": _num(a.spec.points)}
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


def _coverage_line(assignments: list[AssignmentIn], excluded: list[AssignmentIn]) -> Line | None:
    """A score is rescaled only when the inputs that count carry at least half the points of the
    applicable ones; below that, rescaling would extrapolate from too little (a department that has
    filed nothing would look perfect), so the score is held without grade or rank."""
    applicable = sum((a.spec.points for a in assignments if a.state != InputState.NOT_APPLICABLE), start=ZERO)
    out_ids = {a.id for a in excluded}
    counted = sum((a.spec.points for a in assignments if a.id not in out_ids), start=ZERO)
    if not applicable or counted * 2 >= applicable:
        return None
    return Line(
        key="held:coverage",
        kind="cap",
        points=ZERO,
        message=gettext_noop(
            "Only %(counted)s of %(applicable)s points rest on inputs that count so far: "
            "no grade or rank until at least half do."
        ),
        args={"counted": _num(counted), "applicable": _num(applicable)},
    )


def _rescale_lines(
    assignments: list[AssignmentIn], excluded: list[AssignmentIn], bases: dict[int, Decimal]
) -> list[Line]:
    """Inputs left out do not count against the department: each category with some left out is
    rescaled over the indicators that count (their method points scaled up to the category's
    points). Deduction and bonus events are not scaled: an event always moves the total by
    exactly its rule. A category with nothing left to count is spread over the others by one
    department-level line.
    """
    out_ids = {a.id for a in excluded}
    cats: dict[str, dict] = {}
    for a in assignments:
        c = cats.setdefault(
            a.category_code, {"name": a.category_name or a.category_code, "all": ZERO, "counted": ZERO, "sum": ZERO}
        )
        c["all"] += a.spec.points
        if a.id not in out_ids:
            c["counted"] += a.spec.points
            c["sum"] += bases.get(a.id, ZERO)
    lines: list[Line] = []
    kept_all = kept_sum = dropped = ZERO
    for code, c in cats.items():
        if c["counted"] == c["all"]:
            kept_all += c["all"]
            kept_sum += c["sum"]
            continue
        if c["counted"] == ZERO:
            dropped += c["all"]
            continue
        rescaled = q2(c["sum"] * c["all"] / c["counted"])
        kept_all += c["all"]
        kept_sum += rescaled
        lines.append(
            Line(
                key=f"rescale:{code}",
                kind="cap",
                points=rescaled - c["sum"],
                category_code=code,
                message=gettext_noop(
                    "%(category)s: indicators left out (see above); the others are rescaled to the category's "
                    "%(all)s points: %(sum)s × %(all)s ÷ %(counted)s = %(rescaled)s."
                ),
                args={
                    "category": c["name"],
                    "all": _num(c["all"]),
                    "sum": _num(c["sum"]),
                    "counted": _num(c["counted"]),
                    "rescaled": _num(rescaled),
                },
            )
        )
    if dropped and kept_all:
        whole = q2(kept_sum * (kept_all + dropped) / kept_all)
        lines.append(
            Line(
                key="rescale:total",
                kind="cap",
                points=whole - kept_sum,
                message=gettext_noop(
                    "No indicator of %(n)s points counts yet in some categories: the indicator scores are rescaled "
                    "to the full %(all)s points: %(sum)s × %(all)s ÷ %(kept)s = %(whole)s."
                ),
                args={
                    "n": _num(dropped),
                    "all": _num(kept_all + dropped),
                    "sum": _num(kept_sum),
                    "kept": _num(kept_all),
                    "whole": _num(whole),
                },
            )
        )
    return lines


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


@dataclass(frozen=True)
class Band:
    code: str
    label: str
    min_score: Decimal


@dataclass
class Standing:
    rank: int | None
    grade_code: str
    grade_label: str
    extra_lines: list[Line] = field(default_factory=list)


HELD_CODE = "held"


def grade_and_rank(
    totals: dict[int, tuple],
    bands: list[Band],
    top_share: Decimal | None,
    *,
    veto_last: bool = True,
    held_label: str = "",
) -> dict[int, Standing]:
    """Ranks within groups (1, 2, 2, 4) and grades by the plan's bands.

    ``totals``: department id → (group id, total, vetoed[, held]). A vetoed department gets the
    lowest band and ranks after every department of its group without a veto (vetoed ones among
    themselves by total), or, with ``veto_last`` off, is left out of the ranking. A held score
    (the plan's missing-input policy) gets neither grade nor rank. With ``top_share`` (e.g. 20 %),
    at most that share of a group (rounded down) gets the top band: departments beyond it, by
    rank, get the next band, and their ledger says why; a tie that would exceed the share moves
    every department of that rank down.
    """
    bands = sorted(bands, key=lambda b: b.min_score, reverse=True)
    lowest = bands[-1]
    groups: dict[int | None, dict[int, Decimal]] = defaultdict(dict)
    for dept, (group, total, *_flags) in totals.items():
        groups[group][dept] = total
    out: dict[int, Standing] = {}
    for members in groups.values():
        held = {d for d in members if len(totals[d]) > 3 and totals[d][3]}
        vetoed = {d for d in members if totals[d][2] and d not in held}
        clean = {d: t for d, t in members.items() if d not in held and d not in vetoed}
        ranks: dict[int, int | None] = dict(competition_ranks(clean))
        behind = competition_ranks({d: members[d] for d in vetoed})
        for d in vetoed:
            ranks[d] = len(clean) + behind[d] if veto_last else None
        for dept, total in members.items():
            if dept in held:
                out[dept] = Standing(rank=None, grade_code=HELD_CODE, grade_label=held_label or HELD_CODE)
                continue
            band = lowest if dept in vetoed else next((b for b in bands if total >= b.min_score), lowest)
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
