"""Demo year data: last year fully reported, scored and published (with appeals); the current
year reported up to today in a realistic mix, so the jobs have something real to find.

Deterministic (seeded) and idempotent: a plan that already exists is left alone.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import ROUND_HALF_UP
from decimal import Decimal as D

from django.db import transaction
from django.utils import timezone

from core.numbers import q2, to_decimal
from core.roles import Role
from indicators.choices import Direction, Method, ValueType
from indicators.models import Library, Rule
from organizations.models import Department, User

from . import jobs, progress
from .models import (
    Appeal,
    Assignment,
    Entry,
    EntryReview,
    Evidence,
    Exemption,
    GradeAssessment,
    Plan,
    Report,
    ReportRevision,
    ReportStatus,
    Score,
    ScoreEvent,
)
from .models.reports import ReviewState
from .progress import HUNDRED
from .recompute import process_recompute_requests, recompute
from .services import assign_all, event_record, plan_create
from .services.appeals import appeal_decide, appeal_file
from .services.entries import _entry_progress, outlier_verdict
from .services.publication import scores_publish
from .services.reports import _snapshot_entries

NARRATIVES = [
    "按季度计划推进,各项工作有序开展。",
    "已完成阶段性任务,正在组织验收。",
    "项目建设进度符合预期,资金拨付及时。",
    "加强统筹调度,重点任务稳步推进。",
]
PROBLEMS = ["部分项目前期手续办理较慢。", "资金到位滞后,影响施工进度。", "基层人员力量不足。"]
NEXT = ["倒排工期,挂图作战,确保按期完成。", "加强督促指导,协调解决困难问题。", "优化工作流程,提升服务效率。"]


def _aware(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=timezone.get_current_timezone())


def believable_value(
    rng: random.Random,
    a: Assignment,
    ind,
    quarter: int,
    skill: float,
    *,
    noise: tuple[float, float] = (0.9, 1.08),
    scale: tuple[float, float] = (0.6, 2.4),
    previous: tuple[D | None, D | None] = (None, None),
) -> tuple[D | None, D | None]:
    """A believable cumulative value (or completion %) for the assignment at the quarter's end:
    (actual value, completion). For the demo data and the benchmark workloads (workloads.city).

    The random draws are floats; the values, amounts in 万元 among them, are computed in Decimal.
    Counted things (所, 件, 人次 …) are whole numbers; a cumulative value and a completion never
    fall below last quarter's (``previous``: last quarter's actual value and completion).
    """
    actual, completion = _believable(rng, a, ind, quarter, skill, noise=noise, scale=scale)
    last_actual, last_completion = previous
    if completion is not None and last_completion is not None:
        completion = max(completion, last_completion)
    if actual is not None and ind.unit in COUNT_UNITS:
        actual = actual.quantize(D(1), rounding=ROUND_HALF_UP)
    if (
        actual is not None
        and last_actual is not None
        and ind.value_type == ValueType.CUMULATIVE
        and ind.direction != Direction.BOOL
        and ind.method not in (Method.RANK, Method.SCALE)
    ):
        actual = max(actual, last_actual)
    return actual, completion


# Units of things counted one by one: their values are whole numbers.
COUNT_UNITS = frozenset(
    [
        "个",
        "件",
        "所",
        "人",
        "人次",
        "家",
        "次",
        "项",
        "户",
        "座",
        "套",
        "名",
        "起",
        "宗",
        "场",
        "条",
        "批",
    ]
)


def _believable(rng, a, ind, quarter, skill, *, noise, scale) -> tuple[D | None, D | None]:
    skill = to_decimal(skill)
    factor = to_decimal(rng.uniform(*noise)) * skill
    if ind.direction == Direction.BOOL:
        return D(1), None
    if ind.method == Method.RANK:
        return q2(to_decimal(rng.uniform(3, 18)) * skill), None
    if ind.method == Method.SCALE:
        return q2(to_decimal(rng.uniform(*scale)) / skill), None
    planned = a.planned(quarter) / HUNDRED
    if a.basic_target is None:
        return None, q2(min(HUNDRED, planned * HUNDRED * factor))
    share = planned if ind.value_type == ValueType.CUMULATIVE else 1
    if ind.direction == Direction.LE:
        return q2(a.basic_target * share / factor), None
    value = a.basic_target * share * factor
    if ind.unit == "%":
        value = min(value, HUNDRED)
    return q2(value), None


def _fill(rng, report: Report, assignments: list[Assignment], skill: float, lagging: bool = False) -> None:
    rows = []
    # Last quarter's values of the same department: cumulative values never fall from one to the next.
    previous = {
        a_id: (actual, completion)
        for a_id, actual, completion in Entry.objects.filter(
            report__department_id=report.department_id,
            report__quarter__plan_id=report.quarter.plan_id,
            report__quarter__number=report.quarter.number - 1,
        ).values_list("assignment_id", "actual_value", "completion_pct")
    }
    for a in assignments:
        if a.indicator.method == Method.SATISFACTION:
            continue
        actual, completion = believable_value(
            rng,
            a,
            a.indicator,
            report.quarter.number,
            skill * (0.7 if lagging and rng.random() < 0.4 else 1),
            previous=previous.get(a.pk, (None, None)),
        )
        e = Entry(
            report=report,
            assignment=a,
            actual_value=actual,
            completion_pct=completion,
            narrative=rng.choice(NARRATIVES),
            problems=rng.choice(PROBLEMS),
            next_steps=rng.choice(NEXT),
        )
        plan = report.quarter.plan
        p = progress.compute(
            direction=a.indicator.direction,
            value_type=a.indicator.value_type,
            basic=a.basic_target,
            upper=a.range_upper,
            actual=actual,
            completion_pct=completion,
            planned_pct=a.planned(report.quarter.number),
            on_track_from=plan.band_on_track,
            behind_from=plan.band_behind,
            final_quarter=report.quarter.number == 4,
        )
        e.progress_pct, e.lag, e.status_colour = p.progress_pct, p.lag, p.colour
        if p.colour in ("behind", "at_risk"):
            e.explanation = "受前期手续和资金拨付影响,进度滞后;已制定整改措施,下季度加快推进。"
        rows.append(e)
    Entry.objects.bulk_create(rows)


DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _attach_evidence(report: Report, filer) -> None:
    """A submitted report never lacks its required evidence: each entry whose indicator requires
    it gets the department's register (台账) as a small PDF."""
    import hashlib

    from django.core.files.base import ContentFile

    if filer is None:
        return
    lacking = report.entries.filter(assignment__indicator__evidence_required=True, evidence__isnull=True)
    for entry in lacking.select_related("assignment__indicator"):
        name = f"{entry.assignment.indicator.name}台账-{report.quarter.plan.year}{report.quarter.code}.pdf"
        ev = Evidence(
            entry=entry,
            original_name=name,
            content_type="application/pdf",
            size=len(DEMO_PDF),
            sha256=hashlib.sha256(DEMO_PDF).hexdigest(),
            uploaded_by=filer,
        )
        ev.file.save(name, ContentFile(DEMO_PDF), save=False)
        ev.save()


