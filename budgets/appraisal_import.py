"""Import of an ex-ante assessment's score sheet from an xlsx workbook (docs/budgets.md, section 5).

Two sheets, read by the budget import's own reader (``budgets.importing.read_workbook``):

- ``lines``: one row per dimension — ``dimension`` (its code or its name in Chinese or English),
  ``criteria``, ``points`` (the year's weight: shown, and refused if changed), ``score``, ``comment``.
  A dimension left out keeps what the sheet has.
- ``conclusion`` (optional, one row): ``conclusion`` (支持 / 调整后支持 / 不予支持 or support / adjust /
  reject), ``required_changes``, ``summary``.

Every cell is checked first with the sheet's own rules (those of ``services.exante_save``) and every
problem is named by sheet, row and column; with any problem nothing is written, otherwise the whole
sheet is saved in one transaction, audited as a save with the values before and after. Who may
import is who may save the sheet: the firm its own assigned work while the period runs, finance its
own; a stale page or request (``version``) is refused.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from audit.services import audit_log
from core.errors import ApplicationError
from core.numbers import to_decimal

from . import services
from .importing import RowError, choice_of, read_workbook
from .models import Conclusion, ExAnteAssessment, ExAnteDimension
from .services.appraisal_sheets import score_value
from .services.appraisal_work import _check_actor, _require_editable_work
from .services.common import _check_version, _text
from .services.exante import _lock_exante

LINE_COLUMNS = ["dimension", "criteria", "points", "score", "comment"]
CONCLUSION_COLUMNS = ["conclusion", "required_changes", "summary"]
# The columns as the page names them beside their codes.
COLUMN_LABELS = {
    "dimension": _lazy("Dimension"),
    "criteria": _lazy("Criteria"),
    "points": _lazy("Points available"),
    "score": _lazy("Score"),
    "comment": _lazy("Comment"),
    "conclusion": _lazy("Conclusion"),
    "required_changes": _lazy("Required changes"),
    "summary": _lazy("Assessment opinion"),
}


@dataclass
class AssessmentImport:
    dry_run: bool
    lines: dict[str, dict] = field(default_factory=dict)
    sheet: dict[str, str] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    written: bool = False

    @property
    def valid(self) -> bool:
        return not self.errors

    def data(self) -> dict:
        """What ``services.exante_save`` is given."""
        return {"lines": self.lines, **self.sheet}

    def error_rows(self) -> list[dict]:
        """The problems for the page: sheet, row, column (code and name) and the reason."""
        return [e.as_json() | {"label": COLUMN_LABELS.get(e.field, "")} for e in self.errors]

    def as_json(self) -> dict:
        return {
            "dry_run": self.dry_run,
            "valid": self.valid,
            "written": self.written,
            "lines": {
                k: {f: str(v) if isinstance(v, Decimal) else v for f, v in line.items()}
                for k, line in self.lines.items()
            },
            "conclusion": self.sheet,
            "cells": [e.as_json() for e in self.errors],
            "errors": self.errors_by_cell(),
        }

    def errors_by_cell(self) -> dict[str, list[str]]:
        """``<sheet>.<row>.<column>`` → messages, in the API's usual shape of errors."""
        out: dict[str, list[str]] = {}
        for e in self.errors:
            out.setdefault(f"{e.sheet}.{e.row}.{e.field}", []).append(e.message)
        return out


def _checked(result: AssessmentImport, sheet: str, row: int, column: str, check):
    """The value ``check()`` gives, or None with the problem recorded against the cell."""
    try:
        return check()
    except ApplicationError as exc:
        result.errors.append(RowError(sheet, row, column, str(exc.message)))
        return None


