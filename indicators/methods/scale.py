"""分档制 (scale): the first band the value falls in gives the points."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.text import Text

from ..choices import Direction, Method
from .base import (
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


def validate(params: dict, targets: Targets, errors: Errors) -> dict:
    bands = params.get("bands")
    if not isinstance(bands, list) or not bands:
        errors.add("params", _("Scale bands are missing: give a list of bands with a bound and points."))
        return {}
    out, bounds = [], []
    for i, band in enumerate(bands, start=1):
        if not isinstance(band, dict):
            errors.add("params", _("Band %(n)d must have a bound and points.") % {"n": i})
            continue
        bound = dec(band.get("bound"), errors, "params", _("The bound of band %(n)d") % {"n": i})
        pts = dec(
            band.get("points"),
            errors,
            "params",
            _("The points of band %(n)d") % {"n": i},
            min_=Decimal(0),
            max_=targets.points,
        )
        if bound is not None and pts is not None:
            out.append({"bound": str(bound), "points": str(pts)})
            bounds.append(bound)
    ordered = (
        all(a < b for a, b in zip(bounds, bounds[1:], strict=False))
        if targets.direction == Direction.LE
        else all(a > b for a, b in zip(bounds, bounds[1:], strict=False))
    )
    if bounds and not ordered:
        errors.add(
            "params",
            _(
                "Bands must be ordered: bounds strictly increasing for ≤ (e.g. within 1 h, within 2 h), "
                "strictly decreasing for ≥."
            ),
        )
    otherwise = dec(
        params.get("otherwise", "0"), errors, "params", _("The points otherwise"), min_=Decimal(0), max_=targets.points
    )
    return {"bands": out, "otherwise": str(otherwise if otherwise is not None else 0)}


def score(spec: Spec, x: Inputs) -> Result:
    """分档制: the first band that matches gives the points (e.g. within 1 h → 5, within 2 h → 3, otherwise 0)."""
    if x.actual is None:
        return missing(spec, gettext_noop("approved value"))
    le = spec.direction == Direction.LE
    for i, band in enumerate(spec.params.get("bands", []), start=1):
        bound, pts = Decimal(band["bound"]), Decimal(band["points"])
        if (x.actual <= bound) if le else (x.actual >= bound):
            return Result(
                clamp(pts, spec.points),
                Text(
                    gettext_noop(
                        "Scale: actual %(actual)s is within band %(band)s (%(op)s %(bound)s): %(score)s points."
                    ),
                    {
                        "actual": num2(x.actual),
                        "band": i,
                        "op": "≤" if le else "≥",
                        "bound": num2(bound),
                        "score": num2(pts),
                    },
                ),
            )
    otherwise = Decimal(spec.params.get("otherwise", "0"))
    return Result(
        clamp(otherwise, spec.points),
        Text(
            gettext_noop("Scale: actual %(actual)s matches no band: %(score)s points."),
            {"actual": num2(x.actual), "score": num2(otherwise)},
        ),
    )


def describe(spec: Spec) -> str:
    le = spec.direction == Direction.LE
    bands = "; ".join(
        _("%(op)s %(bound)s %(unit)s → %(pts)s points")
        % {"op": "≤" if le else "≥", "bound": num(b["bound"]), "unit": spec.unit, "pts": num(b["points"])}
        for b in spec.params.get("bands", [])
    )
    return _("Scale bands (the first that matches): %(bands)s; otherwise %(otherwise)s points.") % {
        "bands": bands,
        "otherwise": num(spec.params.get("otherwise", "0")),
    }


def rescale(params: dict, factor: Decimal) -> dict:
    out = dict(params)
    out["bands"] = [
        {"bound": b["bound"], "points": str(Decimal(b["points"]) * factor)} for b in params.get("bands", [])
    ]
    out["otherwise"] = str(Decimal(params.get("otherwise", "0")) * factor)
    return out


METHOD = ScoringMethod(
    code=Method.SCALE,
    directions=ORDERED_DIRECTIONS,
    input=InputKind.VALUE,
    needs_target=False,
    validate=validate,
    score=score,
    describe=describe,
    rescale=rescale,
)
