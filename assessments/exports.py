"""Spreadsheet exports of scores."""

from __future__ import annotations

from decimal import Decimal

from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from assessments.inputs import provisional_note
from assessments.services.publication import period_label
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


def _bold_header(ws, header: list) -> None:
    ws.append(header)
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)


def _local(value) -> str:
    """An aware datetime as local time (Asia/Shanghai), minutes; '' for none."""
    from django.utils import timezone

    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _name(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


def report_xlsx(report, entries: list, revisions: list) -> HttpResponse:
    """One quarterly report: its entries with their evidence, and its review history."""
    wb = Workbook()
    ws = wb.active
    ws.title = _("Entries")
    ws.append([f"{report.department.name} · {report.quarter.plan.year} {report.quarter.code}"])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([_("Status"), report.get_status_display(), _("Submitted on"), _local(report.submitted_at)])
    ws.append([])
    _bold_header(
        ws,
        [
            _("Category"),
            _("Indicator"),
            _("Unit"),
            _("Basic target"),
            _("Planned progress (%)"),
            _("Cumulative actual value"),
            _("Completion (%)"),
            _("Actual progress (%)"),
            _("Status"),
            _("Progress"),
            _("Problems"),
            _("Next steps"),
            _("Cause and remedy of the delay"),
            _("Explanation of an unusual value"),
            _("Evidence"),
            _("Review"),
            _("Reviewer's comment"),
        ],
    )
    for e in entries:
        ind = e.assignment.indicator
        ws.append(
            [
                ind.category.name,
                ind.name,
                ind.unit,
                e.assignment.basic_target,
                e.planned_pct,
                e.actual_value,
                e.completion_pct,
                e.progress_pct,
                e.get_status_colour_display(),
                e.narrative,
                e.problems,
                e.next_steps,
                e.explanation,
                getattr(e, "outlier_note", ""),
                "; ".join(ev.original_name for ev in e.evidence.all()),
                e.get_review_state_display(),
                e.review_comment,
            ]
        )
    ws.column_dimensions["B"].width = 28
    ws.column_dimensions["J"].width = 40
    history = wb.create_sheet(_("Review history"))
    _bold_header(
        history,
        [
            _("Revision"),
            _("Submitted on"),
            _("By"),
            _("Late"),
            _("Decision"),
            _("Decided by"),
            _("Decided"),
            _("Reason"),
        ],
    )
    for r in revisions:
        history.append(
            [
                r.number,
                _local(r.submitted_at),
                _name(r.submitted_by),
                _("yes") if r.is_late else "",
                r.get_decision_display(),
                _name(r.decided_by),
                _local(r.decided_at),
                r.reason,
            ]
        )
    code = report.department.code
    return xlsx_response(wb, f"report-{code}-{report.quarter.plan.year}-{report.quarter.code}.xlsx")


def score_ledger_xlsx(score, groups: list) -> HttpResponse:
    """A department's score with every ledger line that makes it, grouped as on the page."""
    wb = Workbook()
    ws = wb.active
    ws.title = _("Ledger")
    ws.append([f"{score.department.name} · {score.plan.year} {period_label(score.period)}"])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([_("Total"), score.total, _("Grade"), score.grade_label, _("Rank in group"), score.rank])
    ws.append([_("Provisional"), provisional_note(score), _("Published"), _("yes") if score.published else ""])
    ws.append([])
    _bold_header(ws, [_("Category"), _("Kind"), _("Line"), _("Points")])
    for g in groups:
        ws.append([g["name"], "", _("Subtotal"), Decimal(g["score"])])
        ws[ws.max_row][0].font = Font(bold=True)
        for ln in g["lines"]:
            ws.append([g["name"], ln.get_kind_display(), ln.detail, ln.points])
    ws.append([_("Total"), "", "", score.total])
    ws[ws.max_row][0].font = Font(bold=True)
    for row in ws.iter_rows(min_row=6, min_col=4, max_col=4):
        for cell in row:
            cell.number_format = "0.00"
    ws.column_dimensions["A"].width = 20
    ws.column_dimensions["C"].width = 70
    return xlsx_response(wb, f"score-{score.department.code}-{score.plan.year}-{score.period}.xlsx")


def notice_xlsx(notice: dict) -> HttpResponse:
    """The publication notice: the period's published results, rank and grade per ranking group."""
    wb = Workbook()
    ws = wb.active
    ws.title = _("Published results")
    ws.append([notice["title"]])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([notice["issuer"], notice["date"].isoformat()])
    for group in notice["groups"]:
        ws.append([])
        ws.append([group["name"]])
        ws[ws.max_row][0].font = Font(bold=True)
        _bold_header(ws, [_("Rank"), _("Department"), _("Total"), _("Grade")])
        for s in group["scores"]:
            ws.append([s.rank, s.department.name, s.total, s.grade_label])
            ws[ws.max_row][2].number_format = "0.00"
    ws.column_dimensions["B"].width = 24
    return xlsx_response(wb, f"notice-{notice['year']}-{notice['period']}.xlsx")


def events_xlsx(plan, events) -> HttpResponse:
    """The deduction and bonus events as filtered on the page."""
    wb = Workbook()
    ws = wb.active
    ws.title = str(plan.year)
    _bold_header(
        ws,
        [
            _("Date"),
            _("Department"),
            _("Kind"),
            _("Rule"),
            _("Points per occurrence"),
            _("Occurrences"),
            _("Note"),
            _("Recorded by"),
            _("Status"),
            _("Reason for withdrawal"),
        ],
    )
    for ev in events:
        ws.append(
            [
                ev.date,
                ev.department.name,
                ev.rule.get_kind_display(),
                ev.rule.name,
                ev.rule.points,
                ev.occurrences,
                ev.note,
                _name(ev.recorded_by) or ev.get_source_display(),
                _("Withdrawn") if ev.voided_at else _("In force"),
                ev.void_reason,
            ]
        )
    for row in ws.iter_rows(min_row=2, max_col=1):
        for cell in row:
            cell.number_format = "yyyy-mm-dd"
    ws.column_dimensions["A"].width = 12
    ws.column_dimensions["B"].width = 20
    ws.column_dimensions["D"].width = 30
    return xlsx_response(wb, f"events-{plan.year}.xlsx")
