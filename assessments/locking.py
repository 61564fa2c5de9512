"""Row locks of the assessments app: only the row meant, in one order (docs/architecture.md).

On PostgreSQL ``select_for_update()`` combined with ``select_related()`` locks every joined row;
an autosave would then hold the year's single Plan row, its Quarter, Assignment and Indicator
for the length of its transaction, and every other department's autosave — and every
recomputation inserting scores that reference the plan — would wait on it. So each helper locks
one table's row (``of=("self",)``), with ``no_key=True`` (FOR NO KEY UPDATE) where the key is
untouched, so rows that only reference it (a score's plan, a revision's report) never wait.

The order is always report, then entry: a save of an entry and a submission of its report lock
in the same order and cannot deadlock. The related rows a service needs are read after the lock,
unlocked (they are not changed by the service).
"""

from __future__ import annotations

from .models import Appeal, Assignment, Entry, Plan, Report


def lock_report(pk: int) -> Report:
    """The report, locked; its quarter, plan and department read alongside without locks."""
    return (
        Report.objects.select_for_update(of=("self",), no_key=True)
        .select_related("quarter__plan", "department")
        .get(pk=pk)
    )


def lock_entry(pk: int, *, report_id: int | None = None) -> Entry:
    """The entry, locked after its report (the one order of the app); the rows it points to are
    read, not locked."""
    if report_id is None:
        report_id = Entry.objects.values_list("report_id", flat=True).get(pk=pk)
    Report.objects.select_for_update(of=("self",), no_key=True).filter(pk=report_id).values_list("pk").first()
    return (
        Entry.objects.select_for_update(of=("self",), no_key=True)
        .select_related("report__quarter__plan", "assignment__indicator")
        .get(pk=pk)
    )


def lock_plan(pk: int) -> Plan:
    """The year's plan, for a change of its own settings."""
    return Plan.objects.select_for_update(of=("self",), no_key=True).select_related("library").get(pk=pk)


def lock_assignment(pk: int) -> Assignment:
    return Assignment.objects.select_for_update(of=("self",), no_key=True).get(pk=pk)


def lock_appeal(pk: int) -> Appeal:
    return (
        Appeal.objects.select_for_update(of=("self",), no_key=True)
        .select_related("score__plan", "score__department")
        .get(pk=pk)
    )
