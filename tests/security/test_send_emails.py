"""Notification e-mails: two overlapping ``send_emails`` runs send each e-mail once.

On PostgreSQL with two connections: while the first run is sending (inside the mail call), a
second run starts in another thread with its own connection and finishes. Each row is claimed
before it is sent, so the second run finds nothing left to send.
"""

from __future__ import annotations

import threading

import pytest

from notifications import services
from notifications.models import Notification

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_two_overlapping_runs_send_each_email_once(postgres, django_user_model, monkeypatch):
    user = django_user_model.objects.create(username="mailee", email="mailee@example.gov.cn", role="supervisor")
    note = Notification.objects.create(user=user, kind="test", title="报告被退回", email_wanted=True)
    sent, lock = [], threading.Lock()
    second_run = {}

    def other_run():
        from django.db import connections

        try:
            second_run["count"] = services.send_emails([note.pk])
        finally:
            connections.close_all()

    def fake_send_mail(subject, body, sender, recipients):
        with lock:
            sent.append((subject, tuple(recipients), threading.get_ident()))
            first = len(sent) == 1
        if first:  # the second run overlaps the first one's sending
            thread = threading.Thread(target=other_run)
            thread.start()
            thread.join(timeout=30)
        return 1

    monkeypatch.setattr(services, "send_mail", fake_send_mail)
    assert services.send_emails([note.pk]) == 1
    assert second_run == {"count": 0}
    assert len(sent) == 1
    note.refresh_from_db()
    assert note.emailed_at is not None


def test_a_failed_mail_is_released_for_the_next_run(postgres, django_user_model, monkeypatch):
    user = django_user_model.objects.create(username="mailee2", email="mailee2@example.gov.cn", role="supervisor")
    note = Notification.objects.create(user=user, kind="test", title="提醒", email_wanted=True)

    def down(*args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr(services, "send_mail", down)
    assert services.send_emails([note.pk]) == 0
    note.refresh_from_db()
    assert note.emailed_at is None
    monkeypatch.setattr(services, "send_mail", lambda *a, **k: 1)
    assert services.send_emails([note.pk]) == 1
