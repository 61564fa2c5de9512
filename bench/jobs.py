"""The monitoring jobs (one run each): deadline reminders, overdue alerts, lag warnings; the
budget-execution warnings and the pause of unanswered ones; the rectification alerts.

Each run is measured inside a transaction that is rolled back, so every repetition does the
whole job (claims its alert keys, writes its notifications and late-report deductions) on the
same data. The query count is compared with a run on 20 of the departments.
"""

from __future__ import annotations

import datetime as dt
import time

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from .common import Row, bare_read, median_of, ratio, say

# What the jobs read, as the minimal SQL (quarters, assessed departments, reports, people; the
# lag scan reads the submitted entries with their lag).
READS = {
    "reminders": [
        "SELECT q.id, q.number, q.deadline, p.year, p.reminder_days FROM assessments_quarter q "
        "JOIN assessments_plan p ON p.id = q.plan_id WHERE p.status = 'active'",
        "SELECT DISTINCT plan_id, department_id FROM assessments_assignment WHERE plan_id = %(plan)s AND is_active",
        "SELECT quarter_id, department_id, status FROM assessments_report r JOIN assessments_quarter q "
        "ON q.id = r.quarter_id WHERE q.plan_id = %(plan)s AND q.number = 3",
        "SELECT id, role, department_id, email FROM organizations_user WHERE is_active "
        "AND role IN ('filer', 'dept_head', 'supervisor')",
    ],
    "overdue": [
        "SELECT q.id, q.number, q.deadline, p.year, p.escalation_days, p.late_report_rule_id "
        "FROM assessments_quarter q JOIN assessments_plan p ON p.id = q.plan_id WHERE p.status = 'active'",
        "SELECT DISTINCT plan_id, department_id FROM assessments_assignment WHERE plan_id = %(plan)s AND is_active",
        "SELECT r.quarter_id, r.department_id, r.status, r.first_submitted_at FROM assessments_report r "
        "JOIN assessments_quarter q ON q.id = r.quarter_id WHERE q.plan_id = %(plan)s",
        "SELECT id, name FROM organizations_department",
        "SELECT id, role, department_id, email FROM organizations_user WHERE is_active "
        "AND role IN ('filer', 'dept_head', 'supervisor')",
        "SELECT plan_id, department_id, source_key FROM assessments_scoreevent WHERE source = 'late_report'",
    ],
    "execution": [
        "SELECT p.id, p.department_id, p.amount, coalesce(sum(s.amount), 0) FROM budgets_budgetproject p "
        "LEFT JOIN budgets_spendingrecord s ON s.project_id = p.id WHERE p.year = %(year)s AND p.status = 'approved' "
        "GROUP BY p.id",
        "SELECT t.project_id, t.indicator_id FROM budgets_budgettarget t JOIN budgets_budgetproject p "
        "ON p.id = t.project_id WHERE p.year = %(year)s AND t.indicator_id IS NOT NULL",
        "SELECT id, role, department_id, email FROM organizations_user WHERE is_active "
        "AND role IN ('filer', 'dept_head', 'finance')",
    ],
    "lapsed": [
        "SELECT id, project_id, department_id, checkpoint, respond_by FROM monitoring_monitoringwarning "
        "WHERE status = 'open' AND respond_by < %(today)s",
        "SELECT id, project_id, status FROM budgets_tranche WHERE status IN ('open', 'held')",
        "SELECT id, role, department_id, email FROM organizations_user WHERE is_active "
        "AND role IN ('filer', 'dept_head', 'finance')",
    ],
    "rectification": [
        "SELECT id, department_id, deadline, issuer, title FROM rectification_item "
        "WHERE status = 'open' AND deadline <= %(today)s",
        "SELECT id, role, department_id, email FROM organizations_user WHERE is_active "
        "AND role IN ('filer', 'dept_head', 'supervisor', 'finance')",
    ],
    "lag": [
        "SELECT e.assignment_id, e.lag, r.department_id, r.quarter_id, q.number, p.year, p.lag_threshold, i.name "
        "FROM assessments_entry e JOIN assessments_report r ON r.id = e.report_id "
        "JOIN assessments_quarter q ON q.id = r.quarter_id JOIN assessments_plan p ON p.id = q.plan_id "
        "JOIN assessments_assignment a ON a.id = e.assignment_id JOIN indicators_indicator i ON i.id = a.indicator_id "
        "WHERE p.status = 'active' AND r.status IN ('submitted', 'approved') AND e.lag IS NOT NULL",
        "SELECT id, role, department_id, email FROM organizations_user WHERE is_active "
        "AND role IN ('filer', 'dept_head', 'supervisor')",
        "SELECT id, name FROM organizations_department",
    ],
}


def _warnings_recorded(ctx, department_ids) -> None:
    """The execution warnings of 30 June, so that a later day finds them unanswered."""
    from monitoring.jobs import record_warnings

    record_warnings(today=dt.date(ctx.year, 7, 1))


