"""排名赋分 (rank): points by the department's rank among those sharing the indicator."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.text import Text

from ..choices import Method
from .base import (
    HUNDRED,
    ORDERED_DIRECTIONS,
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

DEFAULT_RANK_SHARES = [Decimal(60), Decimal(57), Decimal(54), Decimal(51), Decimal(48)]


def validate(params: dict, targets: Targets, errors: Errors) -> dict:
    shares = params.get("shares", [str(s) for s in DEFAULT_RANK_SHARES])
    if not isinstance(shares, list) or not shares:
        errors.add("params", _("Give the share of the points in percent for each rank, best first."))
        return {}
    out = []
    for i, share in enumerate(shares, start=1):
        d = dec(share, errors, "params", _("The share of rank %(n)d") % {"n": i}, min_=Decimal(0), max_=HUNDRED)
        if d is not None:
            out.append(d)
    if any(a < b for a, b in zip(out, out[1:], strict=False)):
        errors.add("params", _("A better rank cannot get a smaller share."))
    rest = dec(
        params.get("rest", "0"),
        errors,
        "params",
        _("The share beyond the listed ranks"),
        min_=Decimal(0),
        max_=HUNDRED,
    )
    return {"shares": [str(d) for d in out], "rest": str(rest if rest is not None else 0)}


def score(spec: Spec, x: Inputs) -> Result:
    """排名赋分: points by rank among the departments sharing the indicator."""
    if x.rank is None:
        return missing(spec, gettext_noop("approved value"))
    shares = [Decimal(s) for s in spec.params.get("shares") or DEFAULT_RANK_SHARES]
    rest = Decimal(spec.params.get("rest", "0"))
    share = shares[x.rank - 1] if x.rank <= len(shares) else rest
    result = clamp(spec.points * share / HUNDRED, spec.points)
    return Result(
        result,
        Text(
            gettext_noop("Rank %(rank)s of %(of)s (actual %(actual)s): %(share)s%% of %(points)s = %(score)s."),
            {
                "rank": x.rank,
                "of": x.rank_of or "—",
                "actual": num2(x.actual),
                "share": num2(share),
                "points": num2(spec.points),
                "score": num2(result),
            },
        ),
    )


def describe(spec: Spec) -> str:
    shares = spec.params.get("shares") or [str(s) for s in DEFAULT_RANK_SHARES]
    return _("Rank among the departments with this indicator: %(ranks)s of %(p)s points; other ranks %(rest)s%%.") % {
        "ranks": ", ".join(
            _("rank %(n)s %(share)s%%") % {"n": i, "share": num(s)} for i, s in enumerate(shares, start=1)
        ),
        "p": num(spec.points),
        "rest": num(spec.params.get("rest", "0")),
    }


METHOD = ScoringMethod(
    code=Method.RANK,
    directions=ORDERED_DIRECTIONS,
    input=InputKind.RANKED_VALUE,
    needs_target=False,
    validate=validate,
    score=score,
    describe=describe,
)
