"""A small year: three departments, a handful of indicators of different methods, rules, bands."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.utils import timezone

from assessments import services
from assessments.models import Plan
from tests.scenario import SMALL_CATEGORIES, build_library, small_indicators

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
    return build_library(
        year=2026,
        categories=SMALL_CATEGORIES,
        indicators=small_indicators(roads=10, rate=15, safe=5, party=10),
        rules=[
            {"code": "accident", "name": "安全质量事故", "scope": "indicator", "indicator": "safe", "points": D(2)},
            {
                "code": "major",
                "name": "重大事故",
                "scope": "indicator",
                "indicator": "safe",
                "effect": "to_zero",
                "points": D(0),
            },
            {"code": "late", "name": "季度报告逾期", "points": D("0.5"), "cap": D(2)},
            {"code": "criticism", "name": "通报批评", "points": D(1), "cap": D(3)},
            {"code": "award", "name": "国家级表彰", "kind": "bonus", "points": D(1), "cap": D(2)},
            {"code": "veto", "name": "一票否决", "effect": "veto", "points": D(0)},
        ],
    )


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
