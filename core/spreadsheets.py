"""Spreadsheet cells that never run what a user typed (CSV/formula injection).

Every export (dashboard and public downloads, the apps' workbooks, the audit log, the admin's
import-export downloads) passes its text cells through :func:`safe_cell`: a text that a
spreadsheet would read as a formula or a command (starting with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return) gets a leading apostrophe, so it shows as the text it is. Numbers stay
numbers. Even a legitimate ``= 100 %`` is shown as text.
"""

from __future__ import annotations

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """The value, with a text that would start a formula made inert; other types unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def safe_row(row) -> list:
    return [safe_cell(v) for v in row]


def escape_workbook(workbook) -> None:
    """Make every text cell of an (editable) openpyxl workbook inert, just before it is saved.

    openpyxl stores a text starting with ``=`` as a formula; the escaped value is plain text.
    """
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                value = cell.value
                if isinstance(value, str) and value.startswith(FORMULA_START):
                    cell.value = "'" + value
                    cell.data_type = "s"


class SafeExportMixin:
    """For django-import-export resources: exported cells never start a formula."""

    def export_field(self, field, instance, **kwargs):
        return safe_cell(super().export_field(field, instance, **kwargs))