def parse(*, content: bytes, assessment: ExAnteAssessment) -> AssessmentImport:
    """Check every cell of the workbook against the assessment's sheet; nothing is written."""
    result = AssessmentImport(dry_run=True)
    sheets = read_workbook(content)
    if "lines" not in sheets:
        raise ApplicationError(_("The workbook needs a sheet named “lines”."), field="file")
    lines = {line.dimension: line for line in assessment.lines.all()}
    seen: dict[str, int] = {}

    def err(sheet, row, column, message):
        result.errors.append(RowError(sheet, row, column, str(message)))

    for number, row in sheets["lines"]:
        dim = choice_of(row.get("dimension"), ExAnteDimension)
        line = lines.get(dim)
        if line is None:
            err("lines", number, "dimension", _("Unknown dimension “%(name)s”.") % {"name": row.get("dimension", "")})
            continue
        if dim in seen:
            err(
                "lines",
                number,
                "dimension",
                _("The dimension appears twice (first in row %(row)d).") % {"row": seen[dim]},
            )
            continue
        seen[dim] = number
        points = row.get("points", "")
        if points:
            given = to_decimal(points)
            if given is None or not given.is_finite() or given != line.points:
                err(
                    "lines",
                    number,
                    "points",
                    _("The points are the year's weight, %(points)s; they cannot be changed here.")
                    % {"points": line.points},
                )
        values = {
            "criteria": _checked(
                result, "lines", number, "criteria", lambda r=row: _text(r.get("criteria"), "criteria", required=True)
            ),
            "score": _checked(
                result,
                "lines",
                number,
                "score",
                lambda r=row, p=line.points: score_value(r.get("score"), "score", maximum=p),
            ),
            "comment": _checked(result, "lines", number, "comment", lambda r=row: _text(r.get("comment"), "comment")),
        }
        result.lines[dim] = values

    rows = sheets.get("conclusion", [])
    for number, _row in rows[1:]:
        err("conclusion", number, "conclusion", _("The conclusion takes one row only."))
    if rows:
        number, row = rows[0]
        conclusion = choice_of(row.get("conclusion"), Conclusion) if row.get("conclusion") else ""
        if conclusion and conclusion not in Conclusion.values:
            err(
                "conclusion",
                number,
                "conclusion",
                _("Choose 支持, 调整后支持 or 不予支持 (support, adjust, reject)."),
            )
        changes = _checked(
            result, "conclusion", number, "required_changes", lambda: _text(row.get("required_changes"), "x")
        )
        summary = _checked(result, "conclusion", number, "summary", lambda: _text(row.get("summary"), "x"))
        if conclusion == Conclusion.ADJUST and changes == "":
            err("conclusion", number, "required_changes", _("List the changes the project must make to be supported."))
        result.sheet = {"conclusion": conclusion, "required_changes": changes or "", "summary": summary or ""}
    return result


def run(
    *,
    assessment: ExAnteAssessment,
    content: bytes,
    actor,
    expected_version: int | None = None,
    dry_run: bool = False,
    file_name: str = "",
) -> AssessmentImport:
    """Check the workbook and, unless ``dry_run`` or any cell has a problem, save the whole sheet."""
    with transaction.atomic():
        locked = _lock_exante(assessment)
        _check_actor(actor, locked)
        _check_version(locked, expected_version)
        _require_editable_work(locked)
        result = parse(content=content, assessment=locked)
        result.dry_run = dry_run
        if dry_run or not result.valid:
            return result
        services.exante_save(assessment=locked, actor=actor, data=result.data(), expected_version=locked.version)
        audit_log(
            "budgets.exante.imported",
            actor=actor,
            obj=locked,
            data={"file": file_name[:200], "lines": sorted(result.lines), "conclusion": bool(result.sheet)},
        )
        result.written = True
    return result


def template_workbook(assessment: ExAnteAssessment) -> bytes:
    """The assessment's sheet as it is now, in the import's columns, ready to be filled in."""
    from openpyxl import Workbook

    from core.spreadsheets import safe_row

    wb = Workbook()
    ws = wb.active
    ws.title = "lines"
    ws.append(LINE_COLUMNS)
    for line in assessment.lines.all():
        ws.append(
            safe_row(
                [
                    str(line.get_dimension_display()),
                    line.criteria,
                    line.points,
                    line.score,
                    line.comment,
                ]
            )
        )
    ws2 = wb.create_sheet("conclusion")
    ws2.append(CONCLUSION_COLUMNS)
    ws2.append(
        safe_row(
            [
                str(assessment.get_conclusion_display()) if assessment.conclusion else "",
                assessment.required_changes,
                assessment.summary,
            ]
        )
    )
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
