"""Spreadsheet exports of scores."""

from __future__ import annotations

from decimal import Decimal

from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from assessments.inputs import provisional_note
from core.spreadsheets import escape_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(workbook: Workbook, filename: str) -> HttpResponse:
    from io import BytesIO

    buffer = BytesIO()
    escape_workbook(workbook)
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def scores_xlsx(plan, period: str, scores) -> HttpResponse:
    """The scores table as shown, with category subtotals as columns."""
    wb = Workbook()
    ws = wb.active
    ws.title = f"{plan.year} {period}"
    categories = []
    for s in scores:
        for c in s.categories:
            if c["code"] not in [x[0] for x in categories]:
                categories.append((c["code"], c["name"]))
    header = [
        _("Department code"),
        _("Department"),
        _("Ranking group"),
        _("Rank"),
        _("Total"),
        _("Grade"),
        _("Vetoed"),
        _("Published"),
        _("Provisional"),
        *[name for _c, name in categories],
    ]
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for s in scores:
        by_code = {c["code"]: c["score"] for c in s.categories}
        ws.append(
            [
                s.department.code,
                s.department.name,
                s.group.name if s.group else "",
                s.rank,
                s.total,
                s.grade_label,
                _("yes") if s.vetoed else "",
                _("yes") if s.published else "",
                provisional_note(s),
                *[Decimal(by_code[c]) if c in by_code else None for c, _n in categories],
            ]
        )
    for row in ws.iter_rows(min_row=2, min_col=5, max_col=5):
        for cell in row:
            cell.number_format = "0.00"
    return xlsx_response(wb, f"scores-{plan.year}-{period}.xlsx")


def health_xlsx(plan, data: dict) -> HttpResponse:
    """Reporting health as shown: one row per department, one column per quarter's state."""
    labels = {
        "on_time": _("On time"),
        "late": _("Late"),
        "missing": _("Missing"),
        "pending": _("Not yet submitted"),
        "future": "—",
    }
    wb = Workbook()
    ws = wb.active
    ws.title = f"{plan.year}"
    ws.append([_("Department"), _("Ranking group"), *[q.code for q in data["quarters"]]])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for d in data["departments"]:
        row = data["cells"].get(d.pk, {})
        ws.append(
            [d.name, d.group.name if d.group else "", *[labels.get(row.get(q.pk, ""), "") for q in data["quarters"]]]
        )
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 16
    return xlsx_response(wb, f"reporting-health-{plan.year}.xlsx")