def _submit(report: Report, filer, when: dt.datetime, *, decision: str | None, reviewer=None, reason: str = "") -> None:
    """Freeze the report as a revision submitted at ``when`` and apply the review decision."""
    _attach_evidence(report, filer)
    report.revision += 1
    late = timezone.localtime(when).date() > report.quarter.deadline
    revision = ReportRevision.objects.create(
        report=report,
        number=report.revision,
        submitted_at=when,
        submitted_by=filer,
        is_late=late,
        entries=_snapshot_entries(report),
    )
    report.entries.update(updated_by=filer, updated_at=when - dt.timedelta(hours=2))
    report.submitted_at, report.submitted_by, report.is_late = when, filer, late
    report.first_submitted_at = report.first_submitted_at or when
    report.status = ReportStatus.SUBMITTED
    if decision == ReviewState.APPROVED:
        report.status, report.approved_at = ReportStatus.APPROVED, when + dt.timedelta(days=3)
        revision.decision, revision.decided_by, revision.decided_at = decision, reviewer, report.approved_at
        report.entries.update(review_state=ReviewState.APPROVED)
    elif decision == ReviewState.RETURNED:
        report.status, report.return_reason = ReportStatus.RETURNED, reason
        revision.decision, revision.decided_by, revision.decided_at, revision.reason = (
            decision,
            reviewer,
            when + dt.timedelta(days=2),
            reason,
        )
        entry = report.entries.filter(status_colour__in=["behind", "at_risk"]).first() or report.entries.first()
        entry.review_state, entry.review_comment = ReviewState.RETURNED, reason
        entry.save(update_fields=["review_state", "review_comment"])
        EntryReview.objects.create(revision=revision, entry=entry, decision=decision, comment=reason, reviewer=reviewer)
    revision.save()
    report.save()


