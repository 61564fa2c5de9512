"""Sessions that ended by themselves (docs/security.md, Sessions).

The session store drops a session idle for ``SESSION_COOKIE_AGE``, and the browser forgets its
cookie at the same moment: the user never comes back with it, so the request-time check of
``SessionLifetimeMiddleware`` cannot see an idle logout. ``end_expired_sessions`` finds the
expired session rows, records each signed-in one as ``auth.session_expired`` (reason ``idle``, or
``absolute`` when the 12 hours ran out first) and deletes it. It runs every five minutes (Celery
beat, ``manage.py end_expired_sessions``) and at once when a request still carries such a cookie;
it replaces Django's ``clearsessions``, which would delete the rows unaudited.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from audit.services import audit_log

from .signals import SESSION_LOGIN_AT, SESSION_SEEN_AT


def _iso(timestamp) -> str | None:
    if not isinstance(timestamp, int | float):
        return None
    return dt.datetime.fromtimestamp(timestamp, tz=dt.UTC).isoformat()


def _reason(data: dict, expire_date: dt.datetime) -> str:
    login_at = data.get(SESSION_LOGIN_AT)
    if isinstance(login_at, int | float) and expire_date.timestamp() - login_at >= settings.SESSION_ABSOLUTE_SECONDS:
        return "absolute"
    return "idle"


def end_expired_sessions(*, now: dt.datetime | None = None, keys: list[str] | None = None, batch: int = 500) -> int:
    """Audit and delete expired sessions (only ``keys`` if given). Returns how many were signed in.

    Each row is deleted before it is recorded, in one transaction: two runs at once record a
    session once."""
    from .models import User

    now = now or timezone.now()
    expired = Session.objects.filter(expire_date__lte=now)
    if keys is not None:
        expired = expired.filter(session_key__in=[k for k in keys if k])
    ended = 0
    while True:
        rows = list(expired.order_by("expire_date").values_list("session_key", "session_data", "expire_date")[:batch])
        if not rows:
            return ended
        for key, raw, expire_date in rows:
            with transaction.atomic():
                if not Session.objects.filter(session_key=key, expire_date__lte=now).delete()[0]:
                    continue  # another run ended it
                data = SessionStore().decode(raw)
                user_id = data.get(SESSION_KEY)
                user = User.objects.filter(pk=user_id).first() if user_id else None
                if user is None:
                    continue
                audit_log(
                    "auth.session_expired",
                    actor=user,
                    obj=user,
                    request=None,
                    data={
                        "reason": _reason(data, expire_date),
                        "login_at": _iso(data.get(SESSION_LOGIN_AT)),
                        "last_seen_at": _iso(data.get(SESSION_SEEN_AT)),
                        "expired_at": expire_date,
                    },
                )
                ended += 1
        if keys is not None:
            return ended
