"""A deterministic city for the benchmarks (bench/README.md, Workloads).

``generate(size="L", seed=1)`` builds, in one transaction on PostgreSQL, a year's plan with its
departments, ranking groups, categories, indicators and assignments, four quarters of reports
with their entries, deduction and bonus events, a closed satisfaction survey with its answers,
and budget projects with their target sheets; then it computes every score once.

The same size and seed always give the same rows (a seeded ``random.Random``; no clock).
The big tables (entries, responses, answers) are written with COPY, the rest with
``bulk_create`` in large batches. Codes and usernames start with ``city-`` and the year is a
dedicated one (2019 by default, every quarter of it closed), so a workload never mixes with the
demo city; a workload that exists already is left alone, a clash is refused.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import random
import time
from dataclasses import dataclass
from decimal import Decimal as D

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from assessments import progress
from assessments.demo import believable_value
from assessments.models import (
    Assignment,
    Entry,
    GradeAssessment,
    Plan,
    Quarter,
    Report,
    ReportRevision,
    ReportStatus,
    ScoreEvent,
)
from assessments.services.plan import CUMULATIVE_PLAN, LEVEL_PLAN, default_deadline
from budgets.choices import BudgetDimension, BudgetSubdimension, Operator, ProjectStatus
from budgets.models import BudgetProject, BudgetTarget
from core.numbers import q2
from core.roles import Role
from indicators.choices import (
    Applicability,
    Direction,
    LibraryStatus,
    Method,
    RuleEffect,
    RuleKind,
    RuleScope,
    ValueType,
)
from indicators.models import Category, GradeBand, Indicator, Library, Rule
from organizations.models import Department, RankingGroup, Region, User
from satisfaction.models import STANDARD_AREAS, Answer, Area, Channel, Question, Response, Survey, SurveyRegion

PREFIX = "city"
DEFAULT_YEAR = 2019
MARKER = "workload"


@dataclass(frozen=True)
class Size:
    name: str
    departments: int
    responses: int
    events: int
    projects: int
    groups: int = 4
    categories: int = 10
    common_indicators: int = 45
    individual_per_group: int = 15
    questions: int = 20
    regions: int = 13
    targets_per_project: int = 12

    @property
    def assignments(self) -> int:
        return self.departments * (self.common_indicators + self.individual_per_group)


SIZES = {
    "S": Size("city-S", departments=20, responses=10_000, events=500, projects=50),
    "L": Size("city-L", departments=200, responses=100_000, events=5_000, projects=500),
    # A province: its own departments and its cities' (ten times city-L).
    "XL": Size("province-XL", departments=2_000, responses=1_000_000, events=50_000, projects=5_000),
}

# 45 common indicators (75 points) and 15 individual ones per ranking group (25 points):
# every department has 60 assignments worth 100 points.
COMMON_METHODS = (
    [Method.THRESHOLD] * 6
    + [Method.PROPORTIONAL] * 10
    + [Method.TIERED] * 8
    + [Method.DEDUCTION] * 5
    + [Method.SCALE] * 4
    + [Method.GRADE] * 4
    + [Method.SATISFACTION]
    + [Method.PER_UNIT] * 3
    + [Method.RANK] * 4
)
INDIVIDUAL_METHODS = (
    [Method.PROPORTIONAL] * 5
    + [Method.TIERED] * 4
    + [Method.THRESHOLD] * 2
    + [Method.DEDUCTION] * 2
    + [Method.SATISFACTION]
    + [Method.RANK]
)
CATEGORY_NAMES = [
    "中心工作",
    "新质生产力发展",
    "基本公共服务均等化",
    "平安建设",
    "服务工农业发展",
    "依法行政与政务服务",
    "营商环境",
    "生态环境保护",
    "党的建设",
    "群众满意度",
]
NARRATIVES = ["按季度计划推进,各项工作有序开展。", "已完成阶段性任务,正在组织验收。", "重点任务稳步推进。"]
PROBLEMS = ["部分项目前期手续办理较慢。", "资金到位滞后,影响施工进度。", "基层人员力量不足。"]
NEXT_STEPS = ["倒排工期,确保按期完成。", "加强督促指导,协调解决困难。", "优化工作流程,提升效率。"]
EXPLANATION = "受前期手续和资金拨付影响,进度滞后;已制定整改措施,下季度加快推进。"
GRADES = [("excellent", "优秀", 90), ("good", "良好", 80), ("fair", "一般", 60), ("poor", "较差", 0)]
# Answers on the 1–5 scale, 0 for "don't know".
ANSWER_VALUES = [5, 4, 3, 2, 1, 0]
ANSWER_WEIGHTS = [34, 36, 15, 7, 3, 5]


class WorkloadExists(Exception):
    """The same workload is there already: nothing to do."""


class WorkloadClash(Exception):
    """Other data occupies the year or the codes: refuse rather than mix."""


def marker(size: Size, seed: int) -> str:
    return f"{MARKER} {size.name} seed {seed}"


def check_database() -> None:
    if connection.vendor != "postgresql":
        raise WorkloadClash(
            f"generate_city needs PostgreSQL (DATABASE_URL=postgres://…); this database is {connection.vendor}. "
            "The workloads are sized for the benchmarks, which measure PostgreSQL."
        )


def existing(size: Size, seed: int, year: int) -> None:
    """Raise WorkloadExists when this very workload is there, WorkloadClash when something else is."""
    lib = Library.objects.filter(year=year).first()
    if lib is not None:
        if lib.name.endswith(f"[{marker(size, seed)}]"):
            raise WorkloadExists(f"{size.name} (seed {seed}, year {year}) already exists: nothing to do.")
        raise WorkloadClash(f"The year {year} is already used ({lib.name}). Use a fresh database or another --year.")
    if Department.objects.filter(code__startswith=f"{PREFIX}-").exists():
        raise WorkloadClash(
            f"Departments with codes '{PREFIX}-…' exist already (another workload in this database). "
            "Use a fresh database."
        )


def _aware(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=timezone.get_current_timezone())


def _copy(table: str, columns: list[str], rows) -> int:
    """COPY rows (tuples of str/None) into ``table``; returns how many were written."""
    buf = io.StringIO()
    n = 0
    for row in rows:
        buf.write("\t".join("\\N" if v is None else str(v) for v in row))
        buf.write("\n")
        n += 1
    buf.seek(0)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buf)
    return n


def _reserve_ids(model, n: int) -> int:
    """Take ``n`` consecutive ids from the table's sequence; returns the first."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        seq = cursor.fetchone()[0]
        cursor.execute("LOCK TABLE " + connection.ops.quote_name(table) + " IN EXCLUSIVE MODE")
        cursor.execute("SELECT nextval(%s)", [seq])
        first = cursor.fetchone()[0]
        cursor.execute("SELECT setval(%s, %s)", [seq, first + n - 1])
    return first


