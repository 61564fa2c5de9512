"""A budget project's self-evaluation score, as pure functions (no database, Decimal throughout).

The rules (docs/budgets.md, Ministry of Finance practice for 项目支出绩效自评):

- Weights per year (``Weights``): budget execution rate 10, output 50, effect 30, satisfaction 10.
  Cost targets (成本指标) are scored inside the output weight unless the year gives cost a weight
  of its own: the Ministry's self-evaluation table keeps 产出 at 50 points and counts the cost
  targets among them. A year that sets ``cost`` > 0 scores them as a group of their own.
- Execution-rate line = weight × min(spent ÷ amount, 1).
- Within a group its weight is shared among its targets: a target that carries its own weight
  takes it; what is left is shared equally among the others, in whole cents, the first targets
  (in sheet order) taking the odd cents, so the points of a group add up exactly to its weight.
- Each target is scored out of its points (P) by the method of the library indicator it links to
  (``indicators.scoring``: the indicator's method and parameters, the target's value as the basic
  target, P as points), and otherwise proportionally: ≥ → P × min(actual ÷ target, 1);
  ≤ → P × min(target ÷ actual, 1), full where actual is 0; = and range → P if met, else 0.
  Cost targets are mostly ≤ targets and are scored the same way: spending more than the
  standard loses points in proportion.
- Each ledger line is rounded half up to two places; the total is the sum of the lines;
  grades 优 ≥ 90, 良 ≥ 80, 中 ≥ 60, 差 < 60 (per year).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_noop

from core.numbers import q2
from core.text import Text
from indicators import scoring
from indicators.choices import Direction, Method
from indicators.methods import InputKind, method_of, methods_with

from .choices import BudgetDimension, Operator

ZERO = Decimal(0)
ONE = Decimal(1)
CENT = Decimal("0.01")
HUNDRED = Decimal(100)

# Library methods a budget target can be scored by: those computed from the target's actual value.
# (grade needs a reviewer's grade, rank a field of departments, deduction recorded events.)
LINKABLE_METHODS = methods_with(InputKind.VALUE) | methods_with(InputKind.SURVEY)

DIMENSION_ORDER = [BudgetDimension.COST, BudgetDimension.OUTPUT, BudgetDimension.EFFECT, BudgetDimension.SATISFACTION]


@dataclass(frozen=True)
class Weights:
    """A year's weights in points; they add up to 100."""

    execution: Decimal = Decimal(10)
    output: Decimal = Decimal(50)
    effect: Decimal = Decimal(30)
    satisfaction: Decimal = Decimal(10)
    cost: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return self.execution + self.output + self.effect + self.satisfaction + self.cost

    def groups(self) -> list[tuple[str, Decimal, tuple[str, ...]]]:
        """(group, weight, dimensions scored in it), in ledger order."""
        out = []
        if self.cost > ZERO:
            out.append((BudgetDimension.COST.value, self.cost, (BudgetDimension.COST.value,)))
            out.append((BudgetDimension.OUTPUT.value, self.output, (BudgetDimension.OUTPUT.value,)))
        else:
            out.append(
                (BudgetDimension.OUTPUT.value, self.output, (BudgetDimension.OUTPUT.value, BudgetDimension.COST.value))
            )
        out.append((BudgetDimension.EFFECT.value, self.effect, (BudgetDimension.EFFECT.value,)))
        out.append((BudgetDimension.SATISFACTION.value, self.satisfaction, (BudgetDimension.SATISFACTION.value,)))
        return out

    def group_of(self, dimension: str) -> str:
        for group, _weight, dims in self.groups():
            if dimension in dims:
                return group
        raise KeyError(dimension)

    def as_json(self) -> dict:
        return {k: str(getattr(self, k)) for k in ("execution", "output", "cost", "effect", "satisfaction")}


DEFAULT_BANDS: tuple[tuple[str, Decimal], ...] = (
    ("excellent", Decimal(90)),
    ("good", Decimal(80)),
    ("fair", Decimal(60)),
    ("poor", ZERO),
)


@dataclass(frozen=True)
class LinkedIndicator:
    """What scoring needs of the library indicator a target links to."""

    code: str
    name: str
    method: str
    points: Decimal
    challenge: Decimal | None = None
    params: Mapping = field(default_factory=dict)


@dataclass(frozen=True)
class TargetInput:
    id: int | None
    name: str
    dimension: str
    operator: str
    value: Decimal | None
    upper: Decimal | None = None
    unit: str = ""
    weight: Decimal | None = None  # the target's own points within its group, if it carries any
    actual: Decimal | None = None
    link: LinkedIndicator | None = None
    order: int = 0


