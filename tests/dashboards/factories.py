"""A small city for the dashboard tests: two years of scores, reports, budgets and a survey.

Rows are written directly (not through the scoring jobs): the dashboards only read them, and
known numbers make the expected figures easy to state.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal as D

from django.utils import timezone

from assessments.models import Assignment, Entry, LedgerLine, Plan, Publication, Quarter, Report, Score
from assessments.services.plan import default_deadline
from budgets.models import BudgetProject, Evaluation, Recommendation, SpendingRecord
from indicators.models import Category, Indicator, Library, Rule
from organizations.models import Department, RankingGroup
from satisfaction.models import Question, Survey
from tests.budgets.factories import add_targets
from tests.factories import DepartmentFactory, RegionFactory
from tests.satisfaction.factories import AreaFactory, QuestionFactory, SurveyFactory, SurveyRegionFactory, add_answers
from tests.scenario import build_library

TZ = timezone.get_current_timezone()


@dataclass
class City:
    departments: list[Department]
    plans: dict[int, Plan] = field(default_factory=dict)
    scores: dict[tuple, Score] = field(default_factory=dict)
    approved: dict[int, BudgetProject] = field(default_factory=dict)
    drafts: dict[int, BudgetProject] = field(default_factory=dict)
    survey: Survey | None = None
    open_survey: Survey | None = None
    years: dict = field(default_factory=dict)


def _library(year: int) -> tuple[Library, list[Category], list[Indicator], Rule]:
    lib = build_library(
        year=year,
        categories=[("central", "中心工作", 90), ("safety", "平安建设", 10)],
        indicators=[
            {
                "code": "roads",
                "name": "农村公路里程",
                "category": "central",
                "method": "proportional",
                "basic_target": D(300),
                "points": D(90),
                "unit": "公里",
            },
            {"code": "safe", "name": "安全生产与质量", "category": "safety", "method": "deduction", "points": D(10)},
        ],
        rules=[{"code": "accident", "name": "安全质量事故", "scope": "indicator", "indicator": "safe", "points": D(2)}],
        bands=(),
    )
    return lib, list(lib.categories.order_by("order")), list(lib.indicators.order_by("order")), lib.rules.get()


def _score(plan, dept, period, total, rank, published, central, safety) -> Score:
    grade = ("excellent", "优秀") if total >= 90 else ("good", "良好") if total >= 80 else ("fair", "一般")
    return Score.objects.create(
        plan=plan,
        department=dept,
        period=period,
        total=total,
        grade_code=grade[0],
        grade_label=grade[1],
        rank=rank,
        group=dept.group,
        categories=[
            {"code": "central", "name": "中心工作", "points": "90.00", "score": str(central)},
            {"code": "safety", "name": "平安建设", "points": "10.00", "score": str(safety)},
        ],
        published=published,
        published_at=timezone.now() if published else None,
        computed_at=timezone.now(),
        inputs_hash="x",
    )


@dataclass
class Year:
    plan: Plan
    quarters: dict[int, Quarter]
    indicators: list[Indicator]
    rule: Rule
    published: bool


def build_city(*, extra_departments: int = 0, published_2025: bool = True, published_2026: bool = False) -> City:
    """Departments edu, health, water (from the ``departments`` fixture) plus ``extra`` more in
    the social group; plans 2025 and 2026 with quarterly and annual scores, one Q1 report per
    department, an approved and a draft budget project each, recommendations for 2026, a closed
    2025 survey and an open 2026 one."""
    city = City(departments=[])
    for year, published in ((2025, published_2025), (2026, published_2026)):
        lib, _cats, inds, rule = _library(year)
        plan = Plan.objects.create(library=lib, year=year, name=f"{year}年度考核方案", status=Plan.Status.ACTIVE)
        city.plans[year] = plan
        quarters = {
            n: Quarter.objects.create(plan=plan, number=n, deadline=default_deadline(year, n)) for n in (1, 2, 3, 4)
        }
        city.years[year] = Year(plan, quarters, inds, rule, published)
        if published:
            Publication.objects.create(
                plan=plan,
                period="annual",
                published_at=timezone.now(),
                published_by_id=_publisher().pk,
                appeal_deadline=dt.date(year + 1, 2, 1),
            )
    add_departments(city, list(Department.objects.select_related("group").order_by("order", "code")))
    if extra_departments:
        grow(city, extra_departments)
    city.survey = _survey(2025, "closed", city.departments)
    city.open_survey = _survey(2026, "open", city.departments)
    return city


def grow(city: City, n: int) -> list[Department]:
    """Add ``n`` departments of the social group with the same kinds of rows as the others."""
    social = RankingGroup.objects.get(code="social")
    start = len(city.departments)
    new = [
        DepartmentFactory(code=f"extra{start + i}", name=f"附加部门{start + i}", group=social, order=10 + start + i)
        for i in range(n)
    ]
    add_departments(city, new)
    return new


def add_departments(city: City, departments: list[Department]) -> None:
    first = len(city.departments)
    city.departments.extend(departments)
    for year, setup in city.years.items():
        for i, dept in enumerate(departments, start=first):
            _department_year(city, setup, year, i, dept)
        _rerank(city, year)
    for year in city.years:
        for i, dept in enumerate(departments, start=first):
            _budgets(city, year, i, dept)


def _department_year(city: City, setup: Year, year: int, i: int, dept: Department) -> None:
    plan, inds = setup.plan, setup.indicators
    assignments = [
        Assignment.objects.create(plan=plan, department=dept, indicator=ind, basic_target=ind.basic_target)
        for ind in inds
    ]
    base = D(70) + D(i) + (D(5) if year == 2026 else D(0))
    for q, period in enumerate(("Q1", "Q2", "Q3", "Q4", "annual"), start=1):
        # Safety scores 4 (6 less a deduction of 2); the first department's 2025 annual: 71 + 4 = 75.
        central = base + D(q) - D(4)
        total = central + D(4)
        city.scores[(year, dept.code, period)] = _score(
            plan, dept, period, total, None, setup.published and period == "annual", central, D(4)
        )
    report = Report.objects.create(
        quarter=setup.quarters[1],
        department=dept,
        status="approved",
        revision=1,
        first_submitted_at=dt.datetime(year, 4, 8, 10, tzinfo=TZ),
        submitted_at=dt.datetime(year, 4, 8, 10, tzinfo=TZ),
    )
    Entry.objects.create(
        report=report,
        assignment=assignments[0],
        actual_value=D(60),
        progress_pct=D(20),
        lag=D(5),
        status_colour="behind",
    )
    Entry.objects.create(
        report=report, assignment=assignments[1], progress_pct=D(100), lag=D(-75), status_colour="achieved"
    )
    annual = city.scores[(year, dept.code, "annual")]
    LedgerLine.objects.create(
        score=annual,
        order=1,
        key=f"ind:{inds[0].pk}",
        kind="indicator",
        category_code="central",
        indicator=inds[0],
        assignment=assignments[0],
        points=D(annual.categories[0]["score"]),
        detail_message="Proportional",
    )
    LedgerLine.objects.create(
        score=annual,
        order=2,
        key=f"ind:{inds[1].pk}",
        kind="indicator",
        category_code="safety",
        indicator=inds[1],
        points=D(6),
        detail_message="Deduction",
    )
    LedgerLine.objects.create(
        score=annual,
        order=3,
        key="evt:1",
        kind="deduction",
        category_code="safety",
        indicator=inds[1],
        rule=setup.rule,
        points=D(-2),
        detail_message="安全质量事故 1 起 × -2",
    )


def _rerank(city: City, year: int) -> None:
    """Ranks within each group by total, as the scoring job sets them."""
    for period in ("Q1", "Q2", "Q3", "Q4", "annual"):
        by_group: dict = {}
        for (y, _code, p), s in city.scores.items():
            if y == year and p == period:
                by_group.setdefault(s.group_id, []).append(s)
        for rows in by_group.values():
            for rank, s in enumerate(sorted(rows, key=lambda s: -s.total), start=1):
                if s.rank != rank:
                    s.rank = rank
                    s.save(update_fields=["rank"])


def _budgets(city: City, year: int, i: int, dept: Department) -> None:
    project = BudgetProject.objects.create(
        department=dept,
        year=year,
        code=f"p{year}-{dept.code}",
        name=f"{dept.name}批准项目{year}",
        amount=D("1000000.00") * (i + 1),
        status="approved",
    )
    add_targets(project)
    SpendingRecord.objects.create(project=project, date=dt.date(year, 3, 1), amount=D("400000.00") * (i + 1))
    city.approved[(year, dept.code)] = project
    city.drafts[(year, dept.code)] = BudgetProject.objects.create(
        department=dept,
        year=year,
        code=f"d{year}-{dept.code}",
        name=f"{dept.name}草稿项目{year}",
        amount=D("500000.00"),
        status="draft",
    )
    if year == 2025:
        evaluation = Evaluation.objects.create(
            project=project,
            number=1,
            total=D("85.50"),
            grade="good",
            amount=project.amount,
            spent=D("400000.00") * (i + 1),
            execution_rate=D("40.00"),
            weights={},
            ledger=[],
            status="published",
            confirmed_at=timezone.now(),
            published_at=timezone.now(),
        )
        Recommendation.objects.create(
            year=2026,
            project=project,
            department=dept,
            evaluation=evaluation,
            kind="recommendation",
            base_amount=project.amount,
            project_grade="good",
            action="maintain",
            percent=D(0),
            recommended_amount=project.amount,
        )


def _publisher():
    from organizations.models import User

    return User.objects.filter(role="supervisor").first()


def _survey(year: int, status: str, departments) -> Survey:
    """A survey with one area answered by 40 people, a second area by only 3 (below the minimum),
    and a question rating the first department."""
    survey = SurveyFactory(
        year=year,
        code=f"s{year}",
        title=f"{year}年度群众满意度调查",
        status=status,
        opens_on=dt.date(year, 9, 1),
        closes_on=dt.date(year, 10, 31),
    )
    big = AreaFactory(survey=survey, code="education", name="学有所教", order=1)
    small = AreaFactory(survey=survey, code="medical", name="病有所医", order=2)
    region = SurveyRegionFactory(survey=survey, region=RegionFactory(code=f"east{year}", name="城东区"), quota=500)
    q_big = QuestionFactory(survey=survey, area=big, text="您对教育满意吗?", order=1)
    q_small = QuestionFactory(survey=survey, area=small, text="您对医疗满意吗?", order=2)
    q_dept = QuestionFactory(survey=survey, area=big, department=departments[0], text="您对该部门满意吗?", order=3)
    add_answers(survey, region, q_big, [5] * 30 + [2] * 10)  # rate 75 percent of 40
    add_answers(survey, region, q_small, [5, 4, 1])
    add_answers(survey, region, q_dept, [4] * 36 + [1] * 4)  # rate 90 percent of 40
    assert Question.objects.filter(survey=survey).count() == 3
    return survey
