"""Decimal arithmetic and formatting of points and money (docs/scoring.md, "Numbers").

Models, services, exports and the template filters (core.templatetags.perfgov) all format numbers
through these functions, so a number reads the same on every page, download and message.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.formats import number_format

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


def points_text(value) -> str:
    """A score or points value with two decimals; "—" when there is none."""
    d = to_decimal(value)
    return "—" if d is None else number_format(q2(d), 2, use_l10n=True, force_grouping=False)


def yuan(value) -> str:
    """Yuan with two decimals and grouping: 1,234,567.80; "—" when there is none."""
    d = to_decimal(value)
    return "—" if d is None else number_format(q2(d), 2, use_l10n=True, force_grouping=True)


def wan(value) -> str:
    """Yuan shown in 万元 (ten thousands), two decimals."""
    d = to_decimal(value)
    return "—" if d is None else number_format(yuan_to_wan(d), 2, use_l10n=True, force_grouping=True)


def percent(value, places=1) -> str:
    d = to_decimal(value)
    if d is None:
        return "—"
    return number_format(d.quantize(Decimal(1).scaleb(-int(places)), rounding=ROUND_HALF_UP), int(places)) + "%"


def plain(value) -> str:
    """A target or measured value without trailing zeros: 98.5000 → 98.5, 100.0000 → 100."""
    d = to_decimal(value)
    return "—" if d is None else format(d.normalize(), "f")


def input_value(value) -> str:
    """A number for an <input value="…">: empty when there is none, without trailing zeros."""
    d = to_decimal(value)
    return "" if d is None else format(d.normalize(), "f")