class Progress:
    def __init__(self, stdout=None):
        self.stdout = stdout
        self.started = time.perf_counter()
        self.last = self.started
        self.timings: dict[str, float] = {}

    def step(self, name: str, detail: str = "") -> None:
        now = time.perf_counter()
        self.timings[name] = round(now - self.last, 2)
        if self.stdout is not None:
            self.stdout.write(f"  {name:<28} {now - self.last:7.1f} s  {detail}")
            self.stdout.flush()
        self.last = now

    @property
    def total(self) -> float:
        return round(time.perf_counter() - self.started, 1)


# --- The framework -------------------------------------------------------------------------


def _indicator_fields(method: str, k: int, points: D) -> dict:
    """Direction, unit, targets and parameters of the k-th indicator with this method."""
    if method == Method.THRESHOLD:
        return {"direction": Direction.GE, "unit": "项", "basic_target": D(20 + k * 7 % 80)}
    if method == Method.PROPORTIONAL:
        if k % 3 == 2:
            return {"direction": Direction.LE, "unit": "件", "basic_target": D(10 + k % 20)}
        return {"direction": Direction.GE, "unit": "万元", "basic_target": D(500 + k * 37 % 5000)}
    if method == Method.TIERED:
        return {
            "direction": Direction.GE,
            "unit": "%",
            "basic_target": D(85),
            "challenge_target": D(98),
            "params": {"basic_share": "0.8"},
        }
    if method == Method.DEDUCTION:
        return {"direction": Direction.GE, "unit": "项"}
    if method == Method.SCALE:
        return {
            "direction": Direction.LE,
            "unit": "小时",
            "params": {
                "bands": [{"bound": "1", "points": str(points)}, {"bound": "2", "points": str(q2(points * D("0.6")))}],
                "otherwise": "0",
            },
        }
    if method == Method.GRADE:
        return {"direction": Direction.GE, "unit": ""}
    if method == Method.SATISFACTION:
        return {
            "direction": Direction.GE,
            "unit": "%",
            "basic_target": D(85),
            "params": {"scope": "overall", "measure": "rate", "target": "85"},
        }
    if method == Method.PER_UNIT:
        return {"direction": Direction.LE, "unit": "岁", "basic_target": D(42), "params": {"per_unit": "0.5"}}
    if method == Method.RANK:
        return {
            "direction": Direction.GE,
            "unit": "%",
            "params": {"shares": ["60", "57", "54", "51", "48"], "rest": "45"},
        }
    raise ValueError(method)


