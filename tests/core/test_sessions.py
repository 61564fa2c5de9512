"""Sessions (docs/security.md, Authentication — Sessions): idle timeout 30 minutes, absolute lifetime
12 hours. Time travel by moving the timestamps the session stores, never by sleeping."""

import time

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent


def _shift(client, key, seconds_ago):
    session = client.session
    session[key] = time.time() - seconds_ago
    session.save()


def test_settings_are_30_minutes_idle_and_12_hours_absolute(settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.SESSION_SAVE_EVERY_REQUEST
    assert settings.SESSION_ABSOLUTE_SECONDS == 12 * 3600


@pytest.mark.parametrize(("ago", "expired"), [(12 * 3600 - 60, False), (12 * 3600 + 1, True)])
def test_absolute_lifetime(client_for, ago, expired):
    client = client_for("filer")
    _shift(client, "pg_login_at", ago)
    response = client.get("/")
    if expired:
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
        assert "_auth_user_id" not in client.session
        event = AuditEvent.objects.get(action="auth.session_expired")
        assert event.actor_username == "filer" and event.data["reason"] == "absolute"
        assert client.get("/").status_code == 302  # really signed out
    else:
        assert response.status_code == 200
        assert not AuditEvent.objects.filter(action="auth.session_expired").exists()


@pytest.mark.parametrize(("ago", "expired"), [(29 * 60, False), (31 * 60, True)])
def test_idle_timeout(client_for, ago, expired):
    client = client_for("leader")
    client.get("/")
    _shift(client, "pg_seen_at", ago)
    response = client.get("/")
    assert (response.status_code == 302) is expired
    if expired:
        assert AuditEvent.objects.get(action="auth.session_expired").data["reason"] == "idle"


def test_activity_keeps_an_idle_session_alive_but_not_past_12_hours(client_for):
    client = client_for("leader")
    for hours in (1, 5, 11):
        _shift(client, "pg_login_at", hours * 3600)
        _shift(client, "pg_seen_at", 10 * 60)
        assert client.get("/").status_code == 200
    _shift(client, "pg_login_at", 12 * 3600 + 5)
    assert client.get("/").status_code == 302


def test_the_session_store_expires_an_idle_session_too(client_for):
    client = client_for("leader")
    client.get("/")
    stored = Session.objects.get(session_key=client.session.session_key)
    remaining = (stored.expire_date - timezone.now()).total_seconds()
    assert 29 * 60 < remaining <= 30 * 60 + 5  # renewed on every request, 30 minutes ahead
    Session.objects.filter(pk=stored.pk).update(expire_date=timezone.now() - timezone.timedelta(seconds=1))
    assert client.get("/").status_code == 302


def test_an_expired_session_on_the_api_answers_json(client_for):
    client = client_for("leader")
    assert client.get("/api/v1/me/").status_code == 200
    _shift(client, "pg_login_at", 13 * 3600)
    response = client.get("/api/v1/me/")
    assert response.status_code in (401, 403) and response.json()["detail"]


# --- Idle logouts are audited (finding of the independent probe) -----------------------------


def _expire_in_store(client, seconds_ago=1):
    """What the store does after 30 idle minutes: the session row is past its expiry date."""
    key = client.session.session_key
    Session.objects.filter(pk=key).update(expire_date=timezone.now() - timezone.timedelta(seconds=seconds_ago))
    return key


def test_an_idle_logout_by_the_store_is_audited_when_the_user_comes_back(client_for):
    client = client_for("leader")
    client.get("/")
    key = _expire_in_store(client)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    event = AuditEvent.objects.get(action="auth.session_expired")
    assert event.actor_username == "leader" and event.data["reason"] == "idle"
    assert event.data["last_seen_at"] and event.data["expired_at"]
    assert not Session.objects.filter(pk=key).exists()


def test_the_sweep_audits_idle_sessions_nobody_comes_back_to(client_for, users):
    from io import StringIO

    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command

    leader, filer = client_for("leader"), client_for("filer")
    leader.get("/")
    filer.get("/")
    _expire_in_store(leader)
    long_ago = time.time() - 13 * 3600
    _shift(filer, "pg_login_at", 13 * 3600)
    _expire_in_store(filer)
    anonymous = SessionStore()
    anonymous["something"] = 1
    anonymous.create()
    Session.objects.filter(pk=anonymous.session_key).update(expire_date=timezone.now() - timezone.timedelta(hours=1))
    alive = client_for("supervisor")
    alive.get("/")

    out = StringIO()
    call_command("end_expired_sessions", stdout=out)
    assert "2 expired sessions" in out.getvalue()
    events = {e.actor_username: e for e in AuditEvent.objects.filter(action="auth.session_expired")}
    assert set(events) == {"leader", "filer"}
    assert events["leader"].data["reason"] == "idle"
    assert events["filer"].data["reason"] == "absolute" and events["filer"].data["login_at"].startswith(
        time.strftime("%Y-%m-%d", time.gmtime(long_ago))
    )
    assert list(Session.objects.values_list("session_key", flat=True)) == [alive.session.session_key]
    call_command("end_expired_sessions", stdout=StringIO())  # nothing twice
    assert AuditEvent.objects.filter(action="auth.session_expired").count() == 2


def test_the_sweep_is_a_periodic_job():
    from perfgov.celery import app

    app.loader.import_default_modules()
    tasks = {entry["task"] for entry in app.conf.beat_schedule.values()}
    name = "organizations.tasks.end_expired_sessions"
    assert name in tasks and name in app.tasks
