"""Monitoring jobs (docs/domain.md §3–4): reminders, overdue alerts and escalation,
lag warnings and the late-report deduction.

Each job is idempotent: every alert is keyed by a unique row (kind, department, period, level,
subject) claimed in one statement before anything is sent, so a second run — or a second
worker at the same time — sends nothing again. Each runs a constant number of queries
whatever the number of departments.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_log
from core.roles import Role
from notifications.services import claim_alerts, notify_many
from organizations.models import Department
from organizations.selectors import Recipient, recipients

from .models import Assignment, Entry, Plan, Quarter, Report, ReportStatus, ScoreEvent
from .progress import is_lagging

SUBMITTED = (ReportStatus.SUBMITTED, ReportStatus.APPROVED)
SEEN = (ReportStatus.SUBMITTED, ReportStatus.APPROVED, ReportStatus.RETURNED)


def _active_quarters():
    return Quarter.objects.filter(plan__status=Plan.Status.ACTIVE).select_related("plan", "plan__late_report_rule")


def _assessed_departments(plan_ids) -> dict[int, set[int]]:
    out: dict[int, set[int]] = defaultdict(set)
    for plan_id, dept_id in (
        Assignment.objects.filter(plan_id__in=plan_ids, is_active=True)
        .order_by()
        .values_list("plan_id", "department_id")
        .distinct()
    ):
        out[plan_id].add(dept_id)
    return out


def _submitted(quarter_ids) -> dict[int, dict[int, Report]]:
    out: dict[int, dict[int, Report]] = defaultdict(dict)
    for r in (
        Report.objects.filter(quarter_id__in=quarter_ids)
        .order_by()
        .only("id", "quarter_id", "department_id", "status", "is_late", "submitted_at", "first_submitted_at")
    ):
        out[r.quarter_id][r.department_id] = r
    return out


def _people(dept_ids) -> tuple[dict[int, list[Recipient]], list[Recipient]]:
    by_dept: dict[int, list[Recipient]] = defaultdict(list)
    supervisors = []
    for u in recipients(roles=[Role.FILER, Role.DEPT_HEAD, Role.SUPERVISOR]):
        if u.role == Role.SUPERVISOR:
            supervisors.append(u)
        elif u.department_id in dept_ids:
            by_dept[u.department_id].append(u)
    return by_dept, supervisors


def _names(dept_ids) -> dict[int, str]:
    return dict(Department.objects.filter(pk__in=dept_ids).values_list("pk", "name"))


def _report_link(quarter: Quarter) -> str:
    return reverse("assessments:report_open", args=[quarter.plan.year, quarter.number])


def _was_on_time(report: Report | None, quarter: Quarter) -> bool:
    first = report.first_submitted_at if report else None
    return first is not None and timezone.localtime(first).date() <= quarter.deadline


@transaction.atomic
def send_deadline_reminders(today: dt.date | None = None) -> int:
    """A few days before the deadline, remind departments that have not submitted — and only them."""
    today = today or timezone.localdate()
    quarters = [
        q
        for q in _active_quarters()
        if q.period_start <= today <= q.deadline and (q.deadline - today).days <= q.plan.reminder_days
    ]
    if not quarters:
        return 0
    assessed = _assessed_departments({q.plan_id for q in quarters})
    reports = _submitted([q.pk for q in quarters])
    keys, targets = [], {}
    for q in quarters:
        for dept_id in assessed[q.plan_id]:
            r = reports[q.pk].get(dept_id)
            if r is None or r.status not in SUBMITTED:
                key = ("reminder", dept_id, q.period_key, "department", "")
                keys.append(key)
                targets[key] = q
    claimed = claim_alerts(keys)
    people, _sup = _people({k[1] for k in claimed})
    messages = []
    for key in claimed:
        q = targets[key]
        days = (q.deadline - today).days
        messages.append(
            {
                "users": people.get(key[1], []),
                "kind": "report.reminder",
                "title": _("Reminder: the %(period)s report is due on %(deadline)s (%(days)s days left)")
                % {"period": f"{q.plan.year} {q.code}", "deadline": q.deadline.isoformat(), "days": days},
                "link": _report_link(q),
            }
        )
    notify_many(messages)
    return len(claimed)


@transaction.atomic
def send_overdue_alerts(today: dt.date | None = None) -> int:
    """From the day after the deadline: alert the department (filers and head); after the plan's
    escalation days, alert the supervision office. Late reports get the plan's deduction."""
    today = today or timezone.localdate()
    quarters = [q for q in _active_quarters() if q.deadline < today]
    if not quarters:
        return 0
    assessed = _assessed_departments({q.plan_id for q in quarters})
    reports = _submitted([q.pk for q in quarters])
    names = _names(set().union(*assessed.values()) if assessed else set())
    keys, targets = [], {}
    late_events = []
    for q in quarters:
        for dept_id in assessed[q.plan_id]:
            r = reports[q.pk].get(dept_id)
            on_time = _was_on_time(r, q)
            if q.plan.late_report_rule_id and not on_time:
                late_events.append((q, dept_id))
            if r is not None and r.status in SUBMITTED:
                continue  # submitted (late or not): nothing outstanding to alert about
            key = ("overdue", dept_id, q.period_key, "department", "")
            keys.append(key)
            targets[key] = q
            if (today - q.deadline).days >= q.plan.escalation_days:
                key = ("overdue", dept_id, q.period_key, "escalated", "")
                keys.append(key)
                targets[key] = q
    claimed = claim_alerts(keys)
    people, supervisors = _people({k[1] for k in claimed})
    messages = []
    for key in sorted(claimed):
        q = targets[key]
        period = f"{q.plan.year} {q.code}"
        if key[3] == "department":
            messages.append(
                {
                    "users": people.get(key[1], []),
                    "kind": "report.overdue",
                    "level": "danger",
                    "title": _("Overdue: the %(period)s report was due on %(deadline)s")
                    % {"period": period, "deadline": q.deadline.isoformat()},
                    "body": _("Submit it as soon as possible; the quarter closes on %(date)s.")
                    % {"date": q.closes_on.isoformat()},
                    "link": _report_link(q),
                }
            )
        else:
            messages.append(
                {
                    "users": supervisors,
                    "kind": "report.escalated",
                    "level": "danger",
                    "title": _("Escalation: %(dept)s has not submitted the %(period)s report (due %(deadline)s)")
                    % {"dept": names.get(key[1], key[1]), "period": period, "deadline": q.deadline.isoformat()},
                    "link": reverse("assessments:review_queue") + f"?quarter={q.pk}&lateness=missing",
                }
            )
    notify_many(messages)
    _record_late_deductions(late_events, today)
    return len(claimed)


