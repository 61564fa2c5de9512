"""Reads of plans and their quarters, and the period a page opens on."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from ..models import (
    Plan,
    Publication,
    Quarter,
)


def plans_list() -> QuerySet[Plan]:
    return Plan.objects.select_related("library").order_by("-year")


def plan_get(*, year: int) -> Plan:
    try:
        return Plan.objects.select_related("library", "late_report_rule").get(year=year)
    except Plan.DoesNotExist:
        raise Http404 from None


def current_plan(today: dt.date | None = None) -> Plan | None:
    today = today or timezone.localdate()
    return (
        Plan.objects.filter(year=today.year).select_related("library").first()
        or Plan.objects.filter(status=Plan.Status.ACTIVE).select_related("library").order_by("-year").first()
        or Plan.objects.select_related("library").order_by("-year").first()
    )


def current_quarter(plan: Plan, today: dt.date | None = None) -> Quarter | None:
    """The quarter being reported now: begun, deadline not passed; else the latest begun one."""
    today = today or timezone.localdate()
    quarters = list(plan.quarters.all())
    for q in quarters:
        if q.period_start <= today <= q.deadline:
            return q
    begun = [q for q in quarters if q.period_start <= today]
    return begun[-1] if begun else (quarters[0] if quarters else None)


def default_period(*, plan: Plan, periods: list[str], today: dt.date | None = None) -> str:
    """The period a page opens on: the year once its last quarter's deadline has passed (or its
    results are published); during the year, the latest quarter whose deadline has passed — the
    latest one whose scores rest on filed reports — else the latest period there is."""
    if not periods:
        return "annual"
    today = today or timezone.localdate()
    deadlines = {f"Q{n}": d for n, d in plan.quarters.values_list("number", "deadline")}
    if "annual" in periods and (
        today > deadlines.get("Q4", dt.date(plan.year + 1, 1, 10))
        or Publication.objects.filter(plan=plan, period="annual").exists()
    ):
        return "annual"
    due = [p for p in periods if p in deadlines and deadlines[p] < today]
    return due[-1] if due else periods[-1]
