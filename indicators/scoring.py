"""The scoring methods of docs/scoring.md, as pure functions (no database, Decimal throughout).

Each function takes an indicator's parameters and its measured inputs and returns the points
rounded half up to two places with an explanation. Composition into a department's total
(events, caps, bonus, veto, grades, ranks) is in ``assessments.scoring``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.utils.translation import gettext_noop

from core.numbers import q2, to_decimal
from core.text import Text

from .choices import Direction, Method
from .methods import DEFAULT_BASIC_SHARE, DEFAULT_GRADES, DEFAULT_RANK_SHARES

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Spec:
    """What scoring needs to know of an indicator (or of a budget target linked to one)."""

    method: str
    direction: str
    points: Decimal
    basic: Decimal | None = None
    challenge: Decimal | None = None
    upper: Decimal | None = None
    params: Mapping = field(default_factory=dict)
    unit: str = ""

    def scaled(self, share: Decimal) -> Spec:
        """Targets at ``share`` of their annual value: the plan's cumulative progress for a quarter."""
        if share == ONE:
            return self

        def s(v):
            return None if v is None else v * share

        return replace(self, basic=s(self.basic), challenge=s(self.challenge), upper=s(self.upper))


@dataclass(frozen=True)
class Inputs:
    """The measured inputs of one indicator for one department."""

    actual: Decimal | None = None  # reported cumulative value (1/0 for yes/no)
    grade: str | None = None  # qualitative grade (A/B/C/D) for ``grade``
    rank: int | None = None  # competition rank among departments sharing the indicator, for ``rank``
    rank_of: int | None = None  # how many departments were ranked
    satisfaction: Decimal | None = None  # rate or score (0–100) for ``satisfaction``


@dataclass(frozen=True)
class Result:
    points: Decimal
    detail: Text
    missing: bool = False  # no input yet: scored 0 and said so


def _num(v: Decimal | None) -> str:
    if v is None:
        return "—"
    d = Decimal(v)
    return format(d.normalize() if d == d.to_integral() else q2(d).normalize(), "f")


def _clamp(value: Decimal, points: Decimal) -> Decimal:
    return q2(min(max(value, ZERO), points))


def target_met(spec: Spec, actual: Decimal) -> bool:
    """Whether ``actual`` meets the (basic) target in the indicator's direction."""
    d, b = spec.direction, spec.basic
    if d == Direction.BOOL:
        return actual >= ONE if b is None else actual == b
    if b is None:
        return False
    if d == Direction.GE:
        return actual >= b
    if d == Direction.LE:
        return actual <= b
    if d == Direction.EQ:
        return actual == b
    if d == Direction.RANGE:
        return b <= actual <= (spec.upper if spec.upper is not None else b)
    return False


def _missing(spec: Spec, what: str) -> Result:
    return Result(
        ZERO,
        Text(
            gettext_noop("No %(what_label)s yet: 0 of %(points)s points."),
            {"what_label": what, "points": _num(spec.points)},
        ),
        missing=True,
    )


def threshold(spec: Spec, x: Inputs) -> Result:
    """达标制: target met → P, else 0."""
    if x.actual is None:
        return _missing(spec, gettext_noop("approved value"))
    met = target_met(spec, x.actual)
    return Result(
        q2(spec.points) if met else ZERO,
        Text(
            gettext_noop("Threshold: actual %(actual)s against target %(target)s — %(outcome_label)s."),
            {
                "actual": _num(x.actual),
                "target": _target_text(spec),
                "outcome_label": gettext_noop("met") if met else gettext_noop("not met"),
            },
        ),
    )


def proportional(spec: Spec, x: Inputs) -> Result:
    """比例制: ≥ → P × min(actual / target, 1); ≤ → P × min(target / actual, 1), and P where actual is 0."""
    if x.actual is None:
        return _missing(spec, gettext_noop("approved value"))
    a, t, p = x.actual, spec.basic, spec.points
    if spec.direction == Direction.LE:
        ratio = ONE if a <= ZERO else min(t / a, ONE)
        formula = gettext_noop("Proportional (≤): %(points)s × min(%(target)s ÷ %(actual)s, 1) = %(score)s.")
        if a <= ZERO:
            formula = gettext_noop("Proportional (≤): actual is 0, full %(points)s points.")
    else:
        ratio = min(a / t, ONE) if t else ZERO
        formula = gettext_noop("Proportional (≥): %(points)s × min(%(actual)s ÷ %(target)s, 1) = %(score)s.")
    score = _clamp(p * ratio, p)
    return Result(score, Text(formula, {"points": _num(p), "target": _num(t), "actual": _num(a), "score": _num(score)}))


