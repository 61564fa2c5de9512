"""The filtered audit log as a spreadsheet (xlsx or csv) for the audit administrator."""

from __future__ import annotations

import csv
import io
import json

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.spreadsheets import safe_cell

COLUMNS = [
    ("at", gettext_noop("Time")),
    ("actor_username", gettext_noop("Actor")),
    ("actor_role", gettext_noop("Actor role")),
    ("token_id", gettext_noop("API token")),
    ("source_ip", gettext_noop("Source address")),
    ("action", gettext_noop("Action")),
    ("object_type", gettext_noop("Object type")),
    ("object_id", gettext_noop("Object id")),
    ("object_repr", gettext_noop("Object")),
    ("outcome", gettext_noop("Outcome")),
    ("before", gettext_noop("Before")),
    ("after", gettext_noop("After")),
    ("data", gettext_noop("Details")),
]


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True)
    elif hasattr(value, "isoformat"):
        value = timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")
    value = str(value)
    return safe_cell(value)  # a spreadsheet must not run what a user typed


def rows(events):
    for e in events.iterator(chunk_size=2000):
        yield [_cell(getattr(e, attr)) for attr, _label in COLUMNS]


def header() -> list[str]:
    return [_(label) for _attr, label in COLUMNS]


def to_csv(events) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header())
    writer.writerows(rows(events))
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # BOM: Excel opens UTF-8 Chinese correctly


def to_xlsx(events) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("Audit log"))
    ws.append(header())
    for row in rows(events):
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
