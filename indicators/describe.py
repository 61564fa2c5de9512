"""Each scoring method, rule and band in plain words, for the public method card (算法透明).

Pure: built from an indicator's method and parameters (as validated in indicators.methods), so
the card always says exactly what the year's library applies. Translated when rendered.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from .choices import RuleEffect, RuleKind
from .methods import REGISTRY
from .methods.base import Spec, num

__all__ = ["method_text", "num", "rule_text"]


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
    params = params or {}
    spec = Spec(method, direction, points, basic, challenge, upper, params, unit)
    text = REGISTRY[method].describe(spec) if method in REGISTRY else str(method)
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
