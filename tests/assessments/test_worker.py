"""The jobs through a real Celery worker on Redis (CI: REDIS_URL set, REQUIRE_SERVICES=1).

Run twice, the overdue job still delivers exactly one alert to the filer; escalation and lag
warnings reach the supervision office."""

import datetime as dt
import time

import pytest

from assessments import services
from notifications.models import Notification

from .test_reports import fill


def wait_for(predicate, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


@pytest.fixture
def worker(redis_url, postgres):
    """A worker thread consuming from Redis; the test database must be PostgreSQL (shared across threads)."""
    from celery.contrib.testing.worker import start_worker

    from perfgov.celery import app

    saved = {"task_always_eager": app.conf.task_always_eager, "broker_url": app.conf.broker_url}
    app.conf.update(task_always_eager=False, broker_url=redis_url)
    app.loader.import_default_modules()
    try:
        with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING") as w:
            yield w
    finally:
        app.conf.update(**saved)


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_overdue_escalation_and_lag_through_a_real_worker(worker, plan, q3, users, departments, freeze):
    from assessments.tasks import send_lag_warnings, send_overdue_alerts

    freeze(dt.date(2026, 10, 9))
    report = services.report_open(quarter=q3, department=departments["edu"])
    fill(report, users["filer"], roads={"actual_value": "150", "explanation": "征地滞后"})  # lag 25 points
    services.report_submit(report=report, actor=users["filer"])
    freeze(dt.date(2026, 10, 16))  # six days after the deadline: overdue and escalated

    send_overdue_alerts.delay()
    send_overdue_alerts.delay()
    send_lag_warnings.delay()

    def q3_alerts(user, kind):
        return Notification.objects.filter(user=user, kind=kind, title__contains="Q3").count()

    assert wait_for(lambda: q3_alerts(users["filer2"], "report.overdue") >= 1)
    assert wait_for(lambda: Notification.objects.filter(user=users["supervisor"], kind="progress.lag").exists())
    time.sleep(1.0)  # let the second run finish too
    assert q3_alerts(users["filer2"], "report.overdue") == 1
    assert (
        Notification.objects.filter(user=users["supervisor"], kind="report.escalated", title__contains="水利局")
        .filter(title__contains="Q3")
        .count()
        == 1
    )
    assert Notification.objects.filter(user=users["filer"], kind="progress.lag").count() == 1
