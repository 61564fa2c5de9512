"""按差额扣分 (per unit): the points minus so many per unit of shortfall against the target."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.text import Text

from ..choices import Direction, Method
from .base import (
    ORDERED_DIRECTIONS,
    ZERO,
    Errors,
    InputKind,
    Inputs,
    Result,
    ScoringMethod,
    Spec,
    Targets,
    clamp,
    dec,
    described_target,
    missing,
    num,
    num2,
)


def validate(params: dict, targets: Targets, errors: Errors) -> dict:
    k = dec(params.get("per_unit"), errors, "params", _("The points per unit"), positive=True)
    return {"per_unit": str(k) if k is not None else None}


def score(spec: Spec, x: Inputs) -> Result:
    """按差额扣分: P minus k points per unit of shortfall against the target, never below 0."""
    if x.actual is None:
        return missing(spec, gettext_noop("approved value"))
    k = Decimal(spec.params["per_unit"])
    shortfall = max(x.actual - spec.basic, ZERO) if spec.direction == Direction.LE else max(spec.basic - x.actual, ZERO)
    result = clamp(spec.points - k * shortfall, spec.points)
    return Result(
        result,
        Text(
            gettext_noop(
                "Per unit: %(points)s − %(k)s × shortfall %(shortfall)s "
                "(actual %(actual)s, target %(target)s) = %(score)s."
            ),
            {
                "points": num2(spec.points),
                "k": num2(k),
                "shortfall": num2(shortfall),
                "actual": num2(x.actual),
                "target": num2(spec.basic),
                "score": num2(result),
            },
        ),
    )


def describe(spec: Spec) -> str:
    return _("Per unit of shortfall: %(p)s minus %(k)s per %(unit)s short of the target %(target)s, never below 0.") % {
        "p": num(spec.points),
        "k": num(spec.params.get("per_unit")),
        "unit": spec.unit or _("unit"),
        "target": described_target(spec),
    }


def rescale(params: dict, factor: Decimal) -> dict:
    if params.get("per_unit") is None:
        return params
    return {**params, "per_unit": str(Decimal(params["per_unit"]) * factor)}


METHOD = ScoringMethod(
    code=Method.PER_UNIT,
    directions=ORDERED_DIRECTIONS,
    input=InputKind.VALUE,
    needs_target=True,
    validate=validate,
    score=score,
    describe=describe,
    rescale=rescale,
)
