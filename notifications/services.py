"""Sending notifications: in-app rows, e-mail on commit, and idempotent alert keys."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import AlertKey, Notification

logger = logging.getLogger(__name__)


def notify(
    *,
    users: Iterable,
    kind: str,
    title: str,
    body: str = "",
    link: str = "",
    level: str = Notification.Level.INFO,
    email: bool = True,
) -> list[Notification]:
    """Create a notification for each user; e-mail them after the transaction commits.

    ``title`` and ``body`` are already translated text (render them in the recipient's
    language before calling).
    """
    rows = [
        Notification(user=u, kind=kind, title=str(title)[:200], body=str(body), link=link, level=level)
        for u in {u.pk: u for u in users}.values()
        if u.is_active
    ]
    created = Notification.objects.bulk_create(rows)
    if email and created:
        ids = [n.pk for n in created if n.pk is not None]
        transaction.on_commit(lambda: _email(ids or [n.pk for n in created]))
    return created


def _email(ids: list) -> None:
    """Send the e-mails of just-committed notifications; a mail failure never undoes them."""
    qs = Notification.objects.filter(pk__in=[i for i in ids if i]).select_related("user")
    for n in qs:
        if not n.user.email:
            continue
        try:
            send_mail(n.title, f"{n.body}\n\n{n.link}".strip(), settings.DEFAULT_FROM_EMAIL, [n.user.email])
        except Exception:  # the mail server being down must not lose the in-app notification
            logger.exception("could not e-mail notification %s", n.pk)
            continue
        Notification.objects.filter(pk=n.pk).update(emailed_at=timezone.now())


def claim_alert(*, kind: str, department, period: str = "", level: str = "", subject: str = "") -> bool:
    """Insert the alert's key; True if this caller is the first and should send it.

    Runs in a savepoint so a duplicate does not break the caller's transaction. Two workers
    racing insert once: the loser gets IntegrityError and sends nothing.
    """
    try:
        with transaction.atomic():
            AlertKey.objects.create(kind=kind, department=department, period=period, level=level, subject=subject)
    except IntegrityError:
        return False
    return True


def mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())