UNUSUAL_NOTE = "受一次性因素影响，本季度数值明显低于以往：部分任务跨季度结转，已附情况说明，下季度将恢复正常水平。"


def _unusual_values(plan: Plan, today: dt.date) -> None:
    """Unusual values (docs/scoring.md, section 8): one in a report awaiting review, explained by
    its filer; one in 教育局's draft of the current quarter, the explanation still to be written."""
    candidates = (
        Entry.objects.filter(
            report__quarter__plan=plan,
            actual_value__isnull=False,
            assignment__basic_target__gt=0,
            assignment__indicator__value_type=ValueType.LEVEL,
        )
        .select_related("assignment__indicator", "report__quarter__plan", "report__department")
        .order_by("report__quarter__number", "report__department__order", "pk")
    )
    done = set()
    for entry in candidates:
        report = entry.report
        awaiting = report.status == ReportStatus.SUBMITTED and report.quarter.deadline < today
        draft = report.status == ReportStatus.DRAFT and report.department.code == "edu"
        kind = "awaiting" if awaiting else "draft" if draft else None
        if kind is None or kind in done:
            continue
        original = entry.actual_value
        entry.actual_value = q2(original * D("0.55"))
        verdict = outlier_verdict(entry)
        if not verdict.unusual:
            entry.actual_value = original
            continue
        entry.outlier = verdict.as_dict()
        entry.outlier_note = UNUSUAL_NOTE if kind == "awaiting" else ""
        p = _entry_progress(entry)
        entry.progress_pct, entry.lag, entry.status_colour = p.progress_pct, p.lag, p.colour
        if kind == "awaiting" and not entry.explanation:
            entry.explanation = "部分任务跨季度结转，已制定赶进度计划，下季度追上进度。"
        fields = ["actual_value", "outlier", "outlier_note", "explanation", "progress_pct", "lag", "status_colour"]
        entry.save(update_fields=fields)
        if kind == "awaiting":
            revision = report.revisions.order_by("-number").first()
            revision.entries = _snapshot_entries(report)
            revision.save(update_fields=["entries"])
        done.add(kind)
        if len(done) == 2:
            return


def _build_plan(library: Library, supervisor) -> Plan:
    plan = plan_create(library=library, actor=supervisor)
    plan.status = Plan.Status.ACTIVE
    plan.late_report_rule = Rule.objects.filter(library=library, code="r_late_report").first()
    plan.bonus_cap = D(3)
    plan.top_grade_share = D(40)
    plan.save()
    assign_all(plan=plan, actor=supervisor)
    return plan


def _events(plan: Plan, supervisor, rng: random.Random, last_day: dt.date) -> None:
    depts = {d.code: d for d in Department.objects.all()}
    rules = {r.code: r for r in Rule.objects.filter(library=plan.library)}
    y = plan.year
    wanted = [
        ("r_accident", "water", dt.date(y, 3, 18), 1, "3月18日某在建堤防工程发生一起质量事故,已通报。"),
        ("r_accident", "housing", dt.date(y, 5, 9), 2, "两起施工安全事故,住建局督查通报。"),
        ("r_accident", "transport", dt.date(y, 8, 2), 3, "三起道路施工安全事故。"),
        ("r_criticism", "market", dt.date(y, 6, 20), 1, "市政府督查通报批评食品安全专项整治推进缓慢。"),
        ("r_unfinished_task", "natres", dt.date(y, 9, 30), 2, "两项年度建设任务未按期完成。"),
        ("b_national_award", "edu", dt.date(y, 7, 15), 1, "义务教育优质均衡发展经验获国家级表彰。"),
        ("b_provincial_award", "health", dt.date(y, 4, 22), 2, "两项工作获省级表彰。"),
        ("b_national_award", "drc", dt.date(y, 9, 5), 3, "三项改革经验在全国推广。"),
        ("r_wat_projects", "water", dt.date(y, 10, 8), 2, "两项水利工程建设任务未完成。"),
    ]
    for code, dept, day, n, note in wanted:
        if day <= last_day and code in rules:
            event_record(
                plan=plan,
                rule=rules[code],
                department=depts[dept],
                date=day,
                occurrences=n,
                actor=supervisor,
                note=note,
            )


