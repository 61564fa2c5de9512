"""定性评价 (grade): the supervision office's grade gives its share of the points."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.text import Text

from ..choices import Method
from .base import (
    ALL_DIRECTIONS,
    HUNDRED,
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

DEFAULT_GRADES = {"A": Decimal(100), "B": Decimal(80), "C": Decimal(60), "D": Decimal(40)}


def _grades(params) -> dict:
    return params.get("grades") or {k: str(v) for k, v in DEFAULT_GRADES.items()}


def validate(params: dict, targets: Targets, errors: Errors) -> dict:
    grades = params.get("grades", {k: str(v) for k, v in DEFAULT_GRADES.items()})
    if not isinstance(grades, dict) or not grades:
        errors.add("params", _("Grades are missing: give each grade its share of the points in percent."))
        return {}
    out = {}
    for code, share in grades.items():
        if not str(code).strip() or len(str(code)) > 10:
            errors.add("params", _("A grade code must have 1 to 10 characters."))
            continue
        d = dec(share, errors, "params", _("The share of grade %(g)s") % {"g": code}, min_=Decimal(0), max_=HUNDRED)
        if d is not None:
            out[str(code)] = str(d)
    return {"grades": out}


def score(spec: Spec, x: Inputs) -> Result:
    """定性评价: the reviewer's grade gives its share of P (A/B/C/D → 100/80/60/40 % by default)."""
    if not x.grade:
        return missing(spec, gettext_noop("grade"))
    grades = _grades(spec.params)
    if x.grade not in grades:
        return Result(
            ZERO,
            Text(gettext_noop("Grade %(grade)s is not one of this indicator's grades: 0 points."), {"grade": x.grade}),
            missing=True,
        )
    share = Decimal(grades[x.grade])
    result = clamp(spec.points * share / HUNDRED, spec.points)
    return Result(
        result,
        Text(
            gettext_noop("Qualitative grade %(grade)s: %(share)s%% of %(points)s = %(score)s."),
            {"grade": x.grade, "share": num2(share), "points": num2(spec.points), "score": num2(result)},
        ),
    )


def describe(spec: Spec) -> str:
    return _("Qualitative grade by the supervision office: %(grades)s of %(p)s points.") % {
        "grades": ", ".join(f"{g} {num(s)}%" for g, s in _grades(spec.params).items()),
        "p": num(spec.points),
    }


METHOD = ScoringMethod(
    code=Method.GRADE,
    directions=ALL_DIRECTIONS,
    input=InputKind.GRADE,
    needs_target=False,
    validate=validate,
    score=score,
    describe=describe,
)
