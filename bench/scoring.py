"""Measures of score recomputation: everything, and one department after one change."""

from __future__ import annotations

import time
from decimal import Decimal

from django.db import transaction

from .common import Row, bare_read, median_of, median_time, ratio, say

# The inputs a recomputation reads, as the minimal SQL that reads them (bench/README.md, Baselines).
# ``%(dept)s`` narrows to one department for the incremental measure.
INPUTS = [
    """SELECT c.id, c.code, c.name, c.points, c."order", c.parent_id FROM indicators_category c
       WHERE c.library_id = %(library)s""",
    """SELECT a.id, a.department_id, a.indicator_id, a.basic_target, a.challenge_target, a.range_upper,
              a.planned_q1, a.planned_q2, a.planned_q3, a.planned_q4, i.code, i.name, i.category_id, i.method,
              i.direction, i.points, i.params, i.unit, i.value_type
       FROM assessments_assignment a JOIN indicators_indicator i ON i.id = a.indicator_id
       JOIN indicators_category c ON c.id = i.category_id
       WHERE a.plan_id = %(plan)s AND a.is_active AND (%(dept)s IS NULL OR a.department_id = %(dept)s)
       ORDER BY a.department_id, c."order", i."order", i.code""",
    """SELECT e.assignment_id, q.number, e.actual_value, e.completion_pct
       FROM assessments_entry e JOIN assessments_report r ON r.id = e.report_id
       JOIN assessments_quarter q ON q.id = r.quarter_id
       WHERE q.plan_id = %(plan)s AND r.status = 'approved' AND (%(dept)s IS NULL OR r.department_id = %(dept)s)""",
    """SELECT a.indicator_id, r.department_id, q.number, e.actual_value
       FROM assessments_entry e JOIN assessments_report r ON r.id = e.report_id
       JOIN assessments_quarter q ON q.id = r.quarter_id JOIN assessments_assignment a ON a.id = e.assignment_id
       JOIN indicators_indicator i ON i.id = a.indicator_id
       WHERE q.plan_id = %(plan)s AND r.status = 'approved' AND i.method = 'rank'""",
    """SELECT g.assignment_id, g.grade FROM assessments_gradeassessment g
       JOIN assessments_assignment a ON a.id = g.assignment_id
       WHERE a.plan_id = %(plan)s AND (%(dept)s IS NULL OR a.department_id = %(dept)s)""",
    """SELECT o.assignment_id, o.period, o.points, o.appeal_id FROM assessments_scoreoverride o
       JOIN assessments_appeal ap ON ap.id = o.appeal_id JOIN assessments_assignment a ON a.id = o.assignment_id
       WHERE a.plan_id = %(plan)s AND ap.status = 'upheld' AND (%(dept)s IS NULL OR a.department_id = %(dept)s)""",
    """SELECT e.id, e.department_id, e.date, e.occurrences, e.note, e.evidence, r.id, r.code, r.name, r.kind,
              r.scope, r.effect, r.points, r.cap, r.indicator_id
       FROM assessments_scoreevent e JOIN indicators_rule r ON r.id = e.rule_id
       WHERE e.plan_id = %(plan)s AND e.voided_at IS NULL AND (%(dept)s IS NULL OR e.department_id = %(dept)s)""",
    """SELECT d.id, d.code, d.group_id FROM organizations_department d
       WHERE d.id IN (SELECT department_id FROM assessments_assignment WHERE plan_id = %(plan)s)
       AND (%(dept)s IS NULL OR d.id = %(dept)s)""",
    """SELECT b.code, b.label, b.min_score FROM indicators_gradeband b WHERE b.library_id = %(library)s""",
    """SELECT s.id, s.department_id, s.period, s.total, s.grade_code, s.grade_label, s.rank, s.group_id,
              s.vetoed, s.published, s.inputs_hash
       FROM assessments_score s WHERE s.plan_id = %(plan)s""",
    """SELECT sum(received) FROM satisfaction_surveyregion WHERE survey_id = %(survey)s""",
]
# The survey figures that satisfaction indicators are scored on: the whole city's and each rated
# department's, from one scan of the answers.
SURVEY_AGGREGATE = """
    SELECT department_id, count(*), count(*) FILTER (WHERE value >= 4), sum(value), sum(value * value)
    FROM satisfaction_answer WHERE survey_id = %(survey)s AND scale AND value >= 1 GROUP BY department_id"""


def _clear_survey_caches() -> None:
    from satisfaction import selectors

    selectors.clear_caches()


def _rolled_back(fn):
    def run():
        with transaction.atomic():
            fn()
            transaction.set_rollback(True)

    return run


