"""The registry of scoring methods (docs/scoring.md).

Each method is one module of this package, declaring in a ``ScoringMethod`` the directions it
accepts, where its input comes from, whether it needs a target, and its validation, scoring and
plain-words description. Forms, the API, imports, recomputation, the method card and budget
evaluation ask the registry; none of them lists the methods again. Adding a method means adding
a module here (and its ``Method`` choice) with its tests.

``validate_method`` returns field-level errors keyed by the Indicator field they concern
(``params`` for the method's own parameters), so forms, the API and imports all show the same
message beside the same field.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from ..choices import Direction, Method
from . import deduction, grade, per_unit, proportional, rank, satisfaction, scale, threshold, tiered
from .base import Errors, InputKind, ScoringMethod, Targets
from .grade import DEFAULT_GRADES
from .rank import DEFAULT_RANK_SHARES
from .satisfaction import SATISFACTION_MEASURES, SATISFACTION_SCOPES
from .tiered import DEFAULT_BASIC_SHARE

REGISTRY: dict[str, ScoringMethod] = {
    m.METHOD.code: m.METHOD
    for m in (threshold, proportional, tiered, deduction, scale, grade, satisfaction, per_unit, rank)
}


def method_of(code: str) -> ScoringMethod:
    """The declaration of the method ``code`` (KeyError for an unknown one)."""
    return REGISTRY[code]


def methods_with(input_kind: InputKind) -> frozenset[str]:
    """The codes of the methods whose input is of ``input_kind``."""
    return frozenset(code for code, m in REGISTRY.items() if m.input == input_kind)


# Derived views of the registry, for code that needs a whole set at once.
METHOD_DIRECTIONS = {code: m.directions for code, m in REGISTRY.items()}
# Methods scored on a value the department reports each quarter: only these may carry an earlier
# quarter's approved value over when a quarter's is missing (the ``carry_over`` parameter).
REPORTED = frozenset(code for code, m in REGISTRY.items() if m.reported)
# Methods whose score is computed from a reported actual value and therefore need a target.
NEEDS_TARGET = frozenset(code for code, m in REGISTRY.items() if m.needs_target)


def validate_method(
    *,
    method: str,
    direction: str,
    points: Decimal | None,
    basic_target: Decimal | None,
    challenge_target: Decimal | None,
    range_upper: Decimal | None,
    params: dict | None,
) -> tuple[dict, dict[str, list[str]]]:
    """Check an indicator's method, targets and parameters together.

    Returns the normalised parameters (numbers as strings, defaults filled in) and a dict of
    field errors; an empty dict means the combination is valid.
    """
    errors = Errors()
    if not isinstance(params or {}, dict):  # JSON from a form, the API or a spreadsheet: any value
        return {}, {"params": [_("Parameters must be a JSON object.")]}
    params = dict(params or {})

    spec = REGISTRY.get(method)
    if spec is None:
        errors.add("method", _("Unknown scoring method."))
        return params, errors
    if direction not in spec.directions:
        errors.add(
            "direction",
            _("The method %(method)s does not work with the direction %(direction)s.")
            % {
                "method": Method(method).label,
                "direction": Direction(direction).label if direction in Direction.values else direction,
            },
        )
    if points is None or points <= 0:
        errors.add("points", _("Points must be greater than 0."))
    if spec.needs_target and direction != Direction.BOOL and basic_target is None:
        errors.add("basic_target", _("This method needs a basic target."))
    if direction == Direction.RANGE:
        if basic_target is None or range_upper is None:
            errors.add("range_upper", _("A range needs a lower bound (basic target) and an upper bound."))
        elif range_upper <= basic_target:
            errors.add("range_upper", _("The upper bound must be greater than the lower bound."))

    targets = Targets(direction, points, basic_target, challenge_target, range_upper)
    normalised = spec.validate(params, targets, errors)
    carry = params.get("carry_over", False)
    if carry not in (True, False, "true", "false", 1, 0, "1", "0", None):
        errors.add("params", _("carry_over must be true or false."))
    elif carry in (True, "true", 1, "1"):
        if spec.reported:
            normalised["carry_over"] = True
        else:
            errors.add("params", _("Only an indicator scored on a reported value can carry a value over."))
    return normalised, dict(errors)


__all__ = [
    "DEFAULT_BASIC_SHARE",
    "DEFAULT_GRADES",
    "DEFAULT_RANK_SHARES",
    "METHOD_DIRECTIONS",
    "NEEDS_TARGET",
    "REGISTRY",
    "REPORTED",
    "SATISFACTION_MEASURES",
    "SATISFACTION_SCOPES",
    "InputKind",
    "ScoringMethod",
    "method_of",
    "methods_with",
    "validate_method",
]
