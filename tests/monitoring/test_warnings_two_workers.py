"""Two workers enforcing the response deadlines at the same time, on PostgreSQL with two connections:
the tranches are paused once, the lapse audited once and the alerts sent once."""

import datetime as dt
import threading
from decimal import Decimal as D

import pytest
from django.db import connections

from audit.models import AuditEvent
from budgets.models import SpendingRecord, Tranche
from monitoring import jobs
from monitoring.models import MonitoringWarning
from notifications.models import Notification
from tests.budgets.factories import approved_project

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_two_workers_pause_once_and_alert_once(postgres, departments, users, monkeypatch):
    project = approved_project(departments["edu"], amount="1000000.00", code="EDU-9", name="校园安全")
    SpendingRecord.objects.create(project=project, date=dt.date(2026, 5, 10), amount=D("100000.00"))
    Tranche.objects.create(project=project, name="第二批", amount=D("300000.00"), status="open")
    jobs.record_warnings(today=dt.date(2026, 7, 1))
    warning = MonitoringWarning.objects.get()
    late = warning.respond_by + dt.timedelta(days=1)

    real_pause = jobs.budget_services.tranches_pause_many

    def slow_pause(**kwargs):
        import time

        time.sleep(0.5)  # the other worker runs its UPDATE meanwhile, and waits on the row
        return real_pause(**kwargs)

    monkeypatch.setattr(jobs.budget_services, "tranches_pause_many", slow_pause)
    barrier = threading.Barrier(2)
    results, errors = [], []

    def worker():
        try:
            barrier.wait()
            results.append(jobs.enforce_response_deadlines(today=late))
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors
    assert sorted(results) == [0, 1]
    assert Tranche.objects.filter(paused_at__isnull=False).count() == 1
    assert AuditEvent.objects.filter(action="budgets.tranches.paused").count() == 1
    assert AuditEvent.objects.filter(action="monitoring.warning.lapsed").count() == 1
    assert Notification.objects.filter(user=users["finance"], kind="monitoring.paused").count() == 1
    assert Notification.objects.filter(user=users["filer"], kind="monitoring.paused").count() == 1


def test_two_workers_record_each_warning_once(postgres, departments, users):
    project = approved_project(departments["edu"], amount="1000000.00", code="EDU-8", name="校车")
    SpendingRecord.objects.create(project=project, date=dt.date(2026, 5, 10), amount=D("100000.00"))
    barrier = threading.Barrier(2)
    results, errors = [], []

    def worker():
        try:
            barrier.wait()
            results.append(jobs.record_warnings(today=dt.date(2026, 7, 1)))
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors
    assert sorted(results) == [0, 1]
    assert MonitoringWarning.objects.count() == 1
    assert Notification.objects.filter(user=users["filer"], kind="monitoring.warning").count() == 1
