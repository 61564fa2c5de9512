"""The difference between two revisions of a report, entry by entry."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .models import Assignment

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
    if entry is None:
        return None
    v = entry.get(field)
    if field == "evidence":
        return ", ".join(e["name"] for e in v or []) or None
    return v if v not in ("", None) else None


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