def _record_late_deductions(late: list[tuple[Quarter, int]], today: dt.date) -> int:
    """The plan's late-report rule, once per late or missing report (keyed "late:<year>Q<n>")."""
    if not late:
        return 0
    from .recompute import scores_mark_dirty

    existing = set(
        ScoreEvent.objects.filter(
            source=ScoreEvent.Source.LATE_REPORT, plan_id__in={q.plan_id for q, _d in late}
        ).values_list("plan_id", "department_id", "source_key")
    )
    new = [
        ScoreEvent(
            plan=q.plan,
            rule=q.plan.late_report_rule,
            department_id=dept_id,
            date=min(q.deadline + dt.timedelta(days=1), today),
            occurrences=1,
            source=ScoreEvent.Source.LATE_REPORT,
            source_key=f"late:{q.period_key}",
            note=_("Report for %(period)s not submitted by %(deadline)s.")
            % {"period": f"{q.plan.year} {q.code}", "deadline": q.deadline.isoformat()},
        )
        for q, dept_id in late
        if (q.plan_id, dept_id, f"late:{q.period_key}") not in existing
    ]
    ScoreEvent.objects.bulk_create(new, ignore_conflicts=True)
    by_plan: dict[int, set[int]] = defaultdict(set)
    plans = {}
    for ev in new:
        by_plan[ev.plan_id].add(ev.department_id)
        plans[ev.plan_id] = ev.plan
    for plan_id, depts in by_plan.items():
        audit_log(
            "assessments.event.late_report_recorded",
            obj=plans[plan_id],
            data={"departments": sorted(depts), "rule": plans[plan_id].late_report_rule.code},
        )
        scores_mark_dirty(plan=plans[plan_id], department_ids=sorted(depts))
    return len(new)


