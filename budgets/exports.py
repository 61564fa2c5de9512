"""Next year's recommended amounts as an xlsx workbook: by department, and project by project."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from core.numbers import yuan_to_wan
from core.spreadsheets import escape_workbook

from . import selectors

YUAN = "#,##0.00"


def _header(ws, titles):
    ws.append([str(t) for t in titles])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"


def recommendations_workbook(*, year: int) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _("By department")[:31]
    _header(
        ws,
        [
            _("Department"),
            _("Projects"),
            _("This year (10k yuan)"),
            _("Recommended (10k yuan)"),
            _("After decisions (10k yuan)"),
            _("Change (10k yuan)"),
            _("Flags"),
            _("Flagged amount (10k yuan)"),
            _("Undecided"),
        ],
    )
    for row in selectors.recommendation_summary(year=year):
        ws.append(
            [
                row["department"].name,
                row["projects"],
                yuan_to_wan(row["base"]),
                yuan_to_wan(row["recommended"]),
                yuan_to_wan(row["decided"]),
                yuan_to_wan(row["change"]),
                row["flags"],
                yuan_to_wan(row["flagged_amount"]),
                row["pending"],
            ]
        )
    for col in "CDEFH":
        for cell in ws[col][1:]:
            cell.number_format = YUAN
    ws2 = wb.create_sheet(_("Projects")[:31])
    _header(
        ws2,
        [
            _("Department"),
            _("Project code"),
            _("Project"),
            _("Kind"),
            _("Flag"),
            _("Project grade"),
            _("Score"),
            _("Department assessment grade"),
            _("Recommended action"),
            _("Recommended change (percent)"),
            _("This year (yuan)"),
            _("Recommended amount (yuan)"),
            _("Decision"),
            _("Decided action"),
            _("Decided amount (yuan)"),
            _("Reason"),
        ],
    )
    for r in selectors.recommendations_list(year=year):
        ws2.append(
            [
                r.department.name,
                r.project.code,
                r.project.name,
                str(r.get_kind_display()),
                str(r.get_flag_reason_display()) if r.flag_reason else "",
                str(r.get_project_grade_display()) if r.project_grade else "",
                r.evaluation.total if r.evaluation_id else None,
                str(r.get_department_grade_column_display()) if r.department_grade_column else "",
                str(r.get_action_display()) if r.action else "",
                r.percent,
                r.base_amount,
                r.recommended_amount,
                str(r.get_status_display()),
                str(r.get_final_action_display()) if r.final_action else "",
                r.final_amount,
                r.reason,
            ]
        )
    for col in "KLO":
        for cell in ws2[col][1:]:
            cell.number_format = YUAN
    buf = io.BytesIO()
    escape_workbook(wb)
    wb.save(buf)
    return buf.getvalue()