def _rectification_items(ctx, department_ids) -> None:
    """Three open items a department: one due in three days, one two days late, one ten days late."""
    from rectification.models import Issuer, Item, Source

    today = dt.date(ctx.year, 11, 20)
    Item.objects.bulk_create(
        [
            Item(
                year=ctx.year,
                source=Source.MANUAL,
                department_id=dept_id,
                title=f"整改事项 {n}",
                description="抽查发现的问题",
                measures_required="制定整改方案并提交佐证材料",
                deadline=today + dt.timedelta(days=days),
                issuer=Issuer.SUPERVISOR,
            )
            for dept_id in department_ids
            for n, days in enumerate((3, -2, -10), start=1)
        ],
        batch_size=1000,
    )


def _jobs():
    from assessments import jobs
    from monitoring import jobs as monitoring_jobs
    from rectification import jobs as rectification_jobs

    # Reminders a few days before Q3's deadline; overdue alerts and lag warnings after Q4's; the
    # execution warnings of the 30 June checkpoint, their lapse a month later; rectification alerts.
    none = None
    return [
        ("deadline reminders", "reminders", jobs.send_deadline_reminders, lambda y: dt.date(y, 10, 8), none),
        ("overdue alerts and escalation", "overdue", jobs.send_overdue_alerts, lambda y: dt.date(y + 1, 2, 1), none),
        ("lag warnings", "lag", jobs.send_lag_warnings, lambda y: dt.date(y + 1, 2, 1), none),
        ("execution warnings", "execution", monitoring_jobs.record_warnings, lambda y: dt.date(y, 7, 1), none),
        (
            "unanswered warnings paused",
            "lapsed",
            monitoring_jobs.enforce_response_deadlines,
            lambda y: dt.date(y, 8, 1),
            _warnings_recorded,
        ),
        (
            "rectification alerts",
            "rectification",
            rectification_jobs.send_alerts,
            lambda y: dt.date(y, 11, 20),
            _rectification_items,
        ),
    ]


def _shrink(ctx, keep: int) -> None:
    """Leave ``keep`` departments assessed (in the caller's transaction, rolled back after)."""
    from assessments.models import Assignment, Report
    from budgets.models import BudgetProject

    kept = ctx.department_ids[:keep]
    Assignment.objects.filter(plan=ctx.plan).exclude(department_id__in=kept).update(is_active=False)
    Report.objects.filter(quarter__plan=ctx.plan).exclude(department_id__in=kept).update(status="draft")
    BudgetProject.objects.filter(year=ctx.year).exclude(department_id__in=kept).update(status="draft")


def _batches(queries: list[dict]) -> int:
    """Statements, counting consecutive batches of one bulk insert (500 or 1,000 rows each) once;
    inserts of one row each are all counted (that would be a loop)."""
    count, last = 0, None
    for q in queries:
        sql = q["sql"]
        head = sql.split(" VALUES ", 1)[0].split(" SELECT ", 1)[0] if sql.startswith("INSERT") else None
        if head is None or head != last:
            count += 1
        last = head if head is not None and ("), (" in sql or "UNNEST(" in sql) else None
    return count


def _run(fn, today, setup=None, ctx=None, department_ids=()) -> tuple[float, int, int, int]:
    with transaction.atomic():
        if setup is not None:
            setup(ctx, department_ids)
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            sent = fn(today=today)
            elapsed = time.perf_counter() - start
        transaction.set_rollback(True)
    return elapsed, len(captured.captured_queries), sent, _batches(captured.captured_queries)


def measures(ctx) -> list[Row]:
    rows = []
    conn = ctx.bare()
    for label, key, fn, day, setup in _jobs():
        today = day(ctx.year)
        params = {"plan": ctx.plan.pk, "year": ctx.year, "today": today}
        say(f"  {label} …")
        _run(fn, today, setup, ctx, ctx.department_ids)  # warm
        runs = [_run(fn, today, setup, ctx, ctx.department_ids) for _ in range(ctx.reps)]
        project = median_of([r[0] for r in runs])
        queries, sent = runs[0][1], runs[0][2]
        with transaction.atomic():
            _shrink(ctx, 20)
            small = _run(fn, today, setup, ctx, ctx.department_ids[:20])
            transaction.set_rollback(True)
        bare = []
        for _ in range(ctx.reps):
            start = time.perf_counter()
            bare_read(conn, [(q, params) for q in READS[key]])
            bare.append(time.perf_counter() - start)
        baseline = median_of(bare)
        rows.append(
            Row(
                f"{label} (one job run)",
                project,
                baseline,
                "≤ 1 s; queries constant in departments",
                project <= 1 and small[3] == runs[0][3],
                ratio=ratio(project, baseline),
                detail=(
                    f"{sent} alerts claimed and sent; queries with {len(ctx.department_ids)} departments: {queries}, "
                    f"with 20: {small[1]} ({small[2]} alerts); statements with bulk-insert batches of 500 rows "
                    f"counted once: {runs[0][3]} and {small[3]}; baseline: bare read of the same inputs"
                ),
                extra={"queries": queries, "queries_20": small[1], "statements": runs[0][3], "statements_20": small[3]},
            )
        )
    return rows
