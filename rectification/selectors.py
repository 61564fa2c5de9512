"""Reads of the rectification ledger, scoped to the user (docs/rectification.md)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import QuerySet
from django.utils import timezone

from core.roles import P, own_only
from organizations.selectors import scope_to_user

from .models import Item, Source, Status


def items_for_user(
    *,
    user,
    year: int | None = None,
    source: str = "",
    status: str = "",
    department: str = "",
    overdue: bool | None = None,
    today: dt.date | None = None,
) -> QuerySet[Item]:
    """Items the user may see (a department its own, the issuers and leaders all), filtered."""
    qs = scope_to_user(
        Item.objects.select_related("department", "issued_by"),
        user=user,
        all_perm=P.READ_ALL_RECTIFICATION,
        own_perm=P.READ_OWN_RECTIFICATION,
    )
    if year:
        qs = qs.filter(year=year)
    if source in Source.values:
        qs = qs.filter(source=source)
    if status in Status.values:
        qs = qs.filter(status=status)
    if department:
        qs = qs.filter(department__code=department)
    if overdue is not None:
        qs = overdue_or_not(qs, overdue=overdue, today=today)
    return qs.order_by("deadline", "department__order", "pk")


def overdue_or_not(qs: QuerySet[Item], *, overdue: bool, today: dt.date | None = None) -> QuerySet[Item]:
    """Of ``qs``, the items past their deadline and not closed (``overdue``), or the others."""
    late = {"deadline__lt": today or timezone.localdate()}
    if overdue:
        return qs.filter(**late).exclude(status=Status.CLOSED)
    return qs.exclude(pk__in=Item.objects.filter(**late).exclude(status=Status.CLOSED).values("pk"))


def item_get_for_user(*, user, pk: int, own: bool = False) -> Item:
    """The item if the user may see it; ``Item.DoesNotExist`` otherwise (its existence is not revealed).
    ``own``: only for the department's own users, for what the department alone does with it."""
    items = items_for_user(user=user)
    return (own_only(items, user) if own else items).get(pk=pk)


def items_from_source(*, user, source: str, source_id: int) -> list[Item]:
    return list(items_for_user(user=user).filter(source=source, source_id=source_id))


@dataclasses.dataclass
class Rate:
    department: object
    due: int
    closed_on_time: int
    open: int
    overdue: int

    @property
    def rate(self) -> Decimal | None:
        """Closed on time ÷ due, in percent; None when nothing was due."""
        if not self.due:
            return None
        return (Decimal(self.closed_on_time) * 100 / self.due).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def rectification_rates(*, user, year: int, today: dt.date | None = None) -> list[Rate]:
    """Per department: items due (deadline passed, or closed), those closed on time, open and overdue."""
    today = today or timezone.localdate()
    rows: dict[int, Rate] = {}
    for item in (
        items_for_user(user=user, year=year)
        .select_related(None)
        .select_related("department")
        .only("id", "department", "status", "deadline", "closed_on_time", "department__name", "department__order")
    ):
        r = rows.setdefault(item.department_id, Rate(item.department, 0, 0, 0, 0))
        is_due = item.deadline < today or item.status == Status.CLOSED
        if is_due:
            r.due += 1
        if item.status == Status.CLOSED and item.closed_on_time:
            r.closed_on_time += 1
        if item.status != Status.CLOSED:
            r.open += 1
            if item.deadline < today:
                r.overdue += 1
    return sorted(rows.values(), key=lambda r: (r.department.order, r.department.name))


def closed_counts(*, year: int) -> dict[str, int]:
    """For the public page: items raised and closed in a year (no department data)."""
    qs = Item.objects.filter(year=year)
    return {
        "total": qs.count(),
        "closed": qs.filter(status=Status.CLOSED).count(),
        "closed_on_time": qs.filter(status=Status.CLOSED, closed_on_time=True).count(),
    }


def open_items_of(*, department_id: int, year: int, today: dt.date | None = None) -> list[Item]:
    """A department's items of a year not closed (for its next year's budget recommendation)."""
    return list(
        Item.objects.filter(department_id=department_id, year=year).exclude(status=Status.CLOSED).order_by("deadline")
    )


def setting_for(year: int):
    from .models import YearSetting

    return YearSetting.objects.filter(year=year).select_related("overdue_rule").first() or YearSetting(year=year)


def discloses(*, year: int) -> bool:
    from .models import YearSetting

    return YearSetting.objects.filter(year=year, disclose_counts=True).exists()