def tiered(spec: Spec, x: Inputs) -> Result:
    """基础/挑战目标: at or beyond the challenge → P; between → linear from s·P to P; short of basic → s·P·a/b."""
    if x.actual is None:
        return _missing(spec, gettext_noop("approved value"))
    a, b, c, p = x.actual, spec.basic, spec.challenge, spec.points
    s = to_decimal(spec.params.get("basic_share"), DEFAULT_BASIC_SHARE)
    le = spec.direction == Direction.LE
    if (a <= c) if le else (a >= c):
        score, msg = (
            q2(p),
            gettext_noop("Challenge target %(challenge)s reached (actual %(actual)s): full %(points)s points."),
        )
    elif (a <= b) if le else (a >= b):
        frac = (b - a) / (b - c) if le else (a - b) / (c - b)
        score = _clamp(s * p + (ONE - s) * p * frac, p)
        msg = gettext_noop(
            "Between basic target %(basic)s and challenge target %(challenge)s (actual %(actual)s): "
            "%(share)s × %(points)s plus the linear part = %(score)s."
        )
    else:
        ratio = (b / a if a > ZERO else ZERO) if le else (a / b if b else ZERO)
        score = _clamp(s * p * ratio, p)
        msg = gettext_noop(
            "Short of the basic target %(basic)s (actual %(actual)s): %(share)s × %(points)s × %(ratio)s = %(score)s."
        )
        return Result(
            score,
            Text(
                msg,
                {
                    "basic": _num(b),
                    "actual": _num(a),
                    "share": _num(s),
                    "points": _num(p),
                    "ratio": _num(q2(ratio * 10000) / 10000),
                    "score": _num(score),
                },
            ),
        )
    return Result(
        score,
        Text(
            msg,
            {
                "basic": _num(b),
                "challenge": _num(c),
                "actual": _num(a),
                "share": _num(s),
                "points": _num(p),
                "score": _num(score),
            },
        ),
    )


def deduction(spec: Spec, x: Inputs) -> Result:
    """扣分制: the indicator starts at P; its deduction events are ledger lines of their own."""
    return Result(
        q2(spec.points),
        Text(
            gettext_noop("Deduction method: starts at %(points)s points; deductions follow."),
            {"points": _num(spec.points)},
        ),
    )


def scale(spec: Spec, x: Inputs) -> Result:
    """分档制: the first band that matches gives the points (e.g. within 1 h → 5, within 2 h → 3, otherwise 0)."""
    if x.actual is None:
        return _missing(spec, gettext_noop("approved value"))
    le = spec.direction == Direction.LE
    for i, band in enumerate(spec.params.get("bands", []), start=1):
        bound, pts = Decimal(band["bound"]), Decimal(band["points"])
        if (x.actual <= bound) if le else (x.actual >= bound):
            return Result(
                _clamp(pts, spec.points),
                Text(
                    gettext_noop(
                        "Scale: actual %(actual)s is within band %(band)s (%(op)s %(bound)s): %(score)s points."
                    ),
                    {
                        "actual": _num(x.actual),
                        "band": i,
                        "op": "≤" if le else "≥",
                        "bound": _num(bound),
                        "score": _num(pts),
                    },
                ),
            )
    otherwise = Decimal(spec.params.get("otherwise", "0"))
    return Result(
        _clamp(otherwise, spec.points),
        Text(
            gettext_noop("Scale: actual %(actual)s matches no band: %(score)s points."),
            {"actual": _num(x.actual), "score": _num(otherwise)},
        ),
    )


def grade(spec: Spec, x: Inputs) -> Result:
    """定性评价: the reviewer's grade gives its share of P (A/B/C/D → 100/80/60/40 % by default)."""
    if not x.grade:
        return _missing(spec, gettext_noop("grade"))
    grades = spec.params.get("grades") or {k: str(v) for k, v in DEFAULT_GRADES.items()}
    if x.grade not in grades:
        return Result(
            ZERO,
            Text(gettext_noop("Grade %(grade)s is not one of this indicator's grades: 0 points."), {"grade": x.grade}),
            missing=True,
        )
    share = Decimal(grades[x.grade])
    score = _clamp(spec.points * share / HUNDRED, spec.points)
    return Result(
        score,
        Text(
            gettext_noop("Qualitative grade %(grade)s: %(share)s%% of %(points)s = %(score)s."),
            {"grade": x.grade, "share": _num(share), "points": _num(spec.points), "score": _num(score)},
        ),
    )


