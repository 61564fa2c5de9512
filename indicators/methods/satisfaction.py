"""满意度 (satisfaction): the survey's rate or score against a target."""

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

SATISFACTION_SCOPES = ("overall", "area", "region", "department")
SATISFACTION_MEASURES = ("rate", "score")


def validate(params: dict, targets: Targets, errors: Errors) -> dict:
    scope = params.get("scope", "overall")
    if scope not in SATISFACTION_SCOPES:
        errors.add("params", _("The scope must be one of: %(s)s.") % {"s": ", ".join(SATISFACTION_SCOPES)})
    # scope "department" without a code means the assessed department itself.
    if scope in ("area", "region") and not str(params.get("scope_code", "")).strip():
        errors.add("params", _("Name the area or region the indicator is scored on (scope_code)."))
    measure = params.get("measure", "rate")
    if measure not in SATISFACTION_MEASURES:
        errors.add("params", _("The measure must be 'rate' or 'score'."))
    target = dec(
        params.get("target", targets.basic if targets.basic is not None else "85"),
        errors,
        "params",
        _("The satisfaction target"),
        positive=True,
        max_=HUNDRED,
    )
    normalised = {
        "survey": params.get("survey") or None,
        "scope": scope,
        "scope_code": str(params.get("scope_code", "")).strip(),
        "measure": measure,
        "target": str(target) if target is not None else None,
        "mode": params.get("mode", "proportional"),
    }
    if normalised["mode"] not in ("proportional", "threshold"):
        errors.add("params", _("The mode must be 'proportional' or 'threshold'."))
    return normalised


def score(spec: Spec, x: Inputs) -> Result:
    """满意度: the survey's rate (or score) against the target, proportionally or as a threshold."""
    if x.satisfaction is None:
        return missing(spec, gettext_noop("satisfaction result"))
    target = to_decimal(spec.params.get("target"), spec.basic or Decimal(85))
    v, p = x.satisfaction, spec.points
    if spec.params.get("mode") == "threshold":
        result = q2(p) if v >= target else ZERO
        msg = gettext_noop("Satisfaction %(value)s against target %(target)s: %(score)s points.")
    else:
        result = clamp(p * min(v / target, ONE), p) if target else ZERO
        msg = gettext_noop("Satisfaction: %(points)s × min(%(value)s ÷ %(target)s, 1) = %(score)s.")
    return Result(
        result, Text(msg, {"value": num2(q2(v)), "target": num2(target), "points": num2(p), "score": num2(result)})
    )


def describe(spec: Spec) -> str:
    params = spec.params
    measure = _("satisfaction rate") if params.get("measure", "rate") == "rate" else _("satisfaction score")
    scope = {
        "overall": _("the whole city"),
        "area": _("the area %(code)s") % {"code": params.get("scope_code", "")},
        "region": _("the region %(code)s") % {"code": params.get("scope_code", "")},
        "department": _("the department itself"),
    }.get(params.get("scope", "overall"), "")
    target_value = num(params.get("target") or spec.basic or 85)
    if params.get("mode") == "threshold":
        text = _("Satisfaction: the %(measure)s of %(scope)s at least %(target)s → %(p)s points, otherwise 0.")
    else:
        text = _("Satisfaction: %(p)s × min(the %(measure)s of %(scope)s ÷ %(target)s, 1).")
    return text % {"measure": measure, "scope": scope, "target": target_value, "p": num(spec.points)}


METHOD = ScoringMethod(
    code=Method.SATISFACTION,
    directions=frozenset({Direction.GE}),
    input=InputKind.SURVEY,
    needs_target=False,
    validate=validate,
    score=score,
    describe=describe,
)
