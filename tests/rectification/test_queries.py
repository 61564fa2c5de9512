"""The daily jobs run a constant number of queries, whatever the number of items or projects."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from budgets.models import SpendingRecord
from monitoring import jobs as monitoring_jobs
from rectification import jobs, services
from tests.budgets.factories import approved_project

pytestmark = pytest.mark.django_db


def _items(users, departments, n, start):
    for i in range(n):
        services.item_create(
            actor=users["supervisor"],
            department=departments["edu" if i % 2 else "water"],
            title=f"问题{start + i}",
            description="说明",
            measures_required="措施",
            deadline=dt.date(2026, 9, 10),
        )


def _count(fn) -> int:
    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured.captured_queries)


def test_rectification_alerts_are_constant_in_queries(users, departments):
    _items(users, departments, 2, 0)
    small = _count(lambda: jobs.send_alerts(today=dt.date(2026, 9, 20)))
    _items(users, departments, 12, 10)
    large = _count(lambda: jobs.send_alerts(today=dt.date(2026, 9, 21)))
    assert large == small


def test_the_warning_job_is_constant_in_queries(users, departments):
    def projects(n, start):
        for i in range(n):
            p = approved_project(departments["edu" if i % 2 else "water"], code=f"Q-{start + i}")
            SpendingRecord.objects.create(project=p, date=dt.date(2026, 5, 1), amount=D("1000.00"))

    projects(2, 0)
    small = _count(lambda: monitoring_jobs.record_warnings(today=dt.date(2026, 7, 1)))
    projects(12, 10)
    large = _count(lambda: monitoring_jobs.record_warnings(today=dt.date(2026, 9, 1)))
    assert large == small