LEVEL_UNITS = {"%", "小时", "岁"}


def _framework(size: Size, seed: int, year: int, departments: list[Department], groups: list[RankingGroup]):
    lib = Library.objects.create(
        year=year, name=f"{year} 城市绩效考核指标体系 [{marker(size, seed)}]", status=LibraryStatus.ACTIVE
    )
    cats = Category.objects.bulk_create(
        Category(library=lib, code=f"c{i:02d}", name=CATEGORY_NAMES[i - 1], points=D(10), order=i)
        for i in range(1, size.categories + 1)
    )
    specs = []  # (code, name, method, points, applicability, group index or None)
    for k, method in enumerate(COMMON_METHODS[: size.common_indicators]):
        specs.append((f"k{k + 1:03d}", f"共性指标 {k + 1}", method, D(2) if k % 3 == 0 else D("1.5"), None))
    for g in range(len(groups)):
        for k, method in enumerate(INDIVIDUAL_METHODS[: size.individual_per_group]):
            points = D(2) if k % 3 == 0 else D("1.5")
            specs.append((f"g{g + 1}i{k + 1:02d}", f"{groups[g].name}个性指标 {k + 1}", method, points, g))
    indicators = []
    for n, (code, name, method, points, group) in enumerate(specs):
        fields = _indicator_fields(method, n, points)
        if group is not None and method == Method.SATISFACTION:
            # The rated department's own satisfaction score (scope department, no code: itself).
            fields["params"] = {"scope": "department", "measure": "score", "target": "80"}
            fields["basic_target"] = D(80)
        ind = Indicator(
            library=lib,
            code=code,
            name=name,
            category=cats[n % len(cats)],
            method=method,
            points=points,
            value_type=ValueType.LEVEL if fields.get("unit") in LEVEL_UNITS else ValueType.CUMULATIVE,
            applicability=Applicability.COMMON if group is None else Applicability.INDIVIDUAL,
            order=n + 1,
            data_source="部门季度填报",
            **fields,
        )
        ind.full_clean(exclude=["library", "category"])
        ind.group_index = group
        indicators.append(ind)
    Indicator.objects.bulk_create(indicators)
    through = Indicator.departments.through
    through.objects.bulk_create(
        [
            through(indicator_id=ind.pk, department_id=d.pk)
            for ind in indicators
            if ind.group_index is not None
            for d in departments
            if d.group_id == groups[ind.group_index].pk
        ],
        batch_size=5000,
    )
    rules = {
        "late": Rule(
            code="r_late_report",
            name="逾期报送季度报告",
            points=D("0.5"),
            cap=D(2),
            scope=RuleScope.DEPARTMENT,
        ),
        "criticism": Rule(code="r_criticism", name="督查通报批评", points=D("0.5"), cap=D(2)),
        "accident": Rule(code="r_accident", name="安全质量事故", points=D(1), cap=D(3)),
        "veto": Rule(code="r_veto", name="一票否决事项", effect=RuleEffect.VETO, points=D(0)),
        "national": Rule(code="b_national", name="获国家级表彰", kind=RuleKind.BONUS, points=D(1), cap=D(2)),
        "provincial": Rule(code="b_provincial", name="获省级表彰", kind=RuleKind.BONUS, points=D("0.5"), cap=D(1)),
    }
    deduction_inds = [i for i in indicators if i.method == Method.DEDUCTION]
    for n, ind in enumerate(deduction_inds):
        rules[f"task{n}"] = Rule(
            code=f"r_task_{ind.code}",
            name=f"{ind.name}年度任务未完成",
            scope=RuleScope.INDICATOR,
            indicator=ind,
            points=D("0.5"),
        )
    zero_target = next(i for i in indicators if i.method == Method.THRESHOLD)
    rules["zero"] = Rule(
        code="r_zero",
        name="重大责任事故(本项清零)",
        scope=RuleScope.INDICATOR,
        indicator=zero_target,
        effect=RuleEffect.TO_ZERO,
        points=D(0),
    )
    for order, rule in enumerate(rules.values(), start=1):
        rule.library, rule.order = lib, order
    Rule.objects.bulk_create(rules.values())
    GradeBand.objects.bulk_create(
        GradeBand(library=lib, code=code, label=label, min_score=D(m)) for code, label, m in GRADES
    )
    return lib, indicators, rules


