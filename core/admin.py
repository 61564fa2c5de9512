from import_export.admin import ImportExportModelAdmin
from import_export.formats.base_formats import CSV, XLSX


class SpreadsheetAdmin(ImportExportModelAdmin):
    """Admin with spreadsheet import (preview first, all rows or none) and export, xlsx and csv."""

    formats = [XLSX, CSV]
