"""Lockouts reach the audit log; a login starts the session clocks (docs/security.md, Sessions)."""

from __future__ import annotations

import time

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from audit.models import Outcome
from audit.services import audit_log

SESSION_LOGIN_AT = "pg_login_at"
SESSION_SEEN_AT = "pg_seen_at"


@receiver(user_locked_out)
def _locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    # axes repeats the signal for each refused attempt during a lock; only the lock itself is
    # an event here (the refused attempts are audited as failed logins).
    if request is not None and getattr(request, "axes_failures_since_start", None) is None:
        return
    from .models import User
    from .security import lockout_minutes

    user = User.objects.filter(username=username).first() if username else None
    audit_log(
        "auth.locked_out",
        request=request,
        obj=user,
        object_type="organizations.user",
        object_repr=username or "",
        outcome=Outcome.FAILURE,
        data={
            "username": username,
            "failures": getattr(request, "axes_failures_since_start", None),
            "minutes": lockout_minutes(),
        },
    )


@receiver(user_logged_in)
def _start_session_clock(sender, request, user, **kwargs):
    from django.contrib.auth import SESSION_KEY

    session = getattr(request, "session", None)
    # Only a session login (not the token endpoint, which signals a login without a session).
    if session is not None and SESSION_KEY in session:
        now = time.time()
        session[SESSION_LOGIN_AT] = now
        session[SESSION_SEEN_AT] = now