@transaction.atomic
def send_lag_warnings(today: dt.date | None = None) -> int:
    """Lag ≥ the plan's threshold on the latest submitted or approved values warns the department
    and the supervision office, once per assignment and quarter."""
    today = today or timezone.localdate()
    # The latest quarter each department reported with a lag (submitted or approved) decides: read
    # the reports first (one a department and quarter), then only the lagging entries of the
    # latest ones; the lag threshold is compared in SQL (lag ≥ threshold, as in is_lagging).
    reports = (
        Report.objects.filter(quarter__plan__status=Plan.Status.ACTIVE, status__in=SUBMITTED)
        .filter(Exists(Entry.objects.filter(report_id=OuterRef("pk"), lag__isnull=False)))
        .order_by()
        .values_list("pk", "department_id", "quarter__number")
    )
    latest: dict[int, int] = {}
    numbers: dict[int, tuple[int, int]] = {}
    for pk, d, number in reports:
        latest[d] = max(latest.get(d, 0), number)
        numbers[pk] = (d, number)
    current = [pk for pk, (d, number) in numbers.items() if number == latest[d]]
    rows = (
        Entry.objects.filter(
            report_id__in=current, lag__isnull=False, lag__gte=F("report__quarter__plan__lag_threshold")
        )
        .order_by()
        .values(
            "assignment_id",
            "lag",
            "report__department_id",
            "report__quarter__number",
            "report__quarter__plan__year",
            "report__quarter__plan__lag_threshold",
            "assignment__indicator__name",
        )
        if current
        else []
    )
    keys, info = [], {}
    for r in rows:
        if not is_lagging(r["lag"], r["report__quarter__plan__lag_threshold"]):
            continue
        d = r["report__department_id"]
        period = f"{r['report__quarter__plan__year']}Q{r['report__quarter__number']}"
        key = ("lag", d, period, "warning", f"a{r['assignment_id']}")
        keys.append(key)
        info[key] = r
    claimed = claim_alerts(keys)
    if not claimed:
        return 0
    people, supervisors = _people({k[1] for k in claimed})
    names = _names({k[1] for k in claimed})
    per_dept: dict[tuple[int, str], list[dict]] = defaultdict(list)
    for key in claimed:
        per_dept[(key[1], key[2])].append(info[key])
    messages, summary = [], []
    for (dept_id, period), items in sorted(per_dept.items()):
        lines = "\n".join(f"· {i['assignment__indicator__name']}: {i['lag']}" for i in items)
        messages.append(
            {
                "users": people.get(dept_id, []),
                "kind": "progress.lag",
                "level": "warning",
                "title": _("Lag warning: %(n)s indicator(s) behind plan by %(t)s points or more in %(period)s")
                % {"n": len(items), "t": items[0]["report__quarter__plan__lag_threshold"], "period": period},
                "body": lines,
                "link": reverse("assessments:dashboard"),
            }
        )
        summary.append(f"{names.get(dept_id, dept_id)} ({period}):\n{lines}")
    messages.append(
        {
            "users": supervisors,
            "kind": "progress.lag",
            "level": "warning",
            "title": _("Lag warnings for %(n)s department(s)") % {"n": len(per_dept)},
            "body": "\n\n".join(summary),
            "link": reverse("assessments:health"),
        }
    )
    notify_many(messages)
    return len(claimed)


def refresh_input_states(today: dt.date | None = None) -> int:
    """Mark a plan's scores for recomputation when the calendar alone changed their inputs.

    An input turns from pending to missing the day after its quarter's deadline, and a quarter
    gets scores from its first day; neither is a write that would mark the scores itself. Each
    plan remembers the day it was last brought up to date (``states_as_of``), so a day missed by
    the scheduler is caught up, and running this twice marks once. Returns the plans marked.
    """
    from .recompute import scores_mark_dirty

    today = today or timezone.localdate()
    marked = 0
    plans = Plan.objects.exclude(status=Plan.Status.CLOSED).prefetch_related("quarters")
    for plan in plans:
        since = plan.states_as_of
        if since is not None and since >= today:
            continue
        milestones = [d for q in plan.quarters.all() for d in (q.period_start, q.deadline + dt.timedelta(days=1))]
        if since is None or any(since < d <= today for d in milestones):
            with transaction.atomic():
                if Plan.objects.filter(pk=plan.pk, states_as_of=since).update(states_as_of=today):
                    scores_mark_dirty(plan=plan)
                    marked += 1
        else:
            Plan.objects.filter(pk=plan.pk, states_as_of=since).update(states_as_of=today)
    return marked