# --- People and organisations ------------------------------------------------------------


def _organisations(size: Size, rng: random.Random):
    groups = RankingGroup.objects.bulk_create(
        RankingGroup(code=f"{PREFIX}-g{g}", name=name, order=g)
        for g, name in enumerate(["综合经济类", "社会事业类", "城乡建设类", "执法监管类"][: size.groups], start=1)
    )
    regions = Region.objects.bulk_create(
        Region(code=f"{PREFIX}-r{r:02d}", name=f"第{r}区", population=rng.randint(180_000, 1_400_000), order=r)
        for r in range(1, size.regions + 1)
    )
    departments = Department.objects.bulk_create(
        Department(
            code=f"{PREFIX}-d{i:03d}",
            name=f"市直部门{i:03d}",
            short_name=f"部门{i:03d}",
            group=groups[(i - 1) % len(groups)],
            region=regions[(i - 1) % len(regions)],
            order=i,
        )
        for i in range(1, size.departments + 1)
    )
    password = make_password(None)  # unusable: these accounts are for measurements only
    people = [
        User(username=f"{PREFIX}-{role}", role=role, password=password, email=f"{PREFIX}-{role}@example.gov.cn")
        for role in (Role.SUPERVISOR, Role.LEADER, Role.API_CLIENT, Role.SURVEYOR, Role.FINANCE)
    ]
    for d in departments:
        n = d.code.rsplit("d", 1)[1]
        people.append(User(username=f"{PREFIX}-f{n}", role=Role.FILER, department=d, password=password))
        people.append(User(username=f"{PREFIX}-h{n}", role=Role.DEPT_HEAD, department=d, password=password))
    for u in people:
        u.email = u.email or f"{u.username}@example.gov.cn"
        u.is_staff = u.is_superuser = False
    User.objects.bulk_create(people, batch_size=2000)
    users = {u.username: u for u in User.objects.filter(username__startswith=f"{PREFIX}-")}
    return groups, regions, departments, users


# --- Plan, reports and events ----------------------------------------------------------------


def _plan(lib: Library, year: int, rules: dict) -> Plan:
    plan = Plan.objects.create(
        library=lib,
        year=year,
        name=f"{year} 城市绩效考核方案",
        status=Plan.Status.ACTIVE,
        late_report_rule=rules["late"],
        bonus_cap=D(3),
        top_grade_share=D(30),
    )
    Quarter.objects.bulk_create(Quarter(plan=plan, number=n, deadline=default_deadline(year, n)) for n in range(1, 5))
    return plan


def _assignments(plan: Plan, indicators: list[Indicator], departments, groups, rng: random.Random):
    rows = []
    for d in departments:
        for ind in indicators:
            if ind.group_index is not None and groups[ind.group_index].pk != d.group_id:
                continue
            planned = LEVEL_PLAN if ind.value_type == ValueType.LEVEL else CUMULATIVE_PLAN
            basic = ind.basic_target
            if basic is not None and ind.method in (Method.THRESHOLD, Method.PROPORTIONAL):
                basic = q2(basic * D(str(rng.uniform(0.8, 1.25))))
            rows.append(
                Assignment(
                    plan=plan,
                    department=d,
                    indicator=ind,
                    basic_target=basic,
                    challenge_target=ind.challenge_target,
                    range_upper=ind.range_upper,
                    **{f"planned_q{i}": planned[i - 1] for i in range(1, 5)},
                )
            )
    return Assignment.objects.bulk_create(rows, batch_size=5000)


def _status(rng: random.Random, quarter: int) -> str | None:
    """The report's state at the end of the year (None: never opened)."""
    r = rng.random()
    missing, draft, returned, submitted = (0.03, 0.05, 0.08, 0.13) if quarter < 4 else (0.05, 0.10, 0.13, 0.25)
    if r < missing:
        return None
    if r < draft:
        return ReportStatus.DRAFT
    if r < returned:
        return ReportStatus.RETURNED
    if r < submitted:
        return ReportStatus.SUBMITTED
    return ReportStatus.APPROVED


