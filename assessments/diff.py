"""The difference between two revisions of a report, entry by entry."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.numbers import to_decimal

from .models import Assignment
from .models.reports import StatusColour

FIELDS = [
    ("actual_value", _("Cumulative actual value")),
    ("completion_pct", _("Completion (%)")),
    ("status_colour", _("Status")),
    ("narrative", _("Progress")),
    ("problems", _("Problems")),
    ("next_steps", _("Next steps")),
    ("explanation", _("Cause and remedy of the delay")),
    ("evidence", _("Evidence")),
]


def _value(entry: dict | None, field: str):
    """A field as the page shows it: numbers without trailing zeros ("87.3500" → "87.35"), the
    status by its name (never the code "at_risk"), files joined with 、."""
    if entry is None:
        return None
    v = entry.get(field)
    if field == "evidence":
        return "、".join(e["name"] for e in v or []) or None
    if v in ("", None):
        return None
    if field == "status_colour":
        return StatusColour(v).label if v in StatusColour.values else v
    if field in ("actual_value", "completion_pct"):
        number = to_decimal(v)
        return plain_number(number) if number is not None else v
    return v


def revision_diff(report, revision, previous) -> list[dict]:
    """One row per entry: each field's value now and before, marked where it changed."""
    names = dict(
        Assignment.objects.filter(pk__in=[int(k) for k in revision.entries]).values_list("pk", "indicator__name")
    )
    rows = []
    for key, entry in revision.entries.items():
        before = previous.entries.get(key) if previous else None
        fields = []
        for field, label in FIELDS:
            now, was = _value(entry, field), _value(before, field)
            fields.append(
                {
                    "field": field,
                    "label": label,
                    "now": now,
                    "before": was,
                    "changed": previous is not None and now != was,
                }
            )
        rows.append(
            {
                "indicator": names.get(int(key), entry.get("indicator")),
                "fields": fields,
                "changed": any(f["changed"] for f in fields),
            }
        )
    return rows


def plain_number(value) -> str:
    """87.3500 → 87.35, 95.0000 → 95, 1250 → 1,250: as people write it."""
    return f"{value.normalize():,f}"
