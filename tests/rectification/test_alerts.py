"""Reminders before the deadline, overdue alerts and escalation to the issuing office, idempotent."""

import datetime as dt

import pytest

from notifications.models import Notification
from rectification import jobs, services

from .conftest import pdf

pytestmark = pytest.mark.django_db
DEADLINE = dt.date(2026, 9, 30)


def kinds(user):
    qs = Notification.objects.filter(user=user, kind__startswith="rectification.").exclude(kind="rectification.created")
    return sorted(qs.values_list("kind", flat=True))


def test_reminder_overdue_and_escalation_each_once(item, users):
    assert jobs.send_alerts(today=DEADLINE - dt.timedelta(days=8)) == 0  # too early
    assert jobs.send_alerts(today=DEADLINE - dt.timedelta(days=7)) == 1
    assert jobs.send_alerts(today=DEADLINE - dt.timedelta(days=1)) == 0  # reminded once
    assert jobs.send_alerts(today=DEADLINE) == 0  # the deadline day is not overdue
    assert kinds(users["filer"]) == ["rectification.reminder"]
    assert jobs.send_alerts(today=DEADLINE + dt.timedelta(days=1)) == 1
    assert jobs.send_alerts(today=DEADLINE + dt.timedelta(days=2)) == 0
    assert kinds(users["filer"]) == ["rectification.overdue", "rectification.reminder"]
    assert kinds(users["supervisor"]) == []
    assert jobs.send_alerts(today=DEADLINE + dt.timedelta(days=5)) == 1  # escalated to the issuer
    assert jobs.send_alerts(today=DEADLINE + dt.timedelta(days=6)) == 0
    assert kinds(users["supervisor"]) == ["rectification.escalated"]
    assert kinds(users["finance"]) == []  # not the issuer of this item
    assert kinds(users["filer2"]) == []


def test_an_item_submitted_or_closed_is_not_chased(item, users):
    services.item_progress(item=item, actor=users["filer"], measures_taken="已整改", progress=100)
    services.evidence_add(item=item, upload=pdf(), actor=users["filer"])
    services.item_submit(item=item, actor=users["filer"])
    assert jobs.send_alerts(today=DEADLINE + dt.timedelta(days=10)) == 0