def _reports(plan: Plan, assignments, indicators, departments, users, rng: random.Random, progress_out: Progress):
    quarters = list(plan.quarters.order_by("number"))
    inds = {i.pk: i for i in indicators}
    by_dept: dict[int, list[Assignment]] = {}
    for a in assignments:
        if inds[a.indicator_id].method != Method.SATISFACTION:
            by_dept.setdefault(a.department_id, []).append(a)
    skill = {d.pk: rng.uniform(0.85, 1.12) for d in departments}
    lagging = {d.pk for d in departments if rng.random() < 0.1}
    filer = {d.pk: users[f"{PREFIX}-f{d.code.rsplit('d', 1)[1]}"] for d in departments}
    supervisor = users[f"{PREFIX}-supervisor"]
    reports, plans = [], []
    for q in quarters:
        for d in departments:
            status = _status(rng, q.number)
            if status is None:
                continue
            report = Report(quarter=q, department=d, status=status)
            if status != ReportStatus.DRAFT:
                late = rng.random() < 0.12
                day = (
                    q.deadline + dt.timedelta(days=rng.randint(1, 20))
                    if late
                    else q.deadline - dt.timedelta(days=rng.randint(0, 9))
                )
                when = _aware(day, rng.randint(8, 18), rng.randint(0, 59))
                report.submitted_at = report.first_submitted_at = when
                report.submitted_by = filer[d.pk]
                report.is_late = late
                report.revision = 1
                if status == ReportStatus.APPROVED:
                    report.approved_at = when + dt.timedelta(days=3)
                if status == ReportStatus.RETURNED:
                    report.return_reason = "请补充佐证材料并说明滞后原因。"
            reports.append(report)
            plans.append((q, d))
    Report.objects.bulk_create(reports, batch_size=2000)
    progress_out.step("reports", f"{len(reports):,}")

    entry_rows, revisions = [], []
    review = {
        ReportStatus.APPROVED: "approved",
        ReportStatus.RETURNED: "approved",
        ReportStatus.SUBMITTED: "pending",
        ReportStatus.DRAFT: "pending",
    }
    for report, (q, d) in zip(reports, plans, strict=True):
        when = report.submitted_at or _aware(q.deadline - dt.timedelta(days=3))
        updated = (when - dt.timedelta(hours=2)).isoformat()
        snapshot = {}
        returned_one = report.status == ReportStatus.RETURNED
        for a in by_dept[d.pk]:
            ind = inds[a.indicator_id]
            factor = 0.7 if d.pk in lagging and rng.random() < 0.4 else 1
            if report.status == ReportStatus.DRAFT and rng.random() < 0.3:
                actual = completion = None
            else:
                actual, completion = believable_value(
                    rng, a, ind, q.number, skill[d.pk] * factor, noise=(0.88, 1.08), scale=(0.5, 2.4)
                )
            p = progress.compute(
                direction=ind.direction,
                value_type=ind.value_type,
                basic=a.basic_target,
                upper=a.range_upper,
                actual=actual,
                completion_pct=completion,
                planned_pct=a.planned(q.number),
                on_track_from=plan.band_on_track,
                behind_from=plan.band_behind,
                final_quarter=q.number == 4,
            )
            state, comment = review[report.status], ""
            if returned_one and p.colour in ("behind", "at_risk"):
                state, comment, returned_one = "returned", report.return_reason, False
            narrative, problems, next_steps = rng.choice(NARRATIVES), rng.choice(PROBLEMS), rng.choice(NEXT_STEPS)
            explanation = EXPLANATION if p.colour in ("behind", "at_risk") else ""
            entry_rows.append(
                (
                    report.pk,
                    a.pk,
                    actual,
                    completion,
                    narrative,
                    problems,
                    next_steps,
                    explanation,
                    p.colour,
                    p.progress_pct,
                    p.lag,
                    state,
                    comment,
                    1,
                    updated,
                    filer[d.pk].pk,
                    "{}",  # usual values: no unusual-value comparison, no explanation
                    "",
                )
            )
            snapshot[str(a.pk)] = {
                "actual_value": None if actual is None else str(actual),
                "completion_pct": None if completion is None else str(completion),
                "narrative": narrative,
            }
        if report.revision:
            decision = {"approved": "approved", "returned": "returned"}.get(report.status, "pending")
            revisions.append(
                ReportRevision(
                    report=report,
                    number=1,
                    submitted_at=report.submitted_at,
                    submitted_by=report.submitted_by,
                    is_late=report.is_late,
                    entries=snapshot,
                    decision=decision,
                    decided_by=supervisor if decision != "pending" else None,
                    decided_at=report.submitted_at + dt.timedelta(days=3) if decision != "pending" else None,
                    reason=report.return_reason,
                )
            )
    n = _copy(
        Entry._meta.db_table,
        [
            "report_id",
            "assignment_id",
            "actual_value",
            "completion_pct",
            "narrative",
            "problems",
            "next_steps",
            "explanation",
            "status_colour",
            "progress_pct",
            "lag",
            "review_state",
            "review_comment",
            "version",
            "updated_at",
            "updated_by_id",
            "outlier",
            "outlier_note",
        ],
        entry_rows,
    )
    progress_out.step("report entries", f"{n:,}")
    ReportRevision.objects.bulk_create(revisions, batch_size=500)
    progress_out.step("report revisions", f"{len(revisions):,}")
    return reports, n


