"""The ledger in the annual assessment (docs/rectification.md, "Results use"): where the year's
setting names a deduction rule, each department's overdue items become one keyed deduction event
of the year's plan, its occurrences the number of overdue items — then scored like any other
event, the rule's points per occurrence and its cap applying, and shown in the score ledger.

An item counts as overdue once its deadline has passed without a submission that was then
approved: still not closed after the deadline, or closed on a late submission. Idempotent: one
event per plan × department × rule (key ``rectification:<year>``), its occurrences brought up to date.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import Plan, ScoreEvent
from assessments.recompute import scores_mark_dirty
from audit.services import audit_log

from .models import Item, Status, YearSetting


def overdue_counts(*, year: int, today: dt.date) -> Counter:
    late = Q(status=Status.CLOSED, closed_on_time=False) | (~Q(status=Status.CLOSED) & Q(deadline__lt=today))
    return Counter(Item.objects.filter(year=year).filter(late).values_list("department_id", flat=True))


@transaction.atomic
def record_overdue_deductions(today: dt.date | None = None, *, year: int | None = None) -> int:
    """Bring the year's rectification deduction events up to date; returns the departments changed."""
    today = today or timezone.localdate()
    year = year or today.year
    setting = YearSetting.objects.filter(year=year, overdue_rule__isnull=False).select_related("overdue_rule").first()
    if setting is None:
        return 0
    rule = setting.overdue_rule
    plan = Plan.objects.filter(year=year, library_id=rule.library_id).order_by("pk").first()
    if plan is None:
        return 0
    key = f"rectification:{year}"
    counts = overdue_counts(year=year, today=today)
    existing = {
        e.department_id: e
        for e in ScoreEvent.objects.select_for_update().filter(
            plan=plan, rule=rule, source=ScoreEvent.Source.RECTIFICATION, source_key=key
        )
    }
    changed = []
    for dept_id, n in sorted(counts.items()):
        note = _("%(n)s rectification item(s) of %(year)s overdue.") % {"n": n, "year": year}
        event = existing.get(dept_id)
        if event is None:
            ScoreEvent.objects.create(
                plan=plan,
                rule=rule,
                department_id=dept_id,
                date=min(today, dt.date(year, 12, 31)),
                occurrences=n,
                source=ScoreEvent.Source.RECTIFICATION,
                source_key=key,
                note=note,
            )
            changed.append(dept_id)
        elif event.voided_at is None and event.occurrences != n:  # a withdrawn event stays withdrawn
            ScoreEvent.objects.filter(pk=event.pk).update(occurrences=n, note=note)
            changed.append(dept_id)
    if changed:
        audit_log(
            "rectification.deductions.recorded",
            obj=plan,
            data={"departments": changed, "rule": rule.code, "counts": {d: counts[d] for d in changed}},
        )
        scores_mark_dirty(plan=plan, department_ids=changed)
    return len(changed)
