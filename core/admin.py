from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export.admin import ImportExportModelAdmin
from import_export.formats.base_formats import CSV, XLSX

from .spreadsheets import SpreadsheetTooLarge, check_xlsx_bounds


class BoundedXLSX(XLSX):
    """xlsx import that refuses a workbook inflating beyond the bounds before it is loaded."""

    def create_dataset(self, in_stream):
        try:
            check_xlsx_bounds(in_stream)
        except SpreadsheetTooLarge as exc:
            raise ValidationError(_("The workbook is too large once unpacked.")) from exc
        return super().create_dataset(in_stream)


class SpreadsheetAdmin(ImportExportModelAdmin):
    """Admin with spreadsheet import (preview first, all rows or none) and export, xlsx and csv."""

    formats = [BoundedXLSX, CSV]
