"""Retention of the notification centre: read ones go after 180 days, any after 365, never one
whose e-mail is still to be sent; in batches."""

import datetime as dt

from django.utils import timezone

from notifications import services, tasks
from notifications.models import Notification


def _notification(user, *, days: int, read: bool = False, emailed: bool = True, title: str = "") -> Notification:
    n = Notification.objects.create(user=user, kind="test", title=title or f"{days} days")
    at = timezone.now() - dt.timedelta(days=days)
    Notification.objects.filter(pk=n.pk).update(
        created_at=at, read_at=at if read else None, emailed_at=at if emailed else None
    )
    return n


def test_old_read_and_very_old_notifications_go_others_stay(db, users):
    filer = users["filer"]
    stay = [
        _notification(filer, days=179, read=True),
        _notification(filer, days=364),  # unread, under a year
        _notification(filer, days=400, emailed=False),  # its e-mail is still to be sent
    ]
    go = [_notification(filer, days=181, read=True), _notification(filer, days=366)]
    assert services.purge_old(batch=1) == 2  # one per batch
    left = set(Notification.objects.values_list("pk", flat=True))
    assert {n.pk for n in stay} <= left and not ({n.pk for n in go} & left)


def test_the_daily_task_is_scheduled_and_purges(db, users):
    from perfgov.celery import app

    assert any(
        entry["task"] == "notifications.tasks.purge_old_notifications" for entry in app.conf.beat_schedule.values()
    )
    _notification(users["filer"], days=500)
    assert tasks.purge_old_notifications.delay().get() == 1
