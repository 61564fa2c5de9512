"""Retention (docs/security.md, Audit — kept at least six months; retention changes are audited) and
the append-only rule enforced by the database."""

import datetime as dt
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent, AuditSettings
from audit.services import audit_log, purge_expired

RETENTION = "/audit/retention/"


def _old_event(days, action="test.old"):
    with mock.patch("django.utils.timezone.now", return_value=timezone.now() - dt.timedelta(days=days)):
        return audit_log(action)


@pytest.mark.parametrize("role", ["auditor", "security_admin"])
def test_the_audit_and_security_administrators_change_the_retention(client_for, users, role):
    client = client_for(role)
    assert client.get(RETENTION).status_code == 200
    assert AuditSettings.current().retention_days == 365
    assert client.post(RETENTION, {"retention_days": 400}).status_code == 302
    assert AuditSettings.current().retention_days == 400
    event = AuditEvent.objects.get(action="audit.retention_changed")
    assert event.actor_username == role
    assert event.before == {"retention_days": 365} and event.after == {"retention_days": 400}


def test_less_than_six_months_is_refused(client_for, users):
    response = client_for("auditor").post(RETENTION, {"retention_days": 182})
    assert response.status_code == 200 and response.context["form"].errors["retention_days"]
    assert AuditSettings.current().retention_days == 365
    assert not AuditEvent.objects.filter(action="audit.retention_changed").exists()


@pytest.mark.parametrize("role", ["filer", "supervisor", "admin", "leader", "api_client"])
def test_other_roles_cannot_see_or_change_the_retention(client_for, users, role):
    assert client_for(role).get(RETENTION).status_code == 403
    assert client_for(role).post(RETENTION, {"retention_days": 200}).status_code == 403
    assert AuditSettings.current().retention_days == 365


def test_purge_deletes_only_what_is_older_than_the_retention_and_is_audited(db):
    AuditSettings.objects.update_or_create(pk=1, defaults={"retention_days": 200})
    keep = [_old_event(10), _old_event(199)]
    drop = [_old_event(201), _old_event(800)]
    result = purge_expired()
    assert result["deleted"] == 2
    remaining = set(AuditEvent.objects.values_list("pk", flat=True))
    assert {e.pk for e in keep} <= remaining and not ({e.pk for e in drop} & remaining)
    purge = AuditEvent.objects.get(action="audit.purged")
    assert purge.data["deleted"] == 2 and purge.data["retention_days"] == 200


def test_the_purge_command(db, capsys):
    _old_event(400)
    _old_event(100)
    call_command("purge_audit", "--dry-run")
    assert "1 events would be deleted" in capsys.readouterr().out
    assert AuditEvent.objects.filter(action="test.old").count() == 2
    call_command("purge_audit")
    assert "1 events deleted" in capsys.readouterr().out
    assert AuditEvent.objects.filter(action="test.old").count() == 1


def test_the_application_cannot_change_an_event(db):
    event = audit_log("test.recent")
    event.action = "test.changed"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()


def test_sqlite_refuses_update_even_with_raw_sql(db):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite-specific trigger")
    event = audit_log("test.recent")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET action = 'forged' WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "test.recent"


@pytest.mark.services
def test_postgresql_refuses_update_and_recent_delete_even_with_raw_sql(postgres):
    recent = audit_log("test.recent")
    old = _old_event(400)
    with postgres.cursor() as cursor:
        for sql, args in [
            ("UPDATE audit_auditevent SET action = 'forged' WHERE id = %s", [recent.pk]),
            ("UPDATE audit_auditevent SET action = 'forged' WHERE id = %s", [old.pk]),
            ("DELETE FROM audit_auditevent WHERE id = %s", [recent.pk]),
            ("DELETE FROM audit_auditevent", []),
        ]:
            with pytest.raises(DatabaseError), transaction.atomic():
                cursor.execute(sql, args)
        assert AuditEvent.objects.get(pk=recent.pk).action == "test.recent"
        # Older than six months: the retention purge may delete it.
        with transaction.atomic():
            cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [old.pk])
    assert not AuditEvent.objects.filter(pk=old.pk).exists()


@pytest.mark.services
def test_postgresql_purge_works_within_the_trigger(postgres):
    _old_event(400)
    keep = _old_event(100)
    assert purge_expired()["deleted"] == 1
    assert AuditEvent.objects.filter(pk=keep.pk).exists()


def test_retention_page_shows_the_changes(client_for, users):
    client = client_for("auditor")
    client.post(RETENTION, {"retention_days": 500})
    html = client.get(reverse("audit:retention")).content.decode()
    assert "500" in html and "365" in html


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_postgresql_purges_a_large_table_in_batches_each_committed_on_its_own(postgres):
    """50,000 expired events and 1,000 recent ones: the purge deletes the expired in batches,
    oldest first, each in its own transaction (a purge stopped half-way keeps what it deleted)."""
    with postgres.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_auditevent (at, actor_username, actor_role, action, object_type, object_id, "
            "object_repr, outcome) SELECT now() - interval '400 days' + n * interval '1 second', '', '', "
            "'test.bulk', '', '', '', 'success' FROM generate_series(1, 50000) n"
        )
        cursor.execute(
            "INSERT INTO audit_auditevent (at, actor_username, actor_role, action, object_type, object_id, "
            "object_repr, outcome) SELECT now() - interval '10 days', '', '', 'test.recent', '', '', '', "
            "'success' FROM generate_series(1, 1000)"
        )
    result = purge_expired(batch=8_000)
    assert result["deleted"] == 50_000 and result["batches"] == 7
    assert not AuditEvent.objects.filter(action="test.bulk").exists()
    assert AuditEvent.objects.filter(action="test.recent").count() == 1_000
    assert AuditEvent.objects.get(action="audit.purged").data["batches"] == 7

    # Stopped after its second batch: the two batches stay deleted, the oldest first.
    with postgres.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_auditevent (at, actor_username, actor_role, action, object_type, object_id, "
            "object_repr, outcome) SELECT now() - interval '400 days' + n * interval '1 second', '', '', "
            "'test.bulk', '', '', '', 'success' FROM generate_series(1, 30000) n"
        )
    real_delete = AuditEvent.objects.none()._raw_delete.__func__
    calls = []

    def failing_delete(queryset, using):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("stopped")
        return real_delete(queryset, using)

    with mock.patch("django.db.models.query.QuerySet._raw_delete", failing_delete), pytest.raises(RuntimeError):
        purge_expired(batch=10_000)
    left = AuditEvent.objects.filter(action="test.bulk")
    assert left.count() == 10_000
    # Times from the inserted rows themselves (the n-th row is n seconds after the first), not
    # from the clock at this line, which a slow machine moves on.
    newest = left.order_by("-at").values_list("at", flat=True).first()
    oldest_left = left.order_by("at").values_list("at", flat=True).first()
    assert oldest_left > newest - dt.timedelta(seconds=10_000)
