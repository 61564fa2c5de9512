"""The demo shows dual monitoring: the year's schedule, projects of several colours, idempotent."""

import datetime as dt

import pytest
from django.utils import timezone

from monitoring import demo, selectors
from monitoring.models import MonitoringSchedule

pytestmark = pytest.mark.django_db


def test_demo_monitoring(monkeypatch):
    from budgets import demo as budgets_demo
    from indicators import demo as indicators_demo
    from organizations import demo as organizations_demo
    from organizations.models import User

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2026, 12, 4))
    organizations_demo.seed()
    indicators_demo.seed()
    budgets_demo.seed()
    demo.seed()
    assert demo.seed()["created"] == 0
    assert MonitoringSchedule.objects.filter(year=2026).count() == 1
    rows, depts = selectors.monitoring_rows(user=User.objects.get(username="finance"), year=2026)
    colours = {r.project.department.code: r.result.colour for r in rows}
    assert colours["agri"] == "green"  # 85 % after the October checkpoint of 80 %
    assert colours["edu"] == "yellow"  # the activity fund: 1150000 / 2396300 = 47.99 % < 80 %
    assert {d.result.colour for d in depts} >= {"green", "yellow"}


def test_demo_reallocations(monkeypatch):
    """One approved and one pending budget reallocation; the demo's unanswered and lapsed warnings stay."""
    from budgets import demo as budgets_demo
    from budgets.models import Reallocation
    from indicators import demo as indicators_demo
    from monitoring.models import MonitoringWarning, WarningReallocation
    from organizations import demo as organizations_demo

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2026, 12, 4))
    organizations_demo.seed()
    indicators_demo.seed()
    budgets_demo.seed()
    demo.seed()
    assert sorted(Reallocation.objects.values_list("status", flat=True)) == ["approved", "pending"]
    assert WarningReallocation.objects.count() <= 2
    assert {"open", "lapsed", "responded"} <= set(MonitoringWarning.objects.values_list("status", flat=True))
    approved = Reallocation.objects.get(status="approved")
    assert approved.moved["source"]["after"] != approved.moved["source"]["before"]