@dataclass(frozen=True)
class Line:
    """One ledger line. ``points`` is rounded half up to two places."""

    kind: str  # "execution" | "target" | "not_applicable"
    group: str
    points: Decimal
    available: Decimal
    detail: Text
    dimension: str = ""
    target_id: int | None = None
    target_name: str = ""
    method: str = ""
    missing: bool = False

    def as_json(self) -> dict:
        return {
            "kind": self.kind,
            "group": self.group,
            "dimension": self.dimension,
            "target": None if self.target_id is None else {"id": self.target_id, "name": self.target_name},
            "method": self.method,
            "available": str(self.available),
            "points": str(self.points),
            "missing": self.missing,
            "detail": self.detail.as_json(),
        }


@dataclass(frozen=True)
class Result:
    lines: tuple[Line, ...]
    total: Decimal
    grade: str
    execution_rate: Decimal  # spent ÷ amount × 100, two places (not capped)

    def as_json(self) -> list[dict]:
        return [line.as_json() for line in self.lines]


def _num(v) -> str:
    return scoring.num2(v)


def grade_for(total: Decimal, bands: Sequence[tuple[str, Decimal]] = DEFAULT_BANDS) -> str:
    """The first band (best first) whose minimum the total reaches."""
    for code, minimum in sorted(bands, key=lambda b: b[1], reverse=True):
        if total >= minimum:
            return code
    return bands[-1][0]


def allocate(weight: Decimal, own: Sequence[Decimal | None]) -> list[Decimal]:
    """Each target's points within a group of ``weight`` points (see the module docstring).

    Targets with their own weight keep it; the rest is shared equally in whole cents, the
    first ones taking the odd cents, so the result always sums to ``weight`` when any
    target goes without its own weight.
    """
    fixed = sum((w for w in own if w is not None), ZERO)
    free = [i for i, w in enumerate(own) if w is None]
    out = [w if w is not None else ZERO for w in own]
    if not free:
        return out
    remaining_cents = int(((weight - fixed) / CENT).to_integral_value())
    if remaining_cents <= 0:
        return out
    base, extra = divmod(remaining_cents, len(free))
    for k, i in enumerate(free):
        out[i] = (Decimal(base) + (ONE if k < extra else ZERO)) * CENT
    return out


def grouped(weights: Weights, targets: Sequence[TargetInput]) -> list[tuple[str, list[tuple[TargetInput, Decimal]]]]:
    """Each group with its targets in ledger order and the points each one is worth."""
    out = []
    for group, weight, dims in weights.groups():
        members = sorted(
            (t for t in targets if t.dimension in dims),
            key=lambda t, dims=dims: (dims.index(t.dimension), t.order, t.id or 0),
        )
        out.append((group, list(zip(members, allocate(weight, [t.weight for t in members]), strict=True))))
    return out


def weight_errors(weights: Weights, targets: Sequence[TargetInput]) -> list[Text]:
    """Problems with the targets' own weights against the year's group weights."""
    problems = []
    for group, weight, dims in weights.groups():
        members = [t for t in targets if t.dimension in dims]
        own = [t.weight for t in members if t.weight is not None]
        if not members or not own:
            continue
        fixed = sum(own, ZERO)
        if len(own) == len(members) and fixed != weight:
            problems.append(
                Text(
                    gettext_noop(
                        "The own weights of the %(group_label)s targets add up to %(sum)s; "
                        "with every target weighted they must add up to %(weight)s."
                    ),
                    {"group_label": _group_label(group), "sum": _num(fixed), "weight": _num(weight)},
                )
            )
        elif len(own) < len(members) and fixed >= weight:
            problems.append(
                Text(
                    gettext_noop(
                        "The own weights of the %(group_label)s targets add up to %(sum)s, leaving nothing "
                        "of %(weight)s for the targets without a weight."
                    ),
                    {"group_label": _group_label(group), "sum": _num(fixed), "weight": _num(weight)},
                )
            )
    return problems


def _group_label(group: str) -> str:
    return str(BudgetDimension(group).label) if group in BudgetDimension.values else group


def value_errors(operator: str, value: Decimal | None, upper: Decimal | None) -> dict[str, list[str]]:
    """Field errors of a target's operator and values (English msgids, translated by the caller)."""
    errors: dict[str, list[str]] = {}
    if operator not in Operator.values:
        errors["operator"] = [gettext_noop("Choose ≥, ≤, = or range.")]
        return errors
    if value is None or not value.is_finite():
        errors["value"] = [gettext_noop("Give the target value.")]
        return errors
    if operator == Operator.GE and value <= ZERO:
        errors["value"] = [gettext_noop("A ≥ target must be greater than 0 (the score divides by it).")]
    if operator == Operator.LE and value < ZERO:
        errors["value"] = [gettext_noop("A ≤ target cannot be negative.")]
    if operator == Operator.RANGE:
        if upper is None:
            errors["upper"] = [gettext_noop("A range needs an upper bound.")]
        elif upper <= value:
            errors["upper"] = [gettext_noop("The upper bound must be greater than the value (the lower bound).")]
    elif upper is not None:
        errors["upper"] = [gettext_noop("Only a range has an upper bound.")]
    return errors


