"""Import of new indicators into the shared library (指标库) from an xlsx workbook (docs/budgets.md,
section 11). Finance only.

One sheet, ``indicators``: ``code``, ``sector`` (its code or name), ``dimension`` (一级) and
``subdimension`` (二级) by code or name, ``name`` (三级), ``unit``, ``operator`` (≥, ≤, =, 区间 or
ge, le, eq, range) and ``definition``. Each row goes through the library's own service
(``services.library_indicator_save``), so a row is checked exactly as the page checks it, against the
library and the rows above it; every problem is named by row and column, and with any problem
nothing is written.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import audit_log
from core.errors import ApplicationError

from . import services
from .choices import BudgetDimension, BudgetSubdimension, Operator
from .importing import OPERATOR_ALIASES, RowError, choice_of, read_workbook
from .models import LibraryIndicator, Sector

SHEET = "indicators"
COLUMNS = ["code", "sector", "dimension", "subdimension", "name", "unit", "operator", "definition"]


@dataclass
class LibraryImport:
    dry_run: bool
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    created: list[LibraryIndicator] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.errors

    def as_json(self) -> dict:
        return {
            "dry_run": self.dry_run,
            "valid": self.valid,
            "rows": self.rows,
            "errors": [e.as_json() for e in self.errors],
            "created": [i.code for i in self.created],
        }


def _values(row: dict, sectors: dict[str, Sector]) -> dict:
    sector = row.get("sector", "")
    operator = row.get("operator", "")
    return {
        "code": row.get("code", ""),
        "sector": sectors.get(sector, sector),
        "dimension": choice_of(row.get("dimension"), BudgetDimension),
        "subdimension": choice_of(row.get("subdimension"), BudgetSubdimension),
        "name": row.get("name", ""),
        "unit": row.get("unit", ""),
        "operator": OPERATOR_ALIASES.get(operator, choice_of(operator or "ge", Operator)),
        "definition": row.get("definition", ""),
    }


def run(*, content: bytes, actor, dry_run: bool = True, file_name: str = "") -> LibraryImport:
    """Check every row (and, unless ``dry_run`` or any row has a problem, keep them all)."""
    sheets = read_workbook(content)
    if SHEET not in sheets:
        raise ApplicationError(_("The workbook needs a sheet named “indicators”."), field="file")
    result = LibraryImport(dry_run=dry_run, rows=len(sheets[SHEET]))
    sectors = {}
    for s in Sector.objects.all():
        sectors[s.name] = s
        sectors[s.code] = s
    with transaction.atomic():
        for number, row in sheets[SHEET]:
            try:
                with transaction.atomic():
                    result.created.append(services.library_indicator_save(actor=actor, data=_values(row, sectors)))
            except ApplicationError as exc:
                for column, messages in (exc.errors or {"code": [exc.message]}).items():
                    for message in messages:
                        result.errors.append(
                            RowError(SHEET, number, column if column in COLUMNS else "code", str(message))
                        )
        if dry_run or result.errors:
            transaction.set_rollback(True)
            result.created = [] if result.errors else result.created
            return result
        audit_log(
            "budgets.library.imported",
            actor=actor,
            object_type="budgets.libraryindicator",
            data={"file": file_name[:200], "codes": [i.code for i in result.created]},
        )
    return result


def template_workbook() -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append(COLUMNS)
    ws.append(["edu-out-90", "edu", "产出", "数量", "新建校舍面积", "平方米", "≥", "当年竣工验收的校舍建筑面积。"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
