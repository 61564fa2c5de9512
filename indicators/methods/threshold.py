"""达标制 (threshold): the target met gives the indicator's points, otherwise 0."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.numbers import q2
from core.text import Text

from ..choices import Method
from .base import (
    ALL_DIRECTIONS,
    ZERO,
    InputKind,
    Inputs,
    Result,
    ScoringMethod,
    Spec,
    described_target,
    missing,
    no_params,
    num,
    num2,
    target_met,
    target_text,
)


def score(spec: Spec, x: Inputs) -> Result:
    """达标制: target met → P, else 0."""
    if x.actual is None:
        return missing(spec, gettext_noop("approved value"))
    met = target_met(spec, x.actual)
    return Result(
        q2(spec.points) if met else ZERO,
        Text(
            gettext_noop("Threshold: actual %(actual)s against target %(target)s — %(outcome_label)s."),
            {
                "actual": num2(x.actual),
                "target": target_text(spec),
                "outcome_label": gettext_noop("met") if met else gettext_noop("not met"),
            },
        ),
    )


def describe(spec: Spec) -> str:
    return _("Threshold: target %(target)s met → %(p)s points, otherwise 0.") % {
        "target": described_target(spec),
        "p": num(spec.points),
    }


METHOD = ScoringMethod(
    code=Method.THRESHOLD,
    directions=ALL_DIRECTIONS,
    input=InputKind.VALUE,
    needs_target=True,
    validate=no_params,
    score=score,
    describe=describe,
)