def _grades(assignments, indicators, supervisor, rng: random.Random) -> int:
    grade_inds = {i.pk for i in indicators if i.method == Method.GRADE}
    rows = [
        GradeAssessment(assignment=a, grade=rng.choice("AABBBCD"), graded_by=supervisor)
        for a in assignments
        if a.indicator_id in grade_inds
    ]
    GradeAssessment.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _events(plan: Plan, size: Size, rules: dict, departments, supervisor, rng: random.Random) -> int:
    year = plan.year
    tasks = [r for k, r in rules.items() if k.startswith("task")]
    kinds = (
        [("task", 50), ("criticism", 15), ("accident", 10), ("provincial", 15), ("national", 10)]
        if tasks
        else [("criticism", 40), ("accident", 20), ("provincial", 25), ("national", 15)]
    )
    names, weights = zip(*kinds, strict=True)
    rows = []
    specials = [("zero", 2 + size.events // 1000), ("veto", 1 + size.events // 2500)]
    for kind, n in specials:
        for _ in range(n):
            rows.append((rules[kind], rng.choice(departments), 1))
    while len(rows) < size.events:
        kind = rng.choices(names, weights)[0]
        rule = rng.choice(tasks) if kind == "task" else rules[kind]
        rows.append((rule, rng.choice(departments), 1 if rng.random() < 0.85 else 2))
    events = [
        ScoreEvent(
            plan=plan,
            rule=rule,
            department=dept,
            indicator_id=rule.indicator_id,
            date=dt.date(year, 1, 1) + dt.timedelta(days=rng.randint(0, 364)),
            occurrences=occ,
            note="督查记录",
            recorded_by=supervisor,
        )
        for rule, dept, occ in rows
    ]
    ScoreEvent.objects.bulk_create(events, batch_size=2000)
    return len(events)


# --- Satisfaction ------------------------------------------------------------------------------


def _survey(size: Size, year: int, regions, departments, users, rng: random.Random, progress_out: Progress):
    survey = Survey.objects.create(
        year=year,
        code=f"{PREFIX}-{year}",
        title=f"{year}年度群众满意度调查",
        access=Survey.Access.OPEN,
        opens_on=dt.date(year, 9, 1),
        closes_on=dt.date(year, 10, 31),
        status=Survey.Status.CLOSED,
        closed_at=_aware(dt.date(year, 11, 1)),
        created_by=users[f"{PREFIX}-surveyor"],
    )
    areas = Area.objects.bulk_create(
        Area(survey=survey, code=code, name=name, order=i) for i, (code, name) in enumerate(STANDARD_AREAS, start=1)
    )
    step = max(1, len(departments) // size.questions)
    questions = Question.objects.bulk_create(
        Question(
            survey=survey,
            area=areas[i % len(areas)],
            department=departments[(i * step) % len(departments)],
            order=i + 1,
            text=f"您对{departments[(i * step) % len(departments)].name}相关公共服务的满意程度?",
            kind=Question.Kind.SCALE,
        )
        for i in range(size.questions)
    )
    weights = [r.population for r in regions]
    region_of = rng.choices(range(len(regions)), weights, k=size.responses)
    counts = [0] * len(regions)
    for r in region_of:
        counts[r] += 1
    survey_regions = SurveyRegion.objects.bulk_create(
        SurveyRegion(survey=survey, region=r, quota=int(counts[i] * 1.05) + 1, received=counts[i])
        for i, r in enumerate(regions)
    )
    first = _reserve_ids(Response, size.responses)
    start = dt.date(year, 9, 1)
    _copy(
        Response._meta.db_table,
        ["id", "survey_id", "survey_region_id", "channel", "submitted_on"],
        (
            (
                first + n,
                survey.pk,
                survey_regions[r].pk,
                Channel.OPEN if rng.random() < 0.85 else Channel.INTERVIEW,
                start + dt.timedelta(days=rng.randint(0, 60)),
            )
            for n, r in enumerate(region_of)
        ),
    )
    progress_out.step("survey responses", f"{size.responses:,}")
    qrows = [(q.pk, q.area_id, q.department_id) for q in questions]
    table = Answer._meta.db_table
    columns = ["response_id", "survey_id", "question_id", "scale", "value", "area_id", "region_id", "department_id"]
    written, chunk = 0, 10_000
    for lo in range(0, size.responses, chunk):

        def rows(lo=lo):
            for n in range(lo, min(lo + chunk, size.responses)):
                region_id = regions[region_of[n]].pk
                values = rng.choices(ANSWER_VALUES, ANSWER_WEIGHTS, k=len(qrows))
                for (qid, area_id, dept_id), v in zip(qrows, values, strict=True):
                    yield (first + n, survey.pk, qid, "t", v, area_id, region_id, dept_id)

        written += _copy(table, columns, rows())
        if progress_out.stdout is not None and lo and lo % (chunk * 20) == 0:
            progress_out.stdout.write(f"    answers {written:,} …")
            progress_out.stdout.flush()
    progress_out.step("survey answers", f"{written:,}")
    from satisfaction.aggregates import rebuild

    rebuild(survey.pk)
    progress_out.step("survey aggregates", "per respondent, from the answers")
    return survey, written


# --- Budgets -----------------------------------------------------------------------------------

TARGET_SHEET = [
    (BudgetDimension.COST, BudgetSubdimension.COST, "项目成本控制", Operator.LE, "万元"),
    (BudgetDimension.COST, BudgetSubdimension.COST, "单位服务成本", Operator.LE, "元"),
    (BudgetDimension.OUTPUT, BudgetSubdimension.QUANTITY, "服务人次", Operator.GE, "人次"),
    (BudgetDimension.OUTPUT, BudgetSubdimension.QUANTITY, "开展活动场次", Operator.GE, "场"),
    (BudgetDimension.OUTPUT, BudgetSubdimension.QUANTITY, "建设任务数", Operator.GE, "项"),
    (BudgetDimension.OUTPUT, BudgetSubdimension.QUALITY, "验收合格率", Operator.GE, "%"),
    (BudgetDimension.OUTPUT, BudgetSubdimension.QUALITY, "安全事故", Operator.LE, "起"),
    (BudgetDimension.OUTPUT, BudgetSubdimension.TIMELINESS, "按期完成率", Operator.GE, "%"),
    (BudgetDimension.EFFECT, BudgetSubdimension.SOCIAL, "受益群众覆盖率", Operator.GE, "%"),
    (BudgetDimension.EFFECT, BudgetSubdimension.ECONOMIC, "带动社会投资", Operator.GE, "万元"),
    (BudgetDimension.EFFECT, BudgetSubdimension.SUSTAINABLE, "长效机制建立", Operator.GE, "项"),
    (BudgetDimension.SATISFACTION, BudgetSubdimension.SATISFACTION, "服务对象满意度", Operator.GE, "%"),
]


def _budgets(size: Size, year: int, departments, users, rng: random.Random) -> tuple[int, int]:
    finance = users[f"{PREFIX}-finance"]
    projects = BudgetProject.objects.bulk_create(
        BudgetProject(
            department=departments[i % len(departments)],
            year=year,
            code=f"{PREFIX}-p{i + 1:04d}",
            name=f"专项资金项目 {i + 1}",
            amount=q2(D(rng.randint(100_000, 50_000_000))),
            status=ProjectStatus.APPROVED,
            revision=1,
            submitted_at=_aware(dt.date(year - 1, 10, 15)),
            reviewed_at=_aware(dt.date(year - 1, 11, 20)),
            reviewed_by=finance,
        )
        for i in range(size.projects)
    )
    targets = []
    for p in projects:
        for order, (dim, sub, name, op, unit) in enumerate(TARGET_SHEET[: size.targets_per_project], start=1):
            value = D(rng.randint(80, 98)) if unit == "%" else D(rng.randint(3, 500))
            targets.append(
                BudgetTarget(
                    project=p,
                    dimension=dim,
                    subdimension=sub,
                    name=name,
                    operator=op,
                    value=value,
                    unit=unit,
                    order=order,
                )
            )
    BudgetTarget.objects.bulk_create(targets, batch_size=5000)
    return len(projects), len(targets)


# --- Entry point -------------------------------------------------------------------------------


def generate(*, size: str = "L", seed: int = 1, year: int = DEFAULT_YEAR, stdout=None, score: bool = True) -> dict:
    """Build the workload; returns the counts and the time each step took (seconds)."""
    check_database()
    spec = SIZES[size]
    rng = random.Random(seed)  # noqa: S311 - reproducible synthetic data, not a secret
    out = Progress(stdout)
    with transaction.atomic():
        existing(spec, seed, year)
        groups, regions, departments, users = _organisations(spec, rng)
        out.step("organisations", f"{len(departments)} departments, {len(users)} users")
        lib, indicators, rules = _framework(spec, seed, year, departments, groups)
        out.step("framework", f"{len(indicators)} indicators, {len(rules)} rules")
        plan = _plan(lib, year, rules)
        assignments = _assignments(plan, indicators, departments, groups, rng)
        out.step("assignments", f"{len(assignments):,}")
        reports, entries = _reports(plan, assignments, indicators, departments, users, rng, out)
        grades = _grades(assignments, indicators, users[f"{PREFIX}-supervisor"], rng)
        events = _events(plan, spec, rules, departments, users[f"{PREFIX}-supervisor"], rng)
        out.step("events and grades", f"{events:,} events, {grades:,} grades")
        survey, answers = _survey(spec, year, regions, departments, users, rng, out)
        projects, targets = _budgets(spec, year, departments, users, rng)
        out.step("budget projects", f"{projects:,} projects, {targets:,} targets")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        out.step("analyze")
    result = {
        "workload": spec.name,
        "seed": seed,
        "year": year,
        "departments": len(departments),
        "assignments": len(assignments),
        "reports": len(reports),
        "entries": entries,
        "events": events,
        "responses": spec.responses,
        "answers": answers,
        "projects": projects,
        "targets": targets,
        "survey": survey.code,
    }
    if score:
        from assessments.recompute import recompute

        written = recompute(plan=plan)
        out.step("scores", f"{written:,} scores computed")
        result["scores"] = written
    result["seconds"] = out.total
    result["steps"] = out.timings
    return result


FINGERPRINT_QUERIES = [
    # Assignments with their targets, by department and indicator code.
    "SELECT d.code, i.code, a.basic_target FROM assessments_assignment a "
    "JOIN assessments_plan p ON p.id = a.plan_id JOIN organizations_department d ON d.id = a.department_id "
    "JOIN indicators_indicator i ON i.id = a.indicator_id WHERE p.year = %(year)s ORDER BY d.code, i.code",
    # Report entries: the reported values of every quarter.
    "SELECT d.code, q.number, r.status, i.code, e.actual_value, e.completion_pct, e.status_colour "
    "FROM assessments_entry e JOIN assessments_report r ON r.id = e.report_id "
    "JOIN assessments_quarter q ON q.id = r.quarter_id JOIN assessments_plan p ON p.id = q.plan_id "
    "JOIN organizations_department d ON d.id = r.department_id "
    "JOIN assessments_assignment a ON a.id = e.assignment_id JOIN indicators_indicator i ON i.id = a.indicator_id "
    "WHERE p.year = %(year)s ORDER BY d.code, q.number, i.code",
    # Events.
    "SELECT d.code, ru.code, e.date, e.occurrences FROM assessments_scoreevent e "
    "JOIN assessments_plan p ON p.id = e.plan_id JOIN organizations_department d ON d.id = e.department_id "
    "JOIN indicators_rule ru ON ru.id = e.rule_id WHERE p.year = %(year)s AND e.source = 'manual' "
    "ORDER BY d.code, e.date, ru.code, e.occurrences",
    # Survey answers, counted by question, region and value.
    'SELECT qu."order", rg.code, a.value, count(*) FROM satisfaction_answer a '
    "JOIN satisfaction_survey s ON s.id = a.survey_id JOIN satisfaction_question qu ON qu.id = a.question_id "
    "JOIN organizations_region rg ON rg.id = a.region_id WHERE s.year = %(year)s "
    'GROUP BY qu."order", rg.code, a.value ORDER BY 1, 2, 3',
]
SCORES_QUERY = (
    "SELECT d.code, s.period, s.total, s.grade_code, s.rank, s.vetoed FROM assessments_score s "
    "JOIN assessments_plan p ON p.id = s.plan_id JOIN organizations_department d ON d.id = s.department_id "
    "WHERE p.year = %(year)s ORDER BY d.code, s.period"
)


def _digest(queries: list[str], year: int) -> str:
    h = hashlib.sha256()
    with connection.cursor() as cursor:
        for sql in queries:
            cursor.execute(sql, {"year": year})
            for row in cursor.fetchall():
                h.update(json.dumps(row, default=str).encode())
    return h.hexdigest()


def fingerprint(year: int = DEFAULT_YEAR) -> str:
    """A digest of the workload's inputs (by codes, not ids): equal for the same size and seed."""
    return _digest(FINGERPRINT_QUERIES, year)


def scores_fingerprint(year: int = DEFAULT_YEAR) -> str:
    """A digest of every stored score (total, grade, rank, veto) of the year."""
    return _digest([SCORES_QUERY], year)
