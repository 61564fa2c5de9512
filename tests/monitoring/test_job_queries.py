"""The lapse of unanswered warnings: constant in queries however many warnings lapse (one audit
event each, written in one statement), and the open warnings it scans are in a partial index."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEvent
from budgets.models import SpendingRecord, Tranche
from monitoring import jobs
from monitoring.models import MonitoringWarning
from notifications.models import Notification
from tests.budgets.factories import approved_project

pytestmark = pytest.mark.django_db


def _projects(departments, n: int, start: int) -> None:
    for i in range(n):
        p = approved_project(departments["edu" if i % 2 else "water"], code=f"L-{start + i}", name=f"项目{start + i}")
        SpendingRecord.objects.create(project=p, date=dt.date(2026, 5, 1), amount=D("1000.00"))
        Tranche.objects.create(project=p, name="第二批", amount=D("1000.00"), status="open")


def _lapse(today) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        n = jobs.enforce_response_deadlines(today=today)
    return len(captured.captured_queries), n


def test_the_lapse_is_constant_in_queries_and_audits_each_warning(departments, users):
    _projects(departments, 2, 0)
    jobs.record_warnings(today=dt.date(2026, 7, 1))
    small, lapsed_small = _lapse(dt.date(2026, 8, 1))
    _projects(departments, 12, 10)
    jobs.record_warnings(today=dt.date(2026, 9, 1))
    large, lapsed_large = _lapse(dt.date(2026, 10, 1))
    assert (lapsed_small, lapsed_large) == (2, 14)
    assert large == small
    events = AuditEvent.objects.filter(action="monitoring.warning.lapsed")
    assert events.count() == 16
    w = MonitoringWarning.objects.filter(checkpoint=dt.date(2026, 8, 31)).order_by("pk").first()
    event = events.get(object_id=str(w.pk))
    assert (event.object_type, event.object_repr) == ("monitoring.monitoringwarning", str(w))
    assert event.before == {"status": "open", "paused_at": None}
    assert event.after["status"] == "lapsed" and event.data == {
        "project": w.project_id,
        "respond_by": str(w.respond_by),
    }
    assert Notification.objects.filter(user=users["finance"], kind="monitoring.paused").count() == 16
    assert Notification.objects.filter(title__contains=w.project.name, kind="monitoring.paused").exists()


def test_open_warnings_are_in_a_partial_index_on_the_deadline():
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, MonitoringWarning._meta.db_table)
        assert constraints["warning_open_respond_by"]["columns"] == ["respond_by"]
        if connection.vendor == "postgresql":
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'warning_open_respond_by'")
            assert "WHERE ((status)::text = 'open'::text)" in cursor.fetchone()[0]
