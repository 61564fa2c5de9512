"""基础/挑战目标 (tiered): a share of the points at the basic target, rising to all at the challenge target."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.numbers import q2, to_decimal
from core.text import Text

from ..choices import Direction, Method
from .base import (
    HUNDRED,
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
    dec,
    missing,
    num,
    num2,
)

DEFAULT_BASIC_SHARE = Decimal("0.8")


def validate(params: dict, targets: Targets, errors: Errors) -> dict:
    basic, challenge = targets.basic, targets.challenge
    if challenge is None:
        errors.add("challenge_target", _("This method needs a challenge target."))
    elif basic is not None:
        if targets.direction == Direction.GE and not basic < challenge:
            errors.add("challenge_target", _("With direction ≥ the challenge target must be above the basic target."))
        if targets.direction == Direction.LE and not basic > challenge:
            errors.add("challenge_target", _("With direction ≤ the challenge target must be below the basic target."))
        if basic <= 0:
            errors.add("basic_target", _("The basic target must be greater than 0."))
    share = dec(
        params.get("basic_share", DEFAULT_BASIC_SHARE),
        errors,
        "params",
        _("The basic share"),
        min_=Decimal(0),
        max_=Decimal(1),
    )
    return {"basic_share": str(share)} if share is not None else {}


def score(spec: Spec, x: Inputs) -> Result:
    """基础/挑战目标: at or beyond the challenge → P; between → linear from s·P to P; short of basic → s·P·a/b."""
    if x.actual is None:
        return missing(spec, gettext_noop("approved value"))
    a, b, c, p = x.actual, spec.basic, spec.challenge, spec.points
    s = to_decimal(spec.params.get("basic_share"), DEFAULT_BASIC_SHARE)
    le = spec.direction == Direction.LE
    if (a <= c) if le else (a >= c):
        result, msg = (
            q2(p),
            gettext_noop("Challenge target %(challenge)s reached (actual %(actual)s): full %(points)s points."),
        )
    elif (a <= b) if le else (a >= b):
        frac = (b - a) / (b - c) if le else (a - b) / (c - b)
        result = clamp(s * p + (ONE - s) * p * frac, p)
        msg = gettext_noop(
            "Between basic target %(basic)s and challenge target %(challenge)s (actual %(actual)s): "
            "%(share)s × %(points)s plus the linear part = %(score)s."
        )
    else:
        ratio = (b / a if a > ZERO else ZERO) if le else (a / b if b else ZERO)
        result = clamp(s * p * ratio, p)
        msg = gettext_noop(
            "Short of the basic target %(basic)s (actual %(actual)s): %(share)s × %(points)s × %(ratio)s = %(score)s."
        )
        return Result(
            result,
            Text(
                msg,
                {
                    "basic": num2(b),
                    "actual": num2(a),
                    "share": num2(s),
                    "points": num2(p),
                    "ratio": num2(q2(ratio * 10000) / 10000),
                    "score": num2(result),
                },
            ),
        )
    return Result(
        result,
        Text(
            msg,
            {
                "basic": num2(b),
                "challenge": num2(c),
                "actual": num2(a),
                "share": num2(s),
                "points": num2(p),
                "score": num2(result),
            },
        ),
    )


def describe(spec: Spec) -> str:
    share = to_decimal(spec.params.get("basic_share"), DEFAULT_BASIC_SHARE)
    return _(
        "Basic and challenge targets: the challenge target %(challenge)s or better → %(p)s points; between "
        "the basic target %(basic)s and the challenge target → from %(share)s%% of the points rising "
        "linearly to %(p)s; short of the basic target → %(share)s%% of the points × the share of it reached."
    ) % {
        "challenge": num(spec.challenge) if spec.challenge is not None else _("the department's challenge target"),
        "basic": num(spec.basic) if spec.basic is not None else _("the department's basic target"),
        "share": num(share * HUNDRED),
        "p": num(spec.points),
    }


METHOD = ScoringMethod(
    code=Method.TIERED,
    directions=ORDERED_DIRECTIONS,
    input=InputKind.VALUE,
    needs_target=True,
    validate=validate,
    score=score,
    describe=describe,
)
