"""Dual-monitoring jobs (docs/monitoring.md): record the warnings of the current checkpoint, and
pause the tranches of projects whose warning went unanswered past its deadline.

Both are idempotent. A warning is one row per project × checkpoint × kind (a unique constraint),
inserted with ON CONFLICT DO NOTHING, and its department is alerted through a claimed alert key.
A lapse is claimed by one UPDATE … WHERE status = 'open' RETURNING: of two workers at the same
time only one gets each row back, so the tranches are paused once and the alerts sent once.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_log_many
from budgets import services as budget_services
from budgets.models import BudgetProject
from core.bulk import insert_values
from core.links import link_to
from core.roles import DEPARTMENT_ROLES, Role
from notifications.services import claim_alerts, notify_many
from organizations.selectors import Recipient, recipients

from . import selectors
from .models import MonitoringWarning

W = MonitoringWarning


def _people(dept_ids) -> tuple[dict[int, list[Recipient]], list[Recipient]]:
    by_dept: dict[int, list[Recipient]] = defaultdict(list)
    finance = []
    for u in recipients(roles=[*DEPARTMENT_ROLES, Role.FINANCE]):
        if u.role == Role.FINANCE:
            finance.append(u)
        elif u.department_id in dept_ids:
            by_dept[u.department_id].append(u)
    return by_dept, finance


@transaction.atomic
def record_warnings(today: dt.date | None = None) -> int:
    """Store the warnings of the latest checkpoint passed (one per project × checkpoint × kind) and
    tell each department once per checkpoint. Returns the number of alerts sent."""
    today = today or timezone.localdate()
    year = today.year
    schedule = selectors.schedule_for(year)
    rows = selectors.project_results(year=year, on=today)
    due = selectors.respond_by(today, schedule.response_days)
    new = []
    for r in rows:
        res = r.result
        if res.checkpoint is None:
            continue
        common = {
            "project_id": r.project_id,
            "department_id": r.department_id,
            "year": year,
            "checkpoint": res.checkpoint.date,
            "execution_rate": res.execution_rate,
            "completion_rate": res.completion_rate,
            "issued_on": today,
            "respond_by": due,
        }
        if res.below_threshold:
            new.append({"kind": W.Kind.EXECUTION.value, "threshold": res.checkpoint.threshold, **common})
        if res.gap_exceeded:
            new.append({"kind": W.Kind.GAP.value, "threshold": schedule.gap_points, "gap": res.gap, **common})
    if not new:
        return 0
    # Rows of plain values in one statement (a province's checkpoint warns thousands of projects);
    # ON CONFLICT DO NOTHING keeps one warning per project × checkpoint × kind.
    insert_values(W, new, ignore_conflicts=True)
    keys = {("monitoring.warning", w["department_id"], w["checkpoint"].isoformat(), "department", "") for w in new}
    claimed = claim_alerts(keys)
    counts: dict[int, int] = defaultdict(int)
    for w in new:
        counts[w["department_id"]] += 1
    people, _finance = _people({k[1] for k in claimed})
    # Each text translated once, filled in per department.
    title = _("Execution warning at the %(checkpoint)s checkpoint: respond by %(date)s")
    body = _(
        "%(n)s warning(s) on your projects. Respond to each: continue with measures, adjust, or "
        "cancel. Without a response the project's unreleased tranches are paused."
    )
    open_warnings = f"{reverse('monitoring:warning_list')}?status={W.Status.OPEN}"
    messages = []
    for key in sorted(claimed):
        messages.append(
            {
                "users": people.get(key[1], []),
                "kind": "monitoring.warning",
                "level": "warning",
                "title": title % {"checkpoint": key[2], "date": due.isoformat()},
                "body": body % {"n": counts[key[1]]},
                "link": open_warnings,
            }
        )
    notify_many(messages)
    return len(claimed)


def _claim_lapsed(today: dt.date, now) -> list[tuple]:
    """Mark every open warning past its deadline lapsed, in one statement; the rows this caller
    changed: (id, project, department, checkpoint, kind, respond by, project name), in id order."""
    table = W._meta.db_table
    projects = BudgetProject._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET status = %s, paused_at = %s, version = version + 1 "  # noqa: S608
            "WHERE status = %s AND respond_by < %s RETURNING id, project_id, department_id, checkpoint, kind, "
            f"respond_by, (SELECT p.name FROM {projects} p WHERE p.id = project_id)",
            [W.Status.LAPSED, now, W.Status.OPEN, today],
        )
        return sorted(cursor.fetchall())


@transaction.atomic
def enforce_response_deadlines(today: dt.date | None = None) -> int:
    """No response by the deadline (inclusive): pause the project's unreleased tranches, tell finance
    and the department, audit it. Returns the number of warnings that lapsed in this run."""
    today = today or timezone.localdate()
    now = timezone.now()
    lapsed = _claim_lapsed(today, now)
    if not lapsed:
        return 0
    by_project: dict[int, list[tuple]] = defaultdict(list)
    for row in lapsed:
        by_project[row[1]].append(row)
    kinds = dict(W.Kind.choices)
    # One audit event per lapsed warning, written in one statement from the values the UPDATE returned.
    audit_log_many(
        "monitoring.warning.lapsed",
        [
            {
                "object_type": W._meta.label_lower,
                "object_id": pk,
                "object_repr": f"{project_id} {checkpoint} {kinds.get(kind, kind)}",  # str(warning)
                "before": {"status": W.Status.OPEN, "paused_at": None},
                "after": {"status": W.Status.LAPSED, "paused_at": now},
                "data": {"project": project_id, "respond_by": respond_by},
            }
            for pk, project_id, _dept, checkpoint, kind, respond_by, _name in lapsed
        ],
    )
    # Each text translated once, filled in per project.
    no_response = _("No response to the %(checkpoint)s warning by %(date)s")
    reasons = {
        project_id: no_response % {"checkpoint": warnings[0][3].isoformat(), "date": warnings[0][5].isoformat()}
        for project_id, warnings in by_project.items()
    }
    # All the projects' tranches in a few statements, however many projects lapsed.
    paused_by_project = budget_services.tranches_pause_many(reasons=reasons)
    names = {row[1]: row[6] for row in lapsed}
    people, finance = _people({row[2] for row in lapsed})
    messages = []
    paused_title = _("Tranches paused: %(project)s")
    warning_link = link_to("monitoring:warning_detail")
    paused_body = _("%(reason)s; %(n)s unreleased tranche(s) paused until finance lifts the pause.")
    for project_id, warnings in by_project.items():
        pk, _project, dept_id = warnings[0][:3]
        reason = reasons[project_id]
        paused = paused_by_project.get(project_id, [])
        title = paused_title % {"project": names.get(project_id, project_id)}
        body = paused_body % {
            "reason": reason,
            "n": len(paused),
        }
        link = warning_link(pk)
        for users in (people.get(dept_id, []), finance):
            messages.append(
                {
                    "users": users,
                    "kind": "monitoring.paused",
                    "level": "danger",
                    "title": title,
                    "body": body,
                    "link": link,
                }
            )
    notify_many(messages)
    return len(lapsed)
