"""扣分制 (deduction): the indicator starts at its points; its deduction events take points off."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.numbers import q2
from core.text import Text

from ..choices import Method
from .base import ALL_DIRECTIONS, InputKind, Inputs, Result, ScoringMethod, Spec, no_params, num, num2


def score(spec: Spec, x: Inputs) -> Result:
    """扣分制: the indicator starts at P; its deduction events are ledger lines of their own."""
    return Result(
        q2(spec.points),
        Text(
            gettext_noop("Deduction method: starts at %(points)s points; deductions follow."),
            {"points": num2(spec.points)},
        ),
    )


def describe(spec: Spec) -> str:
    return _("Deduction: starts at %(p)s points; each deduction rule below takes off its points, never below 0.") % {
        "p": num(spec.points)
    }


METHOD = ScoringMethod(
    code=Method.DEDUCTION,
    directions=ALL_DIRECTIONS,
    input=InputKind.EVENTS,
    needs_target=False,
    validate=no_params,
    score=score,
    describe=describe,
)
