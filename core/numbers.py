"""Decimal arithmetic for points and money (DESIGN.md §3, Numbers)."""

from __future__ import annotations

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


def yuan_to_wan(amount: Decimal) -> Decimal:
    """239.63万元 = 2,396,300.00 yuan."""
    return q2(Decimal(amount) / WAN)
