"""Sending notifications: in-app rows, e-mail on commit, and idempotent alert keys."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from core.bulk import pg_array

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
) -> int:
    """Create a notification for each user; e-mail them after the transaction commits.

    ``title`` and ``body`` are already translated text (render them in the recipient's
    language before calling).
    """
    return notify_many(
        [{"users": users, "kind": kind, "title": title, "body": body, "link": link, "level": level, "email": email}]
    )


def _queue_email(ids: list[int]) -> None:
    """E-mail after commit, from a worker; if the broker is down the periodic job sends them later."""
    if not ids:
        return
    from core.tasks import enqueue

    from .tasks import send_notification_emails

    transaction.on_commit(lambda: enqueue(send_notification_emails, ids))


def send_emails(ids: list[int] | None = None) -> int:
    """Send the e-mails not sent yet (of ``ids``, or all recent ones); a mail failure never undoes them."""
    qs = Notification.objects.filter(emailed_at__isnull=True, email_wanted=True).select_related("user")
    qs = qs.filter(pk__in=ids) if ids is not None else qs.filter(created_at__gte=timezone.now() - timedelta(days=3))
    sent = 0
    for n in qs:
        if not n.user.email:
            continue
        # Claim the row before sending (one atomic UPDATE, committed at once): of two runs that
        # overlap, only the one whose UPDATE changed the row sends the e-mail.
        claimed_at = timezone.now()
        if not Notification.objects.filter(pk=n.pk, emailed_at__isnull=True).update(emailed_at=claimed_at):
            continue
        try:
            send_mail(n.title, f"{n.body}\n\n{n.link}".strip(), settings.DEFAULT_FROM_EMAIL, [n.user.email])
        except Exception:  # the mail server being down must not lose the in-app notification
            logger.exception("could not e-mail notification %s", n.pk)
            Notification.objects.filter(pk=n.pk, emailed_at=claimed_at).update(emailed_at=None)  # try again later
            continue
        sent += 1
    return sent


def mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())


def claim_alerts(keys: Iterable[tuple]) -> set[tuple]:
    """Claim many alert keys in one statement; returns those this caller inserted.

    Keys are (kind, department_id, period, level, subject). INSERT … ON CONFLICT DO NOTHING
    RETURNING is atomic in PostgreSQL and SQLite: of two workers racing, each key is returned
    to exactly one of them. The keys go in sorted, so two workers claiming overlapping keys take
    their row locks in the same order. On PostgreSQL all of them are one statement (one array a
    column), however many there are.
    """
    from django.db import connection

    keys = sorted(set(keys))
    if not keys:
        return set()
    table = AlertKey._meta.db_table
    now = timezone.now()
    claimed: set[tuple] = set()
    returning = "RETURNING kind, department_id, period, level, subject"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            columns = [pg_array(c) for c in zip(*keys, strict=True)]
            cursor.execute(
                f"INSERT INTO {table} (kind, department_id, period, level, subject, created_at) "  # noqa: S608
                "SELECT k.kind, k.department_id, k.period, k.level, k.subject, %s FROM unnest("
                "%s::varchar[], %s::bigint[], %s::varchar[], %s::varchar[], %s::varchar[]) "
                f"AS k(kind, department_id, period, level, subject) ON CONFLICT DO NOTHING {returning}",
                [now, *columns],
            )
            return {tuple(row) for row in cursor.fetchall()}
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            placeholders = ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(chunk))
            params = [v for k in chunk for v in (k[0], k[1], k[2], k[3], k[4], now)]
            cursor.execute(
                f"INSERT INTO {table} (kind, department_id, period, level, subject, created_at) "  # noqa: S608
                f"VALUES {placeholders} ON CONFLICT DO NOTHING {returning}",
                params,
            )
            claimed.update(tuple(row) for row in cursor.fetchall())
    return claimed


def notify_many(messages: Iterable[dict]) -> int:
    """Create many notifications in one insert; each message is notify()'s keyword arguments.
    Returns the number created. A job may send tens of thousands: on PostgreSQL the messages
    (kind, level, title, body, link) go once each and the rows as (user, message) pairs, in one
    INSERT … SELECT from the two joined by the message's position."""
    texts, rows = [], []
    for m in messages:
        seen = set()
        for u in m["users"]:
            if u.pk not in seen and u.is_active:
                seen.add(u.pk)
                rows.append((u.pk, len(texts) + 1))
        if seen:
            texts.append(
                (
                    m["kind"],
                    m.get("level", Notification.Level.INFO),
                    str(m["title"])[:200],
                    str(m.get("body", "")),
                    m.get("link", ""),
                    bool(m.get("email", True)),
                )
            )
    if not rows:
        return 0
    _queue_email(_insert(texts, rows))
    return len(rows)


def _insert(texts: list[tuple], rows: list[tuple]) -> list[int]:
    """Insert the (user id, message position from 1) rows of the (kind, level, title, body, link,
    e-mail wanted) messages; returns the ids to e-mail."""
    from django.db import connection

    now = timezone.now()
    if connection.vendor != "postgresql":
        created = Notification.objects.bulk_create(
            [
                Notification(user_id=u, kind=k, level=lv, title=t, body=b, link=li, email_wanted=e, created_at=now)
                for u, n in rows
                for k, lv, t, b, li, e in [texts[n - 1]]
            ],
            batch_size=1000,
        )
        return [n.pk for n in created if n.pk is not None and n.email_wanted]
    table = Notification._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (user_id, kind, level, title, body, link, email_wanted, created_at) "  # noqa: S608
            "SELECT r.user_id, m.kind, m.level, m.title, m.body, m.link, m.email_wanted, %s "
            "FROM unnest(%s::bigint[], %s::integer[]) AS r(user_id, message) "
            "JOIN unnest(%s::varchar[], %s::varchar[], %s::varchar[], %s::text[], %s::varchar[], %s::boolean[]) "
            "WITH ORDINALITY AS m(kind, level, title, body, link, email_wanted, n) ON m.n = r.message "
            "RETURNING id, email_wanted",
            [now, *(pg_array(c) for c in zip(*rows, strict=True)), *(pg_array(c) for c in zip(*texts, strict=True))],
        )
        return [pk for pk, wanted in cursor.fetchall() if wanted]


def purge_old(*, now=None, batch: int = 10_000) -> int:
    """Retention of the notification centre (docs/operations.md, section 7): a read notification
    goes after ``NOTIFICATION_READ_DAYS`` (180), any notification after ``NOTIFICATION_KEEP_DAYS``
    (365); one whose e-mail is still to be sent stays until it is sent. In batches, each its own
    transaction. The alert keys stay: they are what keeps an alert from being sent twice.
    """
    from django.db.models import Q

    now = now or timezone.now()
    read_before = now - timedelta(days=settings.NOTIFICATION_READ_DAYS)
    any_before = now - timedelta(days=settings.NOTIFICATION_KEEP_DAYS)
    expired = Notification.objects.filter(
        Q(read_at__isnull=False, created_at__lt=read_before) | Q(created_at__lt=any_before)
    ).exclude(email_wanted=True, emailed_at__isnull=True)
    deleted = 0
    while True:
        with transaction.atomic():
            ids = list(expired.order_by("id").values_list("id", flat=True)[:batch])
            if not ids:
                return deleted
            deleted += Notification.objects.filter(id__in=ids).delete()[0]
