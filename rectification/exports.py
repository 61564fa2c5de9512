"""The ledger as an xlsx workbook, with the filters of the page applied."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from core.spreadsheets import escape_workbook


def items_workbook(items) -> bytes:
    today = timezone.localdate()
    wb = Workbook()
    ws = wb.active
    ws.title = _("Rectification ledger")[:31]
    ws.append(
        [
            str(t)
            for t in (
                _("Number"),
                _("Year"),
                _("Source"),
                _("Source object"),
                _("Responsible department"),
                _("Problem"),
                _("Description of the problem"),
                _("Required measures"),
                _("Deadline"),
                _("Issued by"),
                _("Status"),
                _("Overdue"),
                _("Progress (percent)"),
                _("Measures taken"),
                _("Closed at"),
                _("Closed on time"),
                _("Rejections"),
            )
        ]
    )
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    yes, no = _("Yes"), _("No")
    for i in items:
        ws.append(
            [
                i.pk,
                i.year,
                str(i.get_source_display()),
                i.source_label,
                i.department.name,
                i.title,
                i.description,
                i.measures_required,
                i.deadline,
                str(i.get_issuer_display()),
                str(i.get_status_display()),
                yes if i.is_overdue(today) else no,
                i.progress,
                i.measures_taken,
                timezone.localtime(i.closed_at).strftime("%Y-%m-%d %H:%M") if i.closed_at else "",
                "" if i.closed_on_time is None else (yes if i.closed_on_time else no),
                i.rejections,
            ]
        )
    for cell in ws["I"][1:]:
        cell.number_format = "yyyy-mm-dd"
    buf = io.BytesIO()
    escape_workbook(wb)
    wb.save(buf)
    return buf.getvalue()
