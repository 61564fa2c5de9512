"""The demo ledger: items from the sources the demo city has (`seed_demo` has all nine), some closed
(one after a rejection), some awaiting closure, some overdue; warnings answered,
unanswered and one paused. Idempotent."""

import datetime as dt

import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db


def test_demo_rectification(monkeypatch, settings, tmp_path):
    from budgets import demo as budgets_demo
    from indicators import demo as indicators_demo
    from monitoring import demo as monitoring_demo
    from monitoring.models import MonitoringWarning
    from organizations import demo as organizations_demo
    from rectification import demo
    from rectification.models import Item

    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2026, 12, 4))
    organizations_demo.seed()
    indicators_demo.seed()
    budgets_demo.seed()
    monitoring_demo.seed()
    assert demo.seed()["created"] > 0
    assert demo.seed()["created"] == 0
    statuses = {w.status for w in MonitoringWarning.objects.all()}
    assert {"open", "responded", "lapsed"} <= statuses
    sources = set(Item.objects.values_list("source", flat=True))
    # Without the assessment and survey demos (slow), the sources of budgets, monitoring and by hand:
    assert {"budget_evaluation", "monitoring_warning", "other_evaluation", "manual"} <= sources
    assert Item.objects.filter(status="closed").exists() and Item.objects.filter(status="submitted").exists()
    assert Item.objects.filter(status="closed", rejections=1).exists()
    assert any(i.is_overdue(dt.date(2026, 12, 4)) for i in Item.objects.all())
