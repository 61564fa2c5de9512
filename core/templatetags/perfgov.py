"""Template filters for numbers, money and status labels."""

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.formats import number_format

from core.numbers import q2, to_decimal, yuan_to_wan

register = template.Library()


@register.filter
def points(value):
    """A score or points value with two decimals."""
    d = to_decimal(value)
    return "—" if d is None else number_format(q2(d), 2, use_l10n=True, force_grouping=False)


@register.filter
def yuan(value):
    d = to_decimal(value)
    return "—" if d is None else number_format(q2(d), 2, use_l10n=True, force_grouping=True)


@register.filter
def wan(value):
    """Yuan shown in 万元 (ten thousands), two decimals."""
    d = to_decimal(value)
    return "—" if d is None else number_format(yuan_to_wan(d), 2, use_l10n=True, force_grouping=True)


@register.filter
def percent(value, places=1):
    d = to_decimal(value)
    if d is None:
        return "—"
    return number_format(d.quantize(Decimal(1).scaleb(-int(places)), rounding=ROUND_HALF_UP), int(places)) + "%"


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def plain(value):
    """A target or measured value without trailing zeros: 98.5000 → 98.5, 100.0000 → 100."""
    d = to_decimal(value)
    if d is None:
        return "—"
    text = format(d.normalize(), "f")
    return text


@register.filter
def input_value(value):
    """A number for an <input value="…">: empty when there is none, without trailing zeros."""
    d = to_decimal(value)
    return "" if d is None else format(d.normalize(), "f")
