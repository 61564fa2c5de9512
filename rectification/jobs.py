"""Rectification alerts (docs/rectification.md): a reminder before the deadline, an overdue alert
from the day after it, and an escalation to the issuing office some days later — like late
reports. Idempotent: each alert is a claimed key (kind, department, year, level, item), so a
second run or a second worker at the same time sends nothing again. Constant in queries.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.links import link_to
from core.roles import DEPARTMENT_ROLES
from notifications.services import claim_alerts, notify_many
from organizations.selectors import Recipient, recipients

from .models import Issuer, Item, Status

REMINDER_DAYS = 7  # remind from a week before the deadline
ESCALATION_DAYS = 5  # escalate to the issuing office five days after the deadline


def _key(kind: str, item: dict, level: str) -> tuple:
    return (kind, item["department_id"], str(item["year"]), level, f"item:{item['pk']}")


@transaction.atomic
def send_alerts(today: dt.date | None = None) -> int:
    """Reminders, overdue alerts and escalations of items still open; returns the alerts sent."""
    today = today or timezone.localdate()
    # Plain values: a province has thousands of open items near or past their deadline.
    items = (
        Item.objects.filter(status=Status.OPEN, deadline__lte=today + dt.timedelta(days=REMINDER_DAYS))
        .order_by("pk")
        .values("pk", "department_id", "year", "deadline", "title", "issuer", "department__name")
    )
    keys, targets = [], {}
    for item in items:
        if item["deadline"] >= today:
            k = _key("rectification.reminder", item, "department")
            keys.append(k)
            targets[k] = item
            continue
        k = _key("rectification.overdue", item, "department")
        keys.append(k)
        targets[k] = item
        if (today - item["deadline"]).days >= ESCALATION_DAYS:
            k = _key("rectification.overdue", item, "escalated")
            keys.append(k)
            targets[k] = item
    claimed = claim_alerts(keys)
    if not claimed:
        return 0
    by_dept: dict[int, list[Recipient]] = defaultdict(list)
    by_role: dict[str, list[Recipient]] = defaultdict(list)
    for u in recipients(roles=[*DEPARTMENT_ROLES, *Issuer.values]):
        if u.role in Issuer.values:
            by_role[u.role].append(u)
        else:
            by_dept[u.department_id].append(u)
    # Each text translated once, filled in per item.
    reminder = _("Reminder: rectification “%(title)s” is due on %(date)s (%(days)s days left)")
    overdue = _("Overdue: rectification “%(title)s” was due on %(date)s")
    escalation = _("Escalation: %(department)s has not rectified “%(title)s” (due %(date)s)")
    item_link = link_to("rectification:item_detail")
    messages = []
    for key in sorted(claimed):
        item = targets[key]
        link = item_link(item["pk"])
        deadline = item["deadline"].isoformat()
        if key[0] == "rectification.reminder":
            messages.append(
                {
                    "users": by_dept.get(item["department_id"], []),
                    "kind": key[0],
                    "title": reminder
                    % {"title": item["title"], "date": deadline, "days": (item["deadline"] - today).days},
                    "link": link,
                }
            )
        elif key[3] == "department":
            messages.append(
                {
                    "users": by_dept.get(item["department_id"], []),
                    "kind": key[0],
                    "level": "danger",
                    "title": overdue % {"title": item["title"], "date": deadline},
                    "link": link,
                }
            )
        else:
            messages.append(
                {
                    "users": by_role.get(item["issuer"], []),
                    "kind": "rectification.escalated",
                    "level": "danger",
                    "title": escalation
                    % {"department": item["department__name"], "title": item["title"], "date": deadline},
                    "link": link,
                }
            )
    notify_many(messages)
    return len(claimed)