@transaction.atomic
def _previous_year(library: Library, supervisor, filers: dict, rng: random.Random) -> Plan:
    plan = _build_plan(library, supervisor)
    skills = {d.pk: rng.uniform(0.88, 1.12) for d in Department.objects.all()}
    by_dept: dict[int, list[Assignment]] = {}
    for a in plan.assignments.select_related("indicator").order_by("pk"):
        by_dept.setdefault(a.department_id, []).append(a)
    for q in plan.quarters.order_by("number"):
        for dept_id, assignments in by_dept.items():
            report = Report.objects.create(quarter=q, department_id=dept_id)
            _fill(rng, report, assignments, skills[dept_id])
            late = rng.random() < 0.1
            day = (
                q.deadline + dt.timedelta(days=rng.randint(1, 6))
                if late
                else q.deadline - dt.timedelta(days=rng.randint(0, 8))
            )
            _submit(
                report,
                filers.get(dept_id),
                _aware(day, rng.randint(9, 17)),
                decision=ReviewState.APPROVED,
                reviewer=supervisor,
            )
            if late and plan.late_report_rule:
                ScoreEvent.objects.get_or_create(
                    plan=plan,
                    rule=plan.late_report_rule,
                    department_id=dept_id,
                    source_key=f"late:{q.period_key}",
                    defaults={
                        "date": q.deadline + dt.timedelta(days=1),
                        "source": ScoreEvent.Source.LATE_REPORT,
                        "note": f"{q.plan.year} {q.code} 季度报告逾期报送。",
                    },
                )
    for a in plan.assignments.filter(indicator__method=Method.GRADE):
        GradeAssessment.objects.create(
            assignment=a, grade=rng.choice(["A", "A", "B", "B", "C"]), note="考核组综合评定。", graded_by=supervisor
        )
    _events(plan, supervisor, rng, dt.date(plan.year, 12, 31))
    recompute(plan=plan)
    process_recompute_requests(plan_id=plan.pk)
    scores_publish(plan=plan, period="annual", actor=supervisor)
    plan.status = Plan.Status.CLOSED
    plan.save(update_fields=["status"])
    _appeals(plan, supervisor)
    return plan


def _appeals(plan: Plan, supervisor) -> None:
    """Three appeals on the published year: one upheld, one rejected, one still open."""
    from .models import Publication

    pub = Publication.objects.get(plan=plan, period="annual")
    pub.appeal_deadline = timezone.localdate() + dt.timedelta(days=plan.appeal_window_days)
    pub.save(update_fields=["appeal_deadline"])  # the window is open while the demo files its appeals
    cases = [
        (
            "water",
            "evt",
            "质量事故系施工单位责任,已由行业主管部门另行处理,申请不予扣分。",
            Appeal.Status.UPHELD,
            "经核查,事故责任不在水利局,撤销该项扣分。",
        ),
        (
            "housing",
            "evt",
            "两起事故中一起系外包单位原因,申请减少扣分。",
            Appeal.Status.REJECTED,
            "两起事故均在住建局监管项目内,维持扣分。",
        ),
        ("market", "evt", "通报批评事项已整改到位,申请撤销扣分。", None, ""),
    ]
    for code, prefix, reason, decision, decision_reason in cases:
        score = Score.objects.get(plan=plan, period="annual", department__code=code)
        line = score.lines.filter(key__startswith=prefix, kind="deduction").order_by("order").first()
        filer = (
            User.objects.filter(department=score.department, role=Role.FILER).first()
            or User.objects.filter(department=score.department).first()
        )
        if line is None or filer is None:
            continue
        appeal = appeal_file(score=score, line_key=line.key, reason=reason, actor=filer)
        if decision:
            appeal_decide(appeal=appeal, decision=decision, reason=decision_reason, actor=supervisor)
    # As it happened: published in late January, appeals filed and decided within the window.
    published = dt.datetime(plan.year + 1, 1, 20, 15, 0, tzinfo=timezone.get_current_timezone())
    pub.published_at, pub.appeal_deadline = published, published.date() + dt.timedelta(days=plan.appeal_window_days)
    pub.save(update_fields=["published_at", "appeal_deadline"])
    Score.objects.filter(plan=plan, period="annual").update(published_at=published)
    for i, appeal in enumerate(Appeal.objects.filter(score__plan=plan).order_by("pk"), start=1):
        Appeal.objects.filter(pk=appeal.pk).update(
            filed_at=published + dt.timedelta(days=i, hours=2),
            decided_at=published + dt.timedelta(days=i + 3) if appeal.decided_at else None,
        )


