"""Reads of quarterly reports: a user's reports and entries, the review queue, the reporting
health of a plan and a department's start page."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Count, Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from core.roles import DEPARTMENT_ROLES, P, own_only
from organizations.models import Department, User
from organizations.selectors import scope_to_user

from ..models import (
    Assignment,
    Entry,
    EntryReview,
    Evidence,
    Plan,
    Quarter,
    Report,
    ReportStatus,
    Score,
)
from .plans import current_quarter

# --- Reports ---------------------------------------------------------------------------------


def reports_for_user(*, user) -> QuerySet[Report]:
    qs = Report.objects.select_related("quarter__plan", "department__group", "submitted_by")
    return scope_to_user(qs, user=user, all_perm=P.READ_ALL_REPORTS, own_perm=P.READ_OWN_REPORTS)


def report_get_for_user(*, user, pk: int, own: bool = False) -> Report:
    """The report if the user may see it; otherwise 404 (its existence is not revealed). ``own``: only
    for the department's own filer or head, for what the department alone does with it."""
    reports = reports_for_user(user=user)
    try:
        return (own_only(reports, user) if own else reports).get(pk=pk)
    except Report.DoesNotExist:
        raise Http404 from None


def entries_for_report(report: Report) -> list[Entry]:
    """Entries with what the form shows beside them, in a constant number of queries:
    last quarter's value, the evidence, and the reviewer's latest comment."""
    entries = report.entries.select_related("assignment__indicator__category", "updated_by").prefetch_related(
        Prefetch("evidence", queryset=Evidence.objects.filter(removed_at__isnull=True))
    )
    if report.quarter.number > 1:
        # Last quarter's value of the same assignment, read with the entries.
        entries = entries.annotate(
            previous_value=Subquery(
                Entry.objects.filter(
                    report__department_id=report.department_id,
                    report__quarter__plan_id=report.quarter.plan_id,
                    report__quarter__number=report.quarter.number - 1,
                    assignment_id=OuterRef("assignment_id"),
                ).values("actual_value")[:1]
            )
        )
    if report.revision:
        # Reviews exist only for a report submitted at least once (each belongs to a revision).
        entries = entries.prefetch_related(
            Prefetch(
                "reviews",
                queryset=EntryReview.objects.select_related("reviewer", "revision").order_by("-at", "-id"),
                to_attr="review_history",
            )
        )
    entries = list(
        entries.order_by(
            "assignment__indicator__category__order", "assignment__indicator__order", "assignment__indicator__code"
        )
    )
    for e in entries:
        if report.quarter.number == 1:
            e.previous_value = None
        if not report.revision:
            e.review_history = []
        e.planned_pct = e.assignment.planned(report.quarter.number)
    return entries


def review_queue(
    *, user, quarter: Quarter | None = None, group: str = "", status: str = "", lateness: str = ""
) -> list[dict]:
    """Reports to review, one row per department and quarter (missing ones too, when asked)."""
    reports = reports_for_user(user=user).annotate(
        n_entries=Count("entries"),
        n_returned=Count("entries", filter=Q(entries__review_state="returned")),
        n_lagging=Count("entries", filter=Q(entries__status_colour__in=["behind", "at_risk"])),
    )
    if quarter is not None:
        reports = reports.filter(quarter=quarter)
    if group:
        reports = reports.filter(department__group__code=group)
    if status:
        reports = reports.filter(status=status)
    else:
        reports = reports.exclude(status=ReportStatus.DRAFT)
    if lateness == "late":
        reports = reports.filter(is_late=True)
    elif lateness == "on_time":
        reports = reports.filter(is_late=False)
    rows = [
        {"report": r, "department": r.department, "quarter": r.quarter}
        for r in reports.order_by("status", "submitted_at")
    ]
    if lateness == "missing" and quarter is not None:
        submitted = set(
            Report.objects.filter(
                quarter=quarter, status__in=[ReportStatus.SUBMITTED, ReportStatus.APPROVED]
            ).values_list("department_id", flat=True)
        )
        depts = Department.objects.filter(assignments__plan_id=quarter.plan_id).distinct().select_related("group")
        if group:
            depts = depts.filter(group__code=group)
        rows = [{"report": None, "department": d, "quarter": quarter} for d in depts if d.pk not in submitted]
    return rows


def review_next(*, user, report: Report) -> dict:
    """The next report awaiting review in the queue's order (oldest submission first, wrapping round
    to the start) and how many await review besides this one: the reviewer's "下一份"."""
    waiting = (
        reports_for_user(user=user)
        .filter(status=ReportStatus.SUBMITTED)
        .exclude(pk=report.pk)
        .order_by("submitted_at", "pk")
        .select_related("department", "quarter__plan")
    )
    remaining = waiting.count()
    following = None
    if remaining and report.submitted_at is not None:
        following = waiting.filter(
            Q(submitted_at__gt=report.submitted_at) | Q(submitted_at=report.submitted_at, pk__gt=report.pk)
        ).first()
    return {"next": following or (waiting.first() if remaining else None), "remaining": remaining}


