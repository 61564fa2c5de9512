"""催报: the supervision office reminds chosen departments that have not submitted a quarter's report."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_log
from core.errors import ApplicationError
from notifications.models import Notification
from notifications.services import claim_alerts, notify_many
from organizations.models import Department

from ..models import Assignment, Quarter, Report, ReportStatus

FILED = (ReportStatus.SUBMITTED, ReportStatus.APPROVED)


@transaction.atomic
def reports_urge(*, quarter: Quarter, department_ids: list[int], actor, today: dt.date | None = None) -> list:
    """Send a 催报 notice to the filers and head of each chosen department that has not filed the
    quarter's report. A department is urged at most once a day for a quarter (the alert key holds
    the date, so a second click, or a second office worker, sends nothing); departments that have
    filed, or are not assessed, are refused."""
    from ..jobs import _people, _report_link

    today = today or timezone.localdate()
    if not department_ids:
        raise ApplicationError(_("Choose the departments to remind."), field="departments")
    assessed = set(
        Assignment.objects.filter(plan_id=quarter.plan_id, is_active=True, department_id__in=department_ids)
        .values_list("department_id", flat=True)
        .distinct()
    )
    filed = set(
        Report.objects.filter(quarter=quarter, department_id__in=department_ids, status__in=FILED).values_list(
            "department_id", flat=True
        )
    )
    chosen = [d for d in department_ids if d in assessed and d not in filed]
    if not chosen:
        raise ApplicationError(
            _("None of the chosen departments has a report outstanding for this quarter."), field="departments"
        )
    claimed = claim_alerts(("urge", d, quarter.period_key, "department", today.isoformat()) for d in chosen)
    urged = sorted(k[1] for k in claimed)
    if not urged:
        raise ApplicationError(_("These departments have already been reminded today."), field="departments")
    people, _sup = _people(set(urged))
    days = (quarter.deadline - today).days
    if days >= 0:
        title = _(
            "Reminder from the supervision office: submit the %(period)s report by %(deadline)s (%(days)s days left)"
        ) % {
            "period": f"{quarter.plan.year} {quarter.code}",
            "deadline": quarter.deadline.isoformat(),
            "days": days,
        }
    else:
        title = _(
            "Reminder from the supervision office: the %(period)s report was due on %(deadline)s "
            "(%(days)s days overdue); submit it now"
        ) % {
            "period": f"{quarter.plan.year} {quarter.code}",
            "deadline": quarter.deadline.isoformat(),
            "days": -days,
        }
    notify_many(
        {
            "users": people.get(d, []),
            "kind": "report.urged",
            "title": title,
            "link": _report_link(quarter),
            "level": Notification.Level.WARNING,
        }
        for d in urged
    )
    departments = list(Department.objects.filter(pk__in=urged).order_by("order", "code"))
    audit_log(
        "assessments.report.urged",
        actor=actor,
        obj=quarter,
        data={
            "departments": [d.code for d in departments],
            "already_reminded_today": sorted(set(chosen) - set(urged)),
        },
    )
    return departments