def recompute_all(ctx) -> list[Row]:
    from assessments.models import LedgerLine, Score
    from assessments.recompute import recompute

    plan = ctx.plan
    params = {"plan": plan.pk, "library": plan.library_id, "dept": None, "survey": ctx.survey.pk}
    # The stored scores as the current code computes them (committed), as a running system keeps
    # them: the measures below are of a recomputation after a change, not of a code upgrade.
    say("  bringing the workload's scores up to date …")
    recompute(plan=plan)

    def cold():
        _clear_survey_caches()
        recompute(plan=plan)

    say("  recompute everything (cold: survey figures read from the answers) …")
    project, times = median_time(_rolled_back(cold), ctx.reps)
    say("  recompute everything (warm) …")
    warm, _t = median_time(_rolled_back(lambda: recompute(plan=plan)), ctx.reps)
    say("  bare SQL read of the same inputs …")
    conn = ctx.bare()
    baseline, _b = median_time(lambda: bare_read(conn, [(q, params) for q in [*INPUTS, SURVEY_AGGREGATE]]), ctx.reps)
    baseline_warm, _b = median_time(lambda: bare_read(conn, [(q, params) for q in INPUTS]), ctx.reps)
    r = ratio(project, baseline)
    rows = [
        Row(
            "recompute every department's quarterly and annual scores",
            project,
            baseline,
            "≤ 3 s and ≤ 5× bare read",
            project <= 3 and r is not None and r <= 5,
            ratio=r,
            detail=(
                f"{ctx.counts['scores']:,} scores ({ctx.counts['departments']} departments × 5 periods) computed from "
                f"{ctx.counts['assignments']:,} assignments, {ctx.counts['entries']:,} entries and "
                f"{ctx.counts['events']:,} events; survey figures aggregated from {ctx.counts['answers']:,} answers "
                f"in both (baseline: the same inputs and the survey aggregate by psycopg2 + json.dumps); "
                f"runs {', '.join(f'{t:.2f}' for t in times)} s"
            ),
        ),
        Row(
            "(same, survey figures cached by the worker)",
            warm,
            baseline_warm,
            "—",
            None,
            ratio=ratio(warm, baseline_warm),
            detail="steady state of a worker: the survey aggregate is reused until a new response arrives",
        ),
    ]

    say("  recompute from scratch (every score and ledger line written) …")
    scratch = []
    for _ in range(max(1, min(ctx.reps, 2))):
        with transaction.atomic():
            LedgerLine.objects.filter(score__plan=plan).delete()
            Score.objects.filter(plan=plan).delete()
            start = time.perf_counter()
            recompute(plan=plan)
            scratch.append(time.perf_counter() - start)
            transaction.set_rollback(True)
    lines = LedgerLine.objects.filter(score__plan=plan).count()
    rows.append(
        Row(
            "(recompute from scratch: every score and ledger line inserted)",
            median_of(scratch),
            None,
            "—",
            None,
            detail=f"first computation of the year: {ctx.counts['scores']:,} scores, {lines:,} ledger lines inserted",
        )
    )
    rows.append(naive_read(ctx, baseline_warm))
    return rows


def naive_read(ctx, bare: float) -> Row:
    """The obvious per-object loop reading the same inputs, on a sample of departments."""
    from assessments.models import Assignment, Entry, GradeAssessment, ScoreEvent

    plan = ctx.plan
    sample = ctx.department_ids[:10]

    def loop():
        for dept_id in sample:
            for qn in (1, 2, 3, 4, 4):
                for a in Assignment.objects.filter(plan=plan, department_id=dept_id, is_active=True):
                    ind = a.indicator
                    _category = ind.category
                    Entry.objects.filter(
                        assignment=a, report__status="approved", report__quarter__number__lte=qn
                    ).order_by("-report__quarter__number").first()
                    if ind.method == "grade":
                        GradeAssessment.objects.filter(assignment=a).first()
                for ev in ScoreEvent.objects.filter(plan=plan, department_id=dept_id, voided_at__isnull=True):
                    _rule = ev.rule

    say("  naive ORM loop on 10 departments …")
    start = time.perf_counter()
    loop()
    elapsed = (time.perf_counter() - start) * len(ctx.department_ids) / len(sample)
    return Row(
        "(naive ORM loop reading the same inputs)",
        elapsed,
        bare,
        "—",
        None,
        ratio=ratio(elapsed, bare),
        detail="per assignment and period: the indicator, its category and the latest approved value "
        "(10 departments measured, scaled to all)",
    )


def recompute_one(ctx) -> Row:
    from assessments.models import Entry
    from assessments.recompute import recompute

    plan = ctx.plan
    depts = ctx.department_ids
    recompute(plan=plan, department_ids=[depts[0]])  # warm: a worker has run before
    times, baselines, writes = [], [], []
    conn = ctx.bare()
    for i in range(max(ctx.reps * 2, 10)):
        dept = depts[(i * 37) % len(depts)]
        with transaction.atomic():
            entry = (
                Entry.objects.filter(report__department_id=dept, report__status="approved", actual_value__isnull=False)
                .order_by("report__quarter__number", "id")
                .first()
            )
            Entry.objects.filter(pk=entry.pk).update(actual_value=entry.actual_value * Decimal("1.37") + 1)
            start = time.perf_counter()
            written = recompute(plan=plan, department_ids=[dept])
            times.append(time.perf_counter() - start)
            writes.append(written)
            transaction.set_rollback(True)
        params = {"plan": plan.pk, "library": plan.library_id, "dept": dept, "survey": ctx.survey.pk}
        start = time.perf_counter()
        bare_read(conn, [(q, params) for q in INPUTS])
        baselines.append(time.perf_counter() - start)
    project, baseline = median_of(times), median_of(baselines)
    return Row(
        "recompute one department after one change",
        project,
        baseline,
        "≤ 50 ms",
        project <= 0.05,
        ratio=ratio(project, baseline),
        detail=(
            f"one approved value changed, then recompute(department_ids=[it]) in a worker that has run before; "
            f"{len(times)} departments, scores written per run {min(writes)}–{max(writes)} "
            f"(its periods from the changed quarter on, and group neighbours whose rank moved); "
            f"baseline: bare read of that department's inputs"
        ),
    )
