"""What every scoring method shares: the indicator as scoring sees it, its inputs, the result,
the declaration a method module makes, and the helpers of validation and wording.

Pure: no database, Decimal throughout. The methods themselves are the other modules of this
package, one each; ``indicators.methods`` is their registry.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.numbers import q2, to_decimal
from core.text import Text

from ..choices import Direction

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)


class InputKind(enum.StrEnum):
    """Where a method's input comes from; recomputation, the report form and budgets ask this."""

    VALUE = "value"  # the department's reported (cumulative) value
    RANKED_VALUE = "ranked_value"  # the reported value, ranked among the departments sharing it
    GRADE = "grade"  # the supervision office's qualitative grade
    EVENTS = "events"  # nothing to file: the indicator starts full and its events take points off
    SURVEY = "survey"  # the satisfaction survey's result


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


@dataclass(frozen=True)
class Targets:
    """An indicator's targets as its form, the API or an import gave them, for validation."""

    direction: str
    points: Decimal | None
    basic: Decimal | None
    challenge: Decimal | None
    upper: Decimal | None


class Errors(dict):
    """Field errors keyed by the Indicator field they concern (``params`` for the method's own)."""

    def add(self, field_name: str, message: str) -> None:
        self.setdefault(field_name, []).append(message)


@dataclass(frozen=True)
class ScoringMethod:
    """One scoring method, declared by its module.

    ``validate(params, targets, errors)`` checks the method's own targets and parameters and
    returns them normalised (numbers as strings, defaults filled in); ``score(spec, inputs)`` is
    the pure scoring; ``describe(spec)`` says it in plain words for the public method card;
    ``rescale(params, factor)`` gives the parameters for a share of the points.
    """

    code: str
    directions: frozenset[str]
    input: InputKind
    needs_target: bool  # scored on a value against a target, so a basic target is required
    validate: Callable[[dict, Targets, Errors], dict]
    score: Callable[[Spec, Inputs], Result]
    describe: Callable[[Spec], str]
    # The parameters for the indicator worth ``factor`` times its points (a budget target linked to
    # it): only parameters that are amounts of points change.
    rescale: Callable[[dict, Decimal], dict] = lambda params, factor: params

    @property
    def reported(self) -> bool:
        """Scored on a value the department reports each quarter (and so may carry one over)."""
        return self.input in (InputKind.VALUE, InputKind.RANKED_VALUE)


ALL_DIRECTIONS = frozenset({Direction.GE, Direction.LE, Direction.EQ, Direction.RANGE, Direction.BOOL})
ORDERED_DIRECTIONS = frozenset({Direction.GE, Direction.LE})


def no_params(params: dict, targets: Targets, errors: Errors) -> dict:
    """Validation of a method without parameters of its own."""
    return {}


# --- Validation helpers -----------------------------------------------------------------------


def dec(value, errors: Errors, field_name: str, label: str, *, positive=False, min_=None, max_=None):
    """``value`` as a Decimal, or None with a field error naming ``label``."""
    d = to_decimal(value)
    if d is None or not d.is_finite():
        errors.add(field_name, _("%(label)s must be a number.") % {"label": label})
        return None
    if positive and d <= 0:
        errors.add(field_name, _("%(label)s must be greater than 0.") % {"label": label})
    if min_ is not None and d < min_:
        errors.add(field_name, _("%(label)s must be at least %(min)s.") % {"label": label, "min": min_})
    if max_ is not None and d > max_:
        errors.add(field_name, _("%(label)s must be at most %(max)s.") % {"label": label, "max": max_})
    return d


# --- Scoring helpers --------------------------------------------------------------------------


def num2(v: Decimal | None) -> str:
    """A figure of a score's explanation: whole numbers bare, others to two places."""
    if v is None:
        return "—"
    d = Decimal(v)
    return format(d.normalize() if d == d.to_integral() else q2(d).normalize(), "f")


def clamp(value: Decimal, points: Decimal) -> Decimal:
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


def missing(spec: Spec, what: str) -> Result:
    return Result(
        ZERO,
        Text(
            gettext_noop("No %(what_label)s yet: 0 of %(points)s points."),
            {"what_label": what, "points": num2(spec.points)},
        ),
        missing=True,
    )


def target_text(spec: Spec) -> str:
    ops = {Direction.GE: "≥", Direction.LE: "≤", Direction.EQ: "="}
    if spec.direction == Direction.RANGE:
        return f"{num2(spec.basic)}–{num2(spec.upper)}"
    if spec.direction == Direction.BOOL:
        return "1"
    return f"{ops.get(spec.direction, '')} {num2(spec.basic)}".strip()


# --- Wording helpers (the method card) --------------------------------------------------------


def num(value) -> str:
    """A number as people write it: no trailing zeros (5, 0.5, 87.35)."""
    d = to_decimal(value)
    if d is None:
        return "—"
    return format(d.normalize() if d != d.to_integral() else d.to_integral(), "f")


def described_target(spec: Spec) -> str:
    """The target as the method card says it, e.g. "≥ 95 %" or "the department's target"."""
    if spec.basic is None:
        return _("the department's target")
    text = {
        Direction.GE: "≥ " + num(spec.basic),
        Direction.LE: "≤ " + num(spec.basic),
        Direction.EQ: "= " + num(spec.basic),
        Direction.RANGE: f"{num(spec.basic)}–{num(spec.upper)}",
        Direction.BOOL: _("done"),
    }.get(spec.direction, num(spec.basic))
    return f"{text} {spec.unit}".strip() if spec.direction != Direction.BOOL else text
