"""Reads of the audit log for the audit administrator's viewer and export."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from .labels import field_label
from .models import AuditEvent


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def events_filtered(filters: dict) -> QuerySet[AuditEvent]:
    """Events matching the viewer's filters (time range in local days, inclusive), newest first."""
    qs = AuditEvent.objects.all()
    if filters.get("date_from"):
        qs = qs.filter(at__gte=_start_of(filters["date_from"]))
    if filters.get("date_to"):
        qs = qs.filter(at__lt=_start_of(filters["date_to"] + dt.timedelta(days=1)))
    if filters.get("actor"):
        qs = qs.filter(actor_username=filters["actor"].strip())
    if filters.get("action"):
        action = filters["action"].strip()
        # A whole area ("assessments.") or one action.
        qs = qs.filter(action__startswith=action) if action.endswith(".") else qs.filter(action=action)
    if filters.get("outcome"):
        qs = qs.filter(outcome=filters["outcome"])
    if filters.get("object_type"):
        qs = qs.filter(object_type=filters["object_type"].strip())
    if filters.get("object_id"):
        qs = qs.filter(object_id=filters["object_id"].strip())
    if filters.get("source_ip"):
        qs = qs.filter(source_ip=filters["source_ip"])
    return qs.order_by("-at", "-id")


def changes(event: AuditEvent) -> list[dict]:
    """The event's before/after as rows (field, before, after, changed) for reading."""
    before = event.before if isinstance(event.before, dict) else {}
    after = event.after if isinstance(event.after, dict) else {}
    rows = []
    for key in list(dict.fromkeys([*before, *after])):
        old, new = before.get(key), after.get(key)
        rows.append(
            {
                "field": key,
                "label": field_label(event.object_type, key),
                "before": old,
                "after": new,
                "changed": key not in before or key not in after or old != new,
            }
        )
    return rows


def details(event: AuditEvent) -> list[tuple[str, object]]:
    """The event's other data as (label, value) rows, each key in words."""
    data = event.data if isinstance(event.data, dict) else {}
    return [(field_label(event.object_type, key), value) for key, value in data.items()]
