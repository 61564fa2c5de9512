"""A small year: three departments, a handful of indicators of different methods, rules, bands."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.utils import timezone

from assessments import services
from assessments.models import Plan
from indicators.models import Category, GradeBand, Indicator, Library, Rule

TZ = timezone.get_current_timezone()


@pytest.fixture
def freeze(monkeypatch):
    """freeze(datetime or date) makes timezone.now() return that instant (Asia/Shanghai)."""

    def _freeze(when):
        if isinstance(when, dt.date) and not isinstance(when, dt.datetime):
            when = dt.datetime(when.year, when.month, when.day, 10, 0, tzinfo=TZ)
        elif when.tzinfo is None:
            when = when.replace(tzinfo=TZ)
        monkeypatch.setattr(timezone, "now", lambda: when)
        return when

    return _freeze


@pytest.fixture
def library(db, departments):
    lib = Library.objects.create(year=2026, name="2026年度指标")
    central = Category.objects.create(library=lib, code="central", name="中心工作", points=D(25), order=1)
    safety = Category.objects.create(library=lib, code="safety", name="平安建设", points=D(5), order=2)
    party = Category.objects.create(library=lib, code="party", name="党的建设", points=D(10), order=3)
    roads = Indicator(
        library=lib,
        code="roads",
        name="农村公路里程",
        category=central,
        method="proportional",
        direction="ge",
        basic_target=D(300),
        points=D(10),
        unit="公里",
        value_type="cumulative",
        order=1,
    )
    rate = Indicator(
        library=lib,
        code="rate",
        name="办结率",
        category=central,
        method="tiered",
        direction="ge",
        basic_target=D(90),
        challenge_target=D(100),
        points=D(15),
        unit="%",
        value_type="level",
        order=2,
    )
    safe = Indicator(
        library=lib,
        code="safe",
        name="安全生产与质量",
        category=safety,
        method="deduction",
        direction="ge",
        points=D(5),
        order=3,
    )
    grade = Indicator(
        library=lib,
        code="party",
        name="党建工作成效",
        category=party,
        method="grade",
        direction="ge",
        points=D(10),
        order=4,
    )
    for ind in (roads, rate, safe, grade):
        ind.full_clean()
        ind.save()
    Rule.objects.create(
        library=lib,
        code="accident",
        name="安全质量事故",
        kind="deduction",
        scope="indicator",
        indicator=safe,
        effect="points",
        points=D(2),
    )
    Rule.objects.create(
        library=lib,
        code="major",
        name="重大事故",
        kind="deduction",
        scope="indicator",
        indicator=safe,
        effect="to_zero",
        points=D(0),
    )
    Rule.objects.create(
        library=lib,
        code="late",
        name="季度报告逾期",
        kind="deduction",
        scope="department",
        effect="points",
        points=D("0.5"),
        cap=D(2),
    )
    Rule.objects.create(
        library=lib,
        code="criticism",
        name="通报批评",
        kind="deduction",
        scope="department",
        effect="points",
        points=D(1),
        cap=D(3),
    )
    Rule.objects.create(
        library=lib,
        code="award",
        name="国家级表彰",
        kind="bonus",
        scope="department",
        effect="points",
        points=D(1),
        cap=D(2),
    )
    Rule.objects.create(
        library=lib, code="veto", name="一票否决", kind="deduction", scope="department", effect="veto", points=D(0)
    )
    for code, label, m in (("excellent", "优秀", 90), ("good", "良好", 80), ("fair", "一般", 60), ("poor", "较差", 0)):
        GradeBand.objects.create(library=lib, code=code, label=label, min_score=D(m))
    return lib


@pytest.fixture
def plan(library, users):
    p = services.plan_create(library=library, actor=users["supervisor"])
    p.status = Plan.Status.ACTIVE
    p.late_report_rule = library.rules.get(code="late")
    p.save()
    services.assign_all(plan=p, actor=users["supervisor"])
    return p


@pytest.fixture
def q3(plan):
    return plan.quarters.get(number=3)  # deadline 2026-10-10, closes 2026-10-20