def satisfaction(spec: Spec, x: Inputs) -> Result:
    """满意度: the survey's rate (or score) against the target, proportionally or as a threshold."""
    if x.satisfaction is None:
        return _missing(spec, gettext_noop("satisfaction result"))
    target = to_decimal(spec.params.get("target"), spec.basic or Decimal(85))
    v, p = x.satisfaction, spec.points
    if spec.params.get("mode") == "threshold":
        score = q2(p) if v >= target else ZERO
        msg = gettext_noop("Satisfaction %(value)s against target %(target)s: %(score)s points.")
    else:
        score = _clamp(p * min(v / target, ONE), p) if target else ZERO
        msg = gettext_noop("Satisfaction: %(points)s × min(%(value)s ÷ %(target)s, 1) = %(score)s.")
    return Result(
        score, Text(msg, {"value": _num(q2(v)), "target": _num(target), "points": _num(p), "score": _num(score)})
    )


def per_unit(spec: Spec, x: Inputs) -> Result:
    """按差额扣分: P minus k points per unit of shortfall against the target, never below 0."""
    if x.actual is None:
        return _missing(spec, gettext_noop("approved value"))
    k = Decimal(spec.params["per_unit"])
    shortfall = max(x.actual - spec.basic, ZERO) if spec.direction == Direction.LE else max(spec.basic - x.actual, ZERO)
    score = _clamp(spec.points - k * shortfall, spec.points)
    return Result(
        score,
        Text(
            gettext_noop(
                "Per unit: %(points)s − %(k)s × shortfall %(shortfall)s "
                "(actual %(actual)s, target %(target)s) = %(score)s."
            ),
            {
                "points": _num(spec.points),
                "k": _num(k),
                "shortfall": _num(shortfall),
                "actual": _num(x.actual),
                "target": _num(spec.basic),
                "score": _num(score),
            },
        ),
    )


def rank(spec: Spec, x: Inputs) -> Result:
    """排名赋分: points by rank among the departments sharing the indicator."""
    if x.rank is None:
        return _missing(spec, gettext_noop("approved value"))
    shares = [Decimal(s) for s in spec.params.get("shares") or DEFAULT_RANK_SHARES]
    rest = Decimal(spec.params.get("rest", "0"))
    share = shares[x.rank - 1] if x.rank <= len(shares) else rest
    score = _clamp(spec.points * share / HUNDRED, spec.points)
    return Result(
        score,
        Text(
            gettext_noop("Rank %(rank)s of %(of)s (actual %(actual)s): %(share)s%% of %(points)s = %(score)s."),
            {
                "rank": x.rank,
                "of": x.rank_of or "—",
                "actual": _num(x.actual),
                "share": _num(share),
                "points": _num(spec.points),
                "score": _num(score),
            },
        ),
    )


METHODS = {
    Method.THRESHOLD: threshold,
    Method.PROPORTIONAL: proportional,
    Method.TIERED: tiered,
    Method.DEDUCTION: deduction,
    Method.SCALE: scale,
    Method.GRADE: grade,
    Method.SATISFACTION: satisfaction,
    Method.PER_UNIT: per_unit,
    Method.RANK: rank,
}


def score(spec: Spec, inputs: Inputs) -> Result:
    """Score one indicator: 0 ≤ points ≤ P, rounded half up to two places."""
    return METHODS[spec.method](spec, inputs)


def competition_ranks(values: Mapping, *, higher_is_better: bool = True) -> dict:
    """Competition ranking (1, 2, 2, 4): equal values share a rank; None values are not ranked."""
    present = [(k, v) for k, v in values.items() if v is not None]
    present.sort(key=lambda kv: kv[1], reverse=higher_is_better)
    ranks, prev, prev_rank = {}, object(), 0
    for i, (k, v) in enumerate(present, start=1):
        if v != prev:
            prev, prev_rank = v, i
        ranks[k] = prev_rank
    return ranks


def _target_text(spec: Spec) -> str:
    ops = {Direction.GE: "≥", Direction.LE: "≤", Direction.EQ: "="}
    if spec.direction == Direction.RANGE:
        return f"{_num(spec.basic)}–{_num(spec.upper)}"
    if spec.direction == Direction.BOOL:
        return "1"
    return f"{ops.get(spec.direction, '')} {_num(spec.basic)}".strip()
