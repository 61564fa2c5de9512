"""Each scoring method, rule and band in plain words, for the public method card (算法透明).

Pure: built from an indicator's method and parameters (as validated in indicators.methods), so
the card always says exactly what the year's library applies. Translated when rendered.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from core.numbers import to_decimal

from .choices import Direction, Method, RuleEffect, RuleKind
from .methods import DEFAULT_BASIC_SHARE, DEFAULT_GRADES, DEFAULT_RANK_SHARES

HUNDRED = Decimal(100)


def num(value) -> str:
    """A number as people write it: no trailing zeros (5, 0.5, 87.35)."""
    d = to_decimal(value)
    if d is None:
        return "—"
    return format(d.normalize() if d != d.to_integral() else d.to_integral(), "f")


def _target(direction: str, basic, upper, unit: str) -> str:
    if basic is None:
        return _("the department's target")
    text = {
        Direction.GE: "≥ " + num(basic),
        Direction.LE: "≤ " + num(basic),
        Direction.EQ: "= " + num(basic),
        Direction.RANGE: f"{num(basic)}–{num(upper)}",
        Direction.BOOL: _("done"),
    }.get(direction, num(basic))
    return f"{text} {unit}".strip() if direction != Direction.BOOL else text


def method_text(
    *,
    method: str,
    direction: str,
    points,
    basic=None,
    challenge=None,
    upper=None,
    params: dict | None = None,
    unit: str = "",
) -> str:
    """How an indicator is scored, e.g. "比例制:得分 = 10 × min(实际值 ÷ 目标值, 1)"."""
    p = num(points)
    params = params or {}
    target = _target(direction, basic, upper, unit)
    le = direction == Direction.LE
    if method == Method.THRESHOLD:
        text = _("Threshold: target %(target)s met → %(p)s points, otherwise 0.") % {"target": target, "p": p}
    elif method == Method.PROPORTIONAL:
        text = (
            _("Proportional: %(p)s × min(target ÷ actual, 1); an actual of 0 scores %(p)s. Target %(target)s.")
            if le
            else _("Proportional: %(p)s × min(actual ÷ target, 1). Target %(target)s.")
        ) % {"p": p, "target": target}
    elif method == Method.TIERED:
        share = to_decimal(params.get("basic_share"), DEFAULT_BASIC_SHARE)
        text = _(
            "Basic and challenge targets: the challenge target %(challenge)s or better → %(p)s points; between "
            "the basic target %(basic)s and the challenge target → from %(share)s%% of the points rising "
            "linearly to %(p)s; short of the basic target → %(share)s%% of the points × the share of it reached."
        ) % {
            "challenge": num(challenge) if challenge is not None else _("the department's challenge target"),
            "basic": num(basic) if basic is not None else _("the department's basic target"),
            "share": num(share * HUNDRED),
            "p": p,
        }
    elif method == Method.DEDUCTION:
        text = _(
            "Deduction: starts at %(p)s points; each deduction rule below takes off its points, never below 0."
        ) % {"p": p}
    elif method == Method.SCALE:
        bands = "; ".join(
            _("%(op)s %(bound)s %(unit)s → %(pts)s points")
            % {"op": "≤" if le else "≥", "bound": num(b["bound"]), "unit": unit, "pts": num(b["points"])}
            for b in params.get("bands", [])
        )
        text = _("Scale bands (the first that matches): %(bands)s; otherwise %(otherwise)s points.") % {
            "bands": bands,
            "otherwise": num(params.get("otherwise", "0")),
        }
    elif method == Method.GRADE:
        grades = params.get("grades") or {k: str(v) for k, v in DEFAULT_GRADES.items()}
        text = _("Qualitative grade by the supervision office: %(grades)s of %(p)s points.") % {
            "grades": ", ".join(f"{g} {num(s)}%" for g, s in grades.items()),
            "p": p,
        }
    elif method == Method.SATISFACTION:
        measure = _("satisfaction rate") if params.get("measure", "rate") == "rate" else _("satisfaction score")
        scope = {
            "overall": _("the whole city"),
            "area": _("the area %(code)s") % {"code": params.get("scope_code", "")},
            "region": _("the region %(code)s") % {"code": params.get("scope_code", "")},
            "department": _("the department itself"),
        }.get(params.get("scope", "overall"), "")
        target_value = num(params.get("target") or basic or 85)
        if params.get("mode") == "threshold":
            text = _("Satisfaction: the %(measure)s of %(scope)s at least %(target)s → %(p)s points, otherwise 0.")
        else:
            text = _("Satisfaction: %(p)s × min(the %(measure)s of %(scope)s ÷ %(target)s, 1).")
        text = text % {"measure": measure, "scope": scope, "target": target_value, "p": p}
    elif method == Method.PER_UNIT:
        text = _(
            "Per unit of shortfall: %(p)s minus %(k)s per %(unit)s short of the target %(target)s, never below 0."
        ) % {
            "p": p,
            "k": num(params.get("per_unit")),
            "unit": unit or _("unit"),
            "target": target,
        }
    elif method == Method.RANK:
        shares = params.get("shares") or [str(s) for s in DEFAULT_RANK_SHARES]
        text = _(
            "Rank among the departments with this indicator: %(ranks)s of %(p)s points; other ranks %(rest)s%%."
        ) % {
            "ranks": ", ".join(
                _("rank %(n)s %(share)s%%") % {"n": i, "share": num(s)} for i, s in enumerate(shares, start=1)
            ),
            "p": p,
            "rest": num(params.get("rest", "0")),
        }
    else:
        text = str(method)
    if params.get("carry_over"):
        text += " " + _("When a quarter's value is missing, the latest approved value of an earlier quarter is used.")
    return text


def rule_text(*, kind: str, effect: str, points, cap=None, indicator: str = "") -> str:
    """A deduction or bonus rule, e.g. "每起扣 2 分,全年最多扣 6 分"."""
    where = _("on the indicator %(ind)s") % {"ind": indicator} if indicator else _("on the department's total")
    if effect == RuleEffect.VETO:
        return _("Veto (一票否决): the lowest grade whatever the total.")
    if effect == RuleEffect.TO_ZERO:
        return _("The indicator %(ind)s scores 0 for the year.") % {"ind": indicator}
    args = {"p": num(points), "where": where, "cap": num(cap)}
    if kind == RuleKind.BONUS:
        if cap is None:
            return _("Each occurrence adds %(p)s points %(where)s.") % args
        return _("Each occurrence adds %(p)s points %(where)s, at most %(cap)s points a year.") % args
    if cap is None:
        return _("Each occurrence takes off %(p)s points %(where)s.") % args
    return _("Each occurrence takes off %(p)s points %(where)s, at most %(cap)s points a year.") % args