HEALTH_STATES = ("on_time", "late", "missing", "pending")


def reporting_health(*, plan: Plan, today: dt.date | None = None, group: str = "", state: str = "") -> dict:
    """Per quarter and department: expected, submitted, on time, late, missing; per filer the last update.

    ``group`` keeps one ranking group's departments, ``state`` those with at least one quarter in
    that state. ``reports`` maps department → quarter → report id, for links.
    Computed with aggregates: a constant number of queries whatever the number of departments.
    """
    today = today or timezone.localdate()
    quarters = list(plan.quarters.all())
    expected = set(Assignment.objects.filter(plan=plan, is_active=True).values_list("department_id", flat=True))
    departments = Department.objects.filter(pk__in=expected).select_related("group").order_by("order", "code")
    if group:
        departments = departments.filter(group__code=group)
    departments = list(departments)
    reports = {
        (r["quarter_id"], r["department_id"]): r
        for r in Report.objects.filter(quarter__plan=plan).values(
            "id", "quarter_id", "department_id", "status", "is_late", "first_submitted_at", "submitted_at"
        )
    }
    report_ids: dict[int, dict[int, int]] = defaultdict(dict)
    for (q_id, d_id), r in reports.items():
        report_ids[d_id][q_id] = r["id"]
    if state in HEALTH_STATES:
        departments = [d for d in departments if state in _health_states(d, quarters, reports, today)]
    cells: dict[int, dict[int, str]] = defaultdict(dict)
    totals = {
        q.pk: {"expected": 0, "submitted": 0, "on_time": 0, "late": 0, "missing": 0, "pending": 0} for q in quarters
    }
    for q in quarters:
        due = q.deadline < today
        for d in departments:
            r = reports.get((q.pk, d.pk))
            if q.period_start > today:
                cells[d.pk][q.pk] = "future"
                continue
            t = totals[q.pk]
            t["expected"] += 1
            first = r["first_submitted_at"] if r else None
            if first is not None:
                t["submitted"] += 1
                on_time = timezone.localtime(first).date() <= q.deadline
                t["on_time" if on_time else "late"] += 1
                cells[d.pk][q.pk] = "on_time" if on_time else "late"
            elif due:
                t["missing"] += 1
                cells[d.pk][q.pk] = "missing"
            else:
                t["pending"] += 1
                cells[d.pk][q.pk] = "pending"
    last_updates = dict(
        Entry.objects.filter(report__quarter__plan=plan, updated_by__isnull=False)
        .values("updated_by")
        .annotate(last=Max("updated_at"))
        .values_list("updated_by", "last")
    )
    filers = list(
        User.objects.filter(
            role__in=list(DEPARTMENT_ROLES), is_active=True, department_id__in=[d.pk for d in departments]
        )
        .select_related("department")
        .order_by("department__order", "username")
    )
    for f in filers:
        f.last_update = last_updates.get(f.pk)
        f.days_since = (today - timezone.localtime(f.last_update).date()).days if f.last_update else None
    return {
        "quarters": quarters,
        "departments": departments,
        "cells": cells,
        "reports": report_ids,
        # Departments with a begun quarter not filed: those the office may remind (催报).
        "outstanding": {d for d, row in cells.items() if {"missing", "pending"} & set(row.values())},
        "totals": totals,
        "filers": filers,
    }


def _health_states(department, quarters, reports, today) -> set[str]:
    out = set()
    for q in quarters:
        if q.period_start > today:
            continue
        r = reports.get((q.pk, department.pk))
        first = r["first_submitted_at"] if r else None
        if first is not None:
            out.add("on_time" if timezone.localtime(first).date() <= q.deadline else "late")
        else:
            out.add("missing" if q.deadline < today else "pending")
    return out


def dashboard_for_department(*, user, plan: Plan, today: dt.date | None = None) -> dict:
    """What a filer or head sees first: the quarter, its deadline, their report, lagging and returned
    items, and the latest notifications."""
    today = today or timezone.localdate()
    quarter = current_quarter(plan, today)
    report = Report.objects.filter(quarter=quarter, department_id=user.department_id).first() if quarter else None
    entries = list(report.entries.select_related("assignment__indicator")) if report else []
    previous = [q for q in plan.quarters.all() if quarter and q.number < quarter.number]
    returned_reports = list(
        Report.objects.filter(
            quarter__plan=plan, department_id=user.department_id, status=ReportStatus.RETURNED
        ).select_related("quarter")
    )
    has_score = (
        Score.objects.filter(department_id=user.department_id, published=True)
        .select_related("plan", "department")
        .order_by("-plan__year", "-published_at")
    )
    return {
        "quarter": quarter,
        "days_left": (quarter.deadline - today).days if quarter else None,
        "overdue_days": max(0, (today - quarter.deadline).days) if quarter else 0,
        "report": report,
        "lagging": [e for e in entries if e.status_colour in ("behind", "at_risk")],
        "returned_entries": [e for e in entries if e.review_state == "returned"],
        "returned_reports": returned_reports,
        "previous_quarters": previous,
        "published_scores": list(has_score[:5]),
    }