@transaction.atomic
def _current_year(library: Library, supervisor, filers: dict, rng: random.Random, today: dt.date) -> Plan:
    plan = _build_plan(library, supervisor)
    depts = list(Department.objects.order_by("order"))
    skills = {d.pk: rng.uniform(0.85, 1.1) for d in depts}
    by_dept: dict[int, list[Assignment]] = {}
    for a in plan.assignments.select_related("indicator").order_by("pk"):
        by_dept.setdefault(a.department_id, []).append(a)
    codes = {d.pk: d.code for d in depts}
    for q in plan.quarters.order_by("number"):
        if q.period_start > today:
            continue
        current = q.period_start <= today <= q.deadline
        latest_closed = q.deadline < today and q.number == max(
            x.number for x in plan.quarters.all() if x.deadline < today
        )
        for i, (dept_id, assignments) in enumerate(by_dept.items()):
            code = codes[dept_id]
            if current:
                # The quarter being reported: drafts, a few already submitted; 教育局 half done.
                if code == "edu" or i % 3 == 0:
                    report = Report.objects.create(quarter=q, department_id=dept_id)
                    _fill(rng, report, assignments, skills[dept_id], lagging=True)
                    if code == "edu":
                        report.entries.filter(pk__in=list(report.entries.values_list("pk", flat=True)[4:])).update(
                            actual_value=None,
                            completion_pct=None,
                            narrative="",
                            problems="",
                            next_steps="",
                            explanation="",
                            status_colour="none",
                            progress_pct=None,
                            lag=None,
                        )
                    elif i % 6 == 0:
                        _submit(report, filers.get(dept_id), _aware(today - dt.timedelta(days=1)), decision=None)
                continue
            if latest_closed and code in ("veterans", "justice"):
                continue  # missing: the overdue job alerts and escalates
            report = Report.objects.create(quarter=q, department_id=dept_id)
            _fill(rng, report, assignments, skills[dept_id], lagging=latest_closed)
            late = code in ("culture", "commerce") and latest_closed or rng.random() < 0.05
            day = (
                q.deadline + dt.timedelta(days=rng.randint(1, 5))
                if late
                else q.deadline - dt.timedelta(days=rng.randint(0, 7))
            )
            when = _aware(min(day, today), rng.randint(9, 17))
            if latest_closed and code == "water":
                _submit(
                    report,
                    filers.get(dept_id),
                    when,
                    decision=ReviewState.RETURNED,
                    reviewer=supervisor,
                    reason="年度水利工程建设任务完成数与台账不一致,请核实后补充佐证材料。",
                )
            elif latest_closed and i % 4 == 1:
                _submit(report, filers.get(dept_id), when, decision=None)  # awaiting review
            else:
                _submit(report, filers.get(dept_id), when, decision=ReviewState.APPROVED, reviewer=supervisor)
    for a in plan.assignments.filter(indicator__method=Method.GRADE)[:8]:
        GradeAssessment.objects.create(
            assignment=a, grade=rng.choice(["A", "B", "B"]), note="季度综合评定。", graded_by=supervisor
        )
    _events(plan, supervisor, rng, today)
    _unusual_values(plan, today)
    # An indicator the supervision office declared not applicable for the year, with its reason.
    moved = (
        plan.assignments.filter(indicator__applicability="individual", indicator__method=Method.PROPORTIONAL)
        .select_related("department", "indicator")
        .order_by("-department__order", "pk")
        .first()
    )
    if moved is not None:
        Exemption.objects.create(
            assignment=moved,
            period=Exemption.ALL,
            reason="该项任务已于年中按机构改革方案划转,本年度不适用。",
            granted_by=supervisor,
        )
    recompute(plan=plan)
    return plan


def seed(stdout=None) -> dict:
    rng = random.Random(20251231)
    today = timezone.localdate()
    supervisor = User.objects.get(username="supervisor")
    filers = {}
    for u in User.objects.filter(role=Role.FILER).order_by("pk"):
        filers.setdefault(u.department_id, u)
    fallback = User.objects.filter(role=Role.DEPT_HEAD).first() or supervisor
    for d in Department.objects.all():
        filers.setdefault(d.pk, fallback)
    made = []
    for year in (today.year - 1, today.year):
        library = Library.objects.filter(year=year).first()
        if library is None or Plan.objects.filter(year=year).exists():
            continue
        if year < today.year:
            _previous_year(library, supervisor, filers, rng)
        else:
            _current_year(library, supervisor, filers, rng, today)
        made.append(year)
    sent = {}
    if made:
        sent = {
            "reminders": jobs.send_deadline_reminders(),
            "overdue": jobs.send_overdue_alerts(),
            "lag": jobs.send_lag_warnings(),
        }
    return {"plans_created": made, "reports": Report.objects.count(), "scores": Score.objects.count(), **sent}