def link_errors(operator: str, value: Decimal | None, link: LinkedIndicator) -> list[str]:
    """Why a target cannot be scored by the method of the indicator it links to (msgids with %(...)s)."""
    if link.method not in LINKABLE_METHODS:
        return [
            gettext_noop(
                "The indicator's scoring method cannot score a budget target "
                "(only methods computed from an actual value can)."
            )
        ]
    if operator not in method_of(link.method).directions:
        return [gettext_noop("The indicator's scoring method does not work with this operator.")]
    if link.method == Method.TIERED and value is not None:
        c = link.challenge
        if c is None or (operator == Direction.GE and c <= value) or (operator == Direction.LE and c >= value):
            return [
                gettext_noop(
                    "The indicator's challenge target must lie beyond the target value "
                    "(above it for ≥, below it for ≤)."
                )
            ]
    return []


def _scaled_params(link: LinkedIndicator, points: Decimal, value: Decimal | None) -> dict:
    """The indicator's parameters for a target worth ``points``: point amounts scale with P."""
    method = method_of(link.method)
    params = method.rescale(dict(link.params or {}), points / link.points if link.points else ONE)
    if method.input == InputKind.SURVEY and value is not None:
        params["target"] = str(value)  # the target's own value is the bar, not the indicator's
    return params


def target_spec(target: TargetInput, points: Decimal) -> scoring.Spec:
    """The scoring spec of a target worth ``points``."""
    if target.link is not None:
        link = target.link
        return scoring.Spec(
            method=link.method,
            direction=target.operator,
            points=points,
            basic=target.value,
            challenge=link.challenge,
            upper=target.upper,
            params=_scaled_params(link, points, target.value),
            unit=target.unit,
        )
    method = Method.PROPORTIONAL if target.operator in (Operator.GE, Operator.LE) else Method.THRESHOLD
    return scoring.Spec(
        method=method,
        direction=target.operator,
        points=points,
        basic=target.value,
        upper=target.upper,
        unit=target.unit,
    )


def score_target(target: TargetInput, points: Decimal) -> scoring.Result:
    spec = target_spec(target, points)
    if points <= ZERO:
        return scoring.Result(ZERO, Text(gettext_noop("No points to score.")))
    inputs = scoring.Inputs(
        actual=target.actual,
        satisfaction=target.actual if method_of(spec.method).input == InputKind.SURVEY else None,
    )
    return scoring.score(spec, inputs)


def execution_line(weight: Decimal, amount: Decimal, spent: Decimal) -> tuple[Line, Decimal]:
    rate = spent / amount if amount > ZERO else ZERO
    points = q2(weight * min(max(rate, ZERO), ONE))
    rate_pct = q2(rate * HUNDRED)
    line = Line(
        kind="execution",
        group="execution",
        points=points,
        available=q2(weight),
        detail=Text(
            gettext_noop(
                "Budget execution rate: spent %(spent)s of %(amount)s yuan = %(rate)s percent; "
                "%(weight)s × min(%(rate)s percent, 100 percent) = %(score)s."
            ),
            {
                "spent": _num(q2(spent)),
                "amount": _num(q2(amount)),
                "rate": _num(rate_pct),
                "weight": _num(weight),
                "score": _num(points),
            },
        ),
    )
    return line, rate_pct


def evaluate(
    *,
    amount: Decimal,
    spent: Decimal,
    targets: Sequence[TargetInput],
    weights: Weights = Weights(),
    bands: Sequence[tuple[str, Decimal]] = DEFAULT_BANDS,
    not_applicable: Sequence[tuple[TargetInput, str]] = (),
) -> Result:
    """The project's score: one line for the execution rate, one per target; total = sum of lines.

    ``not_applicable`` targets (with the reason) are left out: their group's points are shared among
    its other targets, and each gets a line of 0 available points that says why.
    """
    lines: list[Line] = []
    exec_line, rate = execution_line(weights.execution, amount, spent)
    lines.append(exec_line)
    for group, members in grouped(weights, targets):
        for target, reason in not_applicable:
            if weights.group_of(target.dimension) == group:
                lines.append(
                    Line(
                        kind="not_applicable",
                        group=group,
                        dimension=target.dimension,
                        target_id=target.id,
                        target_name=target.name,
                        points=q2(ZERO),
                        available=q2(ZERO),
                        detail=Text(gettext_noop("Not applicable this year: %(reason)s"), {"reason": reason}),
                    )
                )
        for target, points in members:
            result = score_target(target, points)
            lines.append(
                Line(
                    kind="target",
                    group=group,
                    dimension=target.dimension,
                    target_id=target.id,
                    target_name=target.name,
                    method=target.link.method if target.link else target_spec(target, points).method,
                    points=q2(result.points),
                    available=points,
                    detail=result.detail,
                    missing=result.missing,
                )
            )
    total = sum((line.points for line in lines), ZERO)
    return Result(lines=tuple(lines), total=total, grade=grade_for(total, bands), execution_rate=rate)
