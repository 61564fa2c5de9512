"""Decimal arithmetic for points and money (DESIGN.md §3, Numbers)."""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

TWO_PLACES = Decimal("0.01")
WAN = Decimal("10000")


def q2(value) -> Decimal:
    """Round to two decimals, half up (四舍五入)."""
    return Decimal(value).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def two_places(value) -> str:
    """Points or money as shown and sent: two decimals, half up ("12.5" → "12.50")."""
    return f"{q2(value):.2f}"


def chart_number(value) -> float | None:
    """A number for the chart library's JSON (display only; tables and downloads keep Decimal)."""
    return None if value is None else float(value)


def to_decimal(value, default=None) -> Decimal | None:
    if value is None or value == "":
        return default
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):  # float ok: converting user or JSON input, via its shortest repr
        value = repr(value)
    try:
        return Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return default


_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")


def typed_number(raw, *, percent: bool = False) -> Decimal | None:
    """A number as people type it: surrounding spaces, full-width digits and signs, thousands
    separators ("1,250"), and, where the quantity is a percentage, a trailing % ("95.5%") are
    accepted. None when it is not a number."""
    if raw is None:
        return None
    text = unicodedata.normalize("NFKC", str(raw)).strip().replace(" ", "")
    if percent and text.endswith("%"):
        text = text[:-1]
    if _THOUSANDS.match(text):
        text = text.replace(",", "")
    return to_decimal(text)


def yuan_to_wan(amount: Decimal) -> Decimal:
    """239.63万元 = 2,396,300.00 yuan."""
    return q2(Decimal(amount) / WAN)
