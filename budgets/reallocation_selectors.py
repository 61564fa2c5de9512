"""Reads of budget reallocations (预算调剂): the money a project or tranche can give, and the
requests a user may see (docs/budgets.md, "Budget reallocation")."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Q, QuerySet, Sum

from .choices import ProjectStatus, TrancheStatus
from .models import BudgetProject, Reallocation, ReallocationStatus, SpendingRecord, Tranche
from .selectors import scoped

ZERO = Decimal(0)


def available_from(*, project: BudgetProject, tranche: Tranche | None = None, exclude_pending_of=None) -> Decimal:
    """The money that may leave ``project`` (or its unreleased ``tranche``): neither spent nor planned.

    From a tranche: its amount less what was spent from it. From the project itself: its amount less
    the money planned in tranches and less the spending outside any tranche. Pending requests from
    the same project and tranche are subtracted (their money is asked for already), except the one
    given as ``exclude_pending_of``; an approval checks again without them.
    """
    if tranche is not None:
        spent = SpendingRecord.objects.filter(tranche=tranche).aggregate(s=Sum("amount"))["s"] or ZERO
        left = tranche.amount - spent
    else:
        planned = Tranche.objects.filter(project=project).aggregate(s=Sum("amount"))["s"] or ZERO
        loose = (
            SpendingRecord.objects.filter(project=project, tranche__isnull=True).aggregate(s=Sum("amount"))["s"] or ZERO
        )
        left = project.amount - planned - loose
    if exclude_pending_of is not False:
        pending = Reallocation.objects.filter(source=project, source_tranche=tranche, status=ReallocationStatus.PENDING)
        if exclude_pending_of is not None:
            pending = pending.exclude(pk=exclude_pending_of.pk)
        left -= pending.aggregate(s=Sum("amount"))["s"] or ZERO
    return max(left, ZERO)


def source_projects(*, department_id: int, year: int) -> QuerySet[BudgetProject]:
    """The department's approved projects of the year: where money may come from or go to."""
    return BudgetProject.objects.filter(department_id=department_id, year=year, status=ProjectStatus.APPROVED).order_by(
        "code"
    )


def source_tranches(*, department_id: int, year: int) -> QuerySet[Tranche]:
    """Unreleased tranches of those projects."""
    return (
        Tranche.objects.filter(
            project__department_id=department_id, project__year=year, project__status=ProjectStatus.APPROVED
        )
        .exclude(status=TrancheStatus.RELEASED)
        .select_related("project")
        .order_by("project__code", "order", "pk")
    )


def reallocations_for_user(
    *, user, year: int | None = None, status: str = "", department: str = "", project: int | None = None
) -> QuerySet[Reallocation]:
    """Requests the user may see (a department its own), with the filters of the list page and the API."""
    qs = scoped(
        Reallocation.objects.select_related(
            "department", "source", "target", "source_tranche", "requested_by", "decided_by"
        ),
        user=user,
    )
    if year:
        qs = qs.filter(year=year)
    if status in ReallocationStatus.values:
        qs = qs.filter(status=status)
    if department:
        qs = qs.filter(department__code=department)
    if project:
        qs = qs.filter(Q(source_id=project) | Q(target_id=project))
    return qs


def reallocations_of(*, project: BudgetProject) -> QuerySet[Reallocation]:
    return Reallocation.objects.filter(Q(source=project) | Q(target=project)).select_related("source", "target")


def returned_to_pool(*, year: int) -> Decimal:
    """The money of approved requests given back to the pool in the year."""
    return (
        Reallocation.objects.filter(year=year, status=ReallocationStatus.APPROVED, target__isnull=True).aggregate(
            s=Sum("amount")
        )["s"]
        or ZERO
    )
