"""Probing leaves a trace, and no flood (docs/security.md, Audit; findings of the independent probe).

A signed-in user's refusals are each an audit event: 403s, another department's object (404) on the
pages and the API, CSRF failures. Anonymous refusals are counted per source address and window: a
flood writes one event per address and window, with the count, never one per request. On
PostgreSQL the append-only trigger follows the configured retention, as the purge does.
"""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.db import DatabaseError, transaction
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from audit.models import AuditEvent, AuditSettings, DeniedWindow
from audit.services import audit_log, flush_denied_windows, purge_expired

pytestmark = pytest.mark.django_db


def _signed_in(world, role, **kwargs):
    client = Client(**kwargs)
    client.force_login(world.users[role])
    return client


def test_another_departments_object_on_a_page_is_audited(world):
    project = world["project_draft"]  # 教育局's
    response = _signed_in(world, "filer2").get(f"/budgets/projects/{project.pk}/")
    assert response.status_code == 404
    event = AuditEvent.objects.get(action="auth.denied")
    assert event.actor_username == "filer2" and event.outcome == "denied"
    assert event.data == {"path": f"/budgets/projects/{project.pk}/", "method": "GET", "reason": "NotFound"}


def test_another_departments_object_on_the_api_is_audited(world, api):
    project = world["project_draft"]
    response = api("filer2").get(f"/api/v1/budget-projects/{project.pk}/")
    assert response.status_code == 404
    event = AuditEvent.objects.get(action="auth.denied")
    assert event.actor_username == "filer2" and event.data["reason"] == "NotFound"
    assert event.data["path"] == f"/api/v1/budget-projects/{project.pk}/"


def test_a_csrf_failure_of_a_signed_in_user_is_audited(world):
    client = _signed_in(world, "filer", enforce_csrf_checks=True)
    project = world["project_draft"]
    response = client.post(f"/budgets/projects/{project.pk}/submit/", {"version": "1"})
    assert response.status_code == 403
    assert "重新加载" in response.content.decode() or "刷新" in response.content.decode()
    event = AuditEvent.objects.get(action="auth.denied")
    assert event.actor_username == "filer" and event.data["reason"].startswith("CSRF")
    assert event.data["method"] == "POST"


def test_anonymous_refusals_are_one_event_per_address_and_window(world):
    client = APIClient(REMOTE_ADDR="203.0.113.7")
    other = APIClient(REMOTE_ADDR="198.51.100.9")
    before = AuditEvent.objects.count()
    for _ in range(60):
        assert client.get("/api/v1/budget-projects/").status_code in (401, 403)
    for _ in range(3):
        assert other.post("/api/v1/budget-targets/", {}).status_code in (401, 403)
    # Counted, not written one by one.
    assert AuditEvent.objects.count() == before
    windows = {w.source_ip: w.count for w in DeniedWindow.objects.all()}
    assert windows == {"203.0.113.7": 60, "198.51.100.9": 3}

    # When the window has closed, each address's refusals become one event with the count.
    later = timezone.now() + dt.timedelta(minutes=2)
    assert flush_denied_windows(now=later) == 2
    events = {e.source_ip: e for e in AuditEvent.objects.filter(action="auth.denied_anonymous")}
    assert set(events) == {"203.0.113.7", "198.51.100.9"}
    assert events["203.0.113.7"].data["count"] == 60 and events["203.0.113.7"].outcome == "denied"
    assert events["203.0.113.7"].data["first_path"] == "/api/v1/budget-projects/"
    assert events["198.51.100.9"].data["count"] == 3
    assert not DeniedWindow.objects.exists()
    assert flush_denied_windows(now=later) == 0  # nothing twice


def test_the_next_window_flushes_the_closed_ones_by_itself(world):
    client = APIClient(REMOTE_ADDR="203.0.113.7")
    client.get("/api/v1/budget-projects/")
    client.get("/api/v1/budget-projects/")
    with mock.patch("django.utils.timezone.now", return_value=timezone.now() + dt.timedelta(minutes=2)):
        client.get("/api/v1/budget-projects/")
    event = AuditEvent.objects.get(action="auth.denied_anonymous")
    assert event.data["count"] == 2
    assert DeniedWindow.objects.get().count == 1  # the new window counts on


def test_an_anonymous_csrf_failure_is_counted(world):
    client = Client(enforce_csrf_checks=True, REMOTE_ADDR="203.0.113.8")
    response = client.post("/accounts/login/", {"username": "filer", "password": "x"})
    assert response.status_code == 403
    window = DeniedWindow.objects.get(source_ip="203.0.113.8")
    assert window.count == 1 and window.last_reason.startswith("CSRF")
    assert not AuditEvent.objects.filter(action="auth.denied").exists()


def test_the_flush_is_a_periodic_job():
    from perfgov.celery import app

    app.loader.import_default_modules()
    tasks = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert "audit.tasks.flush_denied_windows" in tasks and "audit.tasks.flush_denied_windows" in app.tasks


def _old_event(days):
    with mock.patch("django.utils.timezone.now", return_value=timezone.now() - dt.timedelta(days=days)):
        return audit_log("test.old")


@pytest.mark.services
def test_postgresql_trigger_follows_the_configured_retention(postgres):
    AuditSettings.objects.update_or_create(pk=1, defaults={"retention_days": 400})
    event = _old_event(300)  # older than six months, younger than the retention
    with pytest.raises(DatabaseError), transaction.atomic(), postgres.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()

    # The retention lowered to 200 days: the database lets the same row go, as the purge does.
    AuditSettings.objects.filter(pk=1).update(retention_days=200)
    assert purge_expired()["deleted"] == 1
    assert not AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.services
def test_postgresql_trigger_never_goes_below_six_months(postgres):
    AuditSettings.objects.update_or_create(pk=1, defaults={"retention_days": 365})
    with postgres.cursor() as cursor:
        # Even if the settings row were forced below the minimum, the trigger keeps 183 days.
        cursor.execute("ALTER TABLE audit_auditsettings DROP CONSTRAINT audit_retention_at_least_six_months")
        cursor.execute("UPDATE audit_auditsettings SET retention_days = 10 WHERE id = 1")
    event = _old_event(100)
    with pytest.raises(DatabaseError), transaction.atomic(), postgres.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()
