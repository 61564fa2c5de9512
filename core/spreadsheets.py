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


# Bounds checked on an uploaded xlsx (a zip) before any parser inflates it: a small file can
# expand to gigabytes (zip bomb). The total uncompressed size and each member's size are read
# from the zip directory; the shared-strings and sheet members are what holds the cells.
MAX_XLSX_UNCOMPRESSED = 50 * 1024 * 1024
MAX_XLSX_RATIO = 200
MAX_CELL_CHARS = 32767  # Excel's own limit of a cell


class SpreadsheetTooLarge(ValueError):
    pass


def check_xlsx_bounds(content: bytes, *, limit: int = MAX_XLSX_UNCOMPRESSED) -> None:
    """Raise :class:`SpreadsheetTooLarge` if the workbook would inflate beyond the bounds."""
    import io
    import zipfile

    try:
        infos = zipfile.ZipFile(io.BytesIO(content)).infolist()
    except zipfile.BadZipFile:
        return  # not a zip: the parser refuses it with its own message
    total = 0
    for info in infos:
        total += info.file_size
        if total > limit:
            raise SpreadsheetTooLarge("uncompressed size")
        if info.file_size > 1024 * 1024 and info.file_size > MAX_XLSX_RATIO * max(info.compress_size, 1):
            raise SpreadsheetTooLarge("compression ratio")


def check_cell(value) -> None:
    if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
        raise SpreadsheetTooLarge("cell size")
