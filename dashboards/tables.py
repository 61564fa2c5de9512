"""Data tables: what every chart shows, as an accessible table and as a spreadsheet.

A chart's data is built once as a ``Table``; the page renders it beside the chart, and the
download writes the same rows to xlsx or csv, so what is downloaded is exactly what is shown.
Values are stored in the unit shown (points, percent, 10k yuan), already rounded.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.http import HttpResponse
from django.utils.formats import number_format
from openpyxl import Workbook
from openpyxl.styles import Font

from core.spreadsheets import escape_workbook, safe_cell, safe_row

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NUMERIC = frozenset({"int", "points", "pct", "wan", "num"})
FORMATS = {"points": "0.00", "wan": "#,##0.00", "pct": "0.0", "int": "0", "num": "0.####"}


@dataclass(frozen=True)
class Label:
    """A text cell with a CSS class (a status colour that always comes with its text)."""

    text: str
    css: str = ""

    def __str__(self) -> str:
        return str(self.text)


@dataclass(frozen=True)
class Column:
    label: str
    kind: str = "text"  # text | int | points (2 places) | pct (1 place) | wan (10k yuan) | num


@dataclass
class Table:
    key: str
    caption: str
    columns: list[Column]
    rows: list[list] = field(default_factory=list)
    note: str = ""

    def __bool__(self) -> bool:
        return bool(self.rows)

    def header(self) -> list[str]:
        return [str(c.label) for c in self.columns]

    def cells(self) -> list[list[tuple]]:
        """Rows as (value, kind) pairs, for the template."""
        kinds = [c.kind for c in self.columns]
        return [list(zip(row, kinds, strict=True)) for row in self.rows]

    def labelled_cells(self) -> list[list[tuple]]:
        """Rows as (value, kind, column label): on a phone each cell says what it is (the table
        folds into one card per row instead of running off the screen)."""
        kinds = [c.kind for c in self.columns]
        labels = self.header()
        return [list(zip(row, kinds, labels, strict=True)) for row in self.rows]

    def plain_rows(self) -> list[list]:
        """Rows as spreadsheet values: numbers stay Decimal/int, labels become their text."""
        return [[_plain(v) for v in row] for row in self.rows]


def _plain(value):
    if value is None:
        return None
    if isinstance(value, (Decimal, int)) and not isinstance(value, bool):
        return value
    return str(value)


def pct(part, whole, places: int = 1) -> Decimal | None:
    """part ÷ whole in percent, half up; None when the whole is missing or zero."""
    if part is None or whole in (None, 0, Decimal(0)):
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def display(value, kind: str = "text") -> str:
    """A cell as the page shows it."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str) and kind in NUMERIC:  # a word in a number's place (e.g. 样本不足)
        return value
    if kind == "points":
        return number_format(Decimal(value), 2, use_l10n=True)
    if kind == "wan":
        return number_format(Decimal(value), 2, use_l10n=True, force_grouping=True)
    if kind == "pct":
        return number_format(Decimal(value), 1, use_l10n=True) + "%"
    if kind == "num" and isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def _safe_name(text: str, limit: int = 31) -> str:
    return re.sub(r"[\[\]:*?/\\]", " ", str(text))[:limit] or "data"


def workbook_bytes(tables: list[Table]) -> bytes:
    wb = Workbook()
    first = True
    for table in tables:
        ws = wb.active if first else wb.create_sheet()
        first = False
        ws.title = _safe_name(table.caption)
        ws.append(table.header())
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
        for row in table.plain_rows():
            ws.append(row)
        for index, column in enumerate(table.columns, start=1):
            fmt = FORMATS.get(column.kind)
            if fmt:
                for (cell,) in ws.iter_rows(min_row=2, min_col=index, max_col=index):
                    cell.number_format = fmt
    buffer = io.BytesIO()
    escape_workbook(wb)
    wb.save(buffer)
    return buffer.getvalue()


def csv_text(table: Table) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(safe_row(table.header()))
    for row in table.plain_rows():
        writer.writerow(["" if v is None else safe_cell(v) for v in row])
    return buffer.getvalue()


def download(tables: list[Table], fmt: str, filename: str) -> HttpResponse:
    """The tables as an xlsx workbook (one sheet each) or, for csv, the first table.

    CSV is UTF-8 with a byte-order mark so that spreadsheet programs read Chinese correctly.
    """
    if fmt == "csv":
        response = HttpResponse(
            ("\ufeff" + "".join(csv_text(t) for t in tables[:1])).encode("utf-8"), content_type="text/csv"
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        return response
    response = HttpResponse(workbook_bytes(tables), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
