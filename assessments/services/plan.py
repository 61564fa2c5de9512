"""Plans, quarters and assignments."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import audit_log, snapshot
from core.errors import ApplicationError, ConflictError
from indicators.choices import Applicability, ValueType
from indicators.methods import InputKind, method_of
from indicators.models import Indicator, Library
from organizations.models import Department

from ..locking import lock_assignment, lock_plan
from ..models import Assignment, Plan, Quarter

CUMULATIVE_PLAN = (Decimal(25), Decimal(50), Decimal(75), Decimal(100))
LEVEL_PLAN = (Decimal(100), Decimal(100), Decimal(100), Decimal(100))


def default_deadline(year: int, quarter: int) -> dt.date:
    """The 10th day of the month after the quarter (Q4: 10 January of the next year)."""
    month = quarter * 3 + 1
    return dt.date(year + 1, 1, 10) if month == 13 else dt.date(year, month, 10)


@transaction.atomic
def plan_create(*, library: Library, actor, name: str | None = None, **settings) -> Plan:
    """Open the year's plan with four quarters and default deadlines."""
    if Plan.objects.filter(year=library.year).exists():
        raise ApplicationError(_("The plan for %(year)s already exists.") % {"year": library.year}, field="library")
    plan = Plan(
        library=library,
        year=library.year,
        name=name or _("%(year)s performance assessment plan") % {"year": library.year},
        **settings,
    )
    plan.full_clean()
    plan.save()
    for n in range(1, 5):
        quarter = Quarter(plan=plan, number=n, deadline=default_deadline(library.year, n))
        quarter.full_clean()
        quarter.save()
    audit_log("assessments.plan.created", actor=actor, obj=plan, after=snapshot(plan))
    return plan


@transaction.atomic
def plan_update(*, plan: Plan, data: dict, actor, expected_version: int | None = None) -> Plan:
    current = lock_plan(plan.pk)
    if expected_version is not None and current.version != expected_version:
        raise ConflictError(_("Someone else changed the plan after you opened it. Reload and try again."))
    before = snapshot(current)
    for field, value in data.items():
        setattr(current, field, value)
    current.full_clean()
    current.version += 1
    current.save()
    audit_log("assessments.plan.updated", actor=actor, obj=current, before=before, after=snapshot(current))
    from ..recompute import scores_mark_dirty

    scores_mark_dirty(plan=current)
    return current


@transaction.atomic
def quarter_update(*, quarter: Quarter, deadline: dt.date, close_after_days: int, actor) -> Quarter:
    before = snapshot(quarter)
    quarter.deadline = deadline
    quarter.close_after_days = close_after_days
    quarter.full_clean()
    quarter.save()
    audit_log("assessments.quarter.updated", actor=actor, obj=quarter, before=before, after=snapshot(quarter))
    return quarter


@transaction.atomic
def quarter_reopen(*, quarter: Quarter, until: dt.date, actor, reason: str) -> Quarter:
    """Reopen a closed quarter until a date: reports may be saved and submitted again until then."""
    from django.utils import timezone

    if not reason.strip():
        raise ApplicationError(_("Give the reason for reopening."), field="reason")
    if until < timezone.localdate():
        raise ApplicationError(_("The date must be today or later."), field="until")
    before = snapshot(quarter)
    quarter.reopened_until = until
    quarter.save(update_fields=["reopened_until"])
    audit_log(
        "assessments.quarter.reopened",
        actor=actor,
        obj=quarter,
        before=before,
        after=snapshot(quarter),
        data={"reason": reason},
    )
    return quarter


def _defaults(indicator: Indicator) -> dict:
    planned = LEVEL_PLAN if indicator.value_type == ValueType.LEVEL else CUMULATIVE_PLAN
    return {
        "basic_target": indicator.basic_target,
        "challenge_target": indicator.challenge_target,
        "range_upper": indicator.range_upper,
        **{f"planned_q{i}": planned[i - 1] for i in range(1, 5)},
    }


@transaction.atomic
def assign_all(*, plan: Plan, actor) -> int:
    """Assign every active common indicator to every active department, and each individual
    indicator to its departments, with targets and planned progress from the library.

    Existing assignments are left as they are. Returns how many were created.
    """
    indicators = list(Indicator.objects.filter(library=plan.library, is_active=True).prefetch_related("departments"))
    departments = list(Department.objects.filter(is_active=True))
    existing = set(Assignment.objects.filter(plan=plan).values_list("department_id", "indicator_id"))
    new = []
    for ind in indicators:
        targets = departments if ind.applicability == Applicability.COMMON else list(ind.departments.all())
        for dept in targets:
            if (dept.pk, ind.pk) not in existing:
                new.append(Assignment(plan=plan, department=dept, indicator=ind, **_defaults(ind)))
    Assignment.objects.bulk_create(new, batch_size=1000)
    if new:
        audit_log("assessments.assignment.bulk_created", actor=actor, obj=plan, data={"created": len(new)})
        from ..recompute import scores_mark_dirty

        scores_mark_dirty(plan=plan)
    return len(new)


@transaction.atomic
def assignment_save(*, assignment: Assignment, data: dict, actor, expected_version: int | None = None) -> Assignment:
    creating = assignment.pk is None
    if not creating:
        current = lock_assignment(assignment.pk)
        if expected_version is not None and current.version != expected_version:
            raise ConflictError(_("Someone else changed this assignment after you opened it. Reload and try again."))
        assignment = current
    else:
        for k, v in _defaults(data.get("indicator") or assignment.indicator).items():
            data.setdefault(k, v)
    before = None if creating else snapshot(assignment)
    for field, value in data.items():
        setattr(assignment, field, value)
    assignment.full_clean()
    if not creating:
        assignment.version += 1
    assignment.save()
    audit_log(
        f"assessments.assignment.{'created' if creating else 'updated'}",
        actor=actor,
        obj=assignment,
        before=before,
        after=snapshot(assignment),
    )
    from ..recompute import scores_mark_dirty

    scores_mark_dirty(plan=assignment.plan, department_ids=[assignment.department_id])
    return assignment


def reportable(indicator: Indicator) -> bool:
    """Departments report on every indicator except those scored from the surveys."""
    return method_of(indicator.method).input != InputKind.SURVEY
