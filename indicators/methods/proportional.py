"""比例制 (proportional): the points in proportion to the share of the target reached."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.text import Text

from ..choices import Direction, Method
from .base import (
    ONE,
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
    described_target,
    missing,
    num,
    num2,
)


def validate(params: dict, targets: Targets, errors: Errors) -> dict:
    if targets.basic is not None and targets.basic <= 0:
        errors.add("basic_target", _("A proportional score needs a target greater than 0."))
    return {}


def score(spec: Spec, x: Inputs) -> Result:
    """比例制: ≥ → P × min(actual / target, 1); ≤ → P × min(target / actual, 1), and P where actual is 0."""
    if x.actual is None:
        return missing(spec, gettext_noop("approved value"))
    a, t, p = x.actual, spec.basic, spec.points
    if spec.direction == Direction.LE:
        ratio = ONE if a <= ZERO else min(t / a, ONE)
        formula = gettext_noop("Proportional (≤): %(points)s × min(%(target)s ÷ %(actual)s, 1) = %(score)s.")
        if a <= ZERO:
            formula = gettext_noop("Proportional (≤): actual is 0, full %(points)s points.")
    else:
        ratio = min(a / t, ONE) if t else ZERO
        formula = gettext_noop("Proportional (≥): %(points)s × min(%(actual)s ÷ %(target)s, 1) = %(score)s.")
    result = clamp(p * ratio, p)
    return Result(
        result, Text(formula, {"points": num2(p), "target": num2(t), "actual": num2(a), "score": num2(result)})
    )


def describe(spec: Spec) -> str:
    text = (
        _("Proportional: %(p)s × min(target ÷ actual, 1); an actual of 0 scores %(p)s. Target %(target)s.")
        if spec.direction == Direction.LE
        else _("Proportional: %(p)s × min(actual ÷ target, 1). Target %(target)s.")
    )
    return text % {"p": num(spec.points), "target": described_target(spec)}


METHOD = ScoringMethod(
    code=Method.PROPORTIONAL,
    directions=ORDERED_DIRECTIONS,
    input=InputKind.VALUE,
    needs_target=True,
    validate=validate,
    score=score,
    describe=describe,
)
