"""Account policy of docs/security.md, Authentication: expiry, two-factor, lockout.

Small functions that the login views, the middleware and the token endpoint share, so the
browser and the API apply the same rules.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Max, Sum
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import ngettext

# --- Passwords ------------------------------------------------------------------------------


def password_expires_at(user) -> dt.datetime | None:
    """When the password expires: PASSWORD_EXPIRY_DAYS after it was last set (or the account made)."""
    days = getattr(settings, "PASSWORD_EXPIRY_DAYS", 90)
    if not days:
        return None
    changed = user.password_changed_at or user.date_joined
    return changed + dt.timedelta(days=days) if changed else None


def password_expired(user, now: dt.datetime | None = None) -> bool:
    expires = password_expires_at(user)
    return expires is not None and expires <= (now or timezone.now())


def must_change_password(user) -> bool:
    """Set by an administrator (new account, reset) or by expiry: nothing else until changed."""
    return bool(user.must_change_password) or password_expired(user)


# --- Two-factor -----------------------------------------------------------------------------


def otp_required_for_role(role: str) -> bool:
    return role in set(getattr(settings, "OTP_REQUIRED_ROLES", ()))


def confirmed_device(user):
    """The user's confirmed TOTP device, or None."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if user is None or user.pk is None:
        return None
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def needs_second_factor(user) -> bool:
    """A role that requires two-factor login, or a user who enrolled of their own accord."""
    return otp_required_for_role(user.role) or confirmed_device(user) is not None


# --- Lockout (django-axes) ------------------------------------------------------------------


def lockout_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


@dataclass(frozen=True)
class Lock:
    username: str
    failures: int
    last_failure: dt.datetime
    last_address: str | None

    @property
    def locked_until(self) -> dt.datetime:
        return self.last_failure + settings.AXES_COOLOFF_TIME

    @property
    def minutes_left(self) -> int:
        seconds = (self.locked_until - timezone.now()).total_seconds()
        return max(1, int(-(-seconds // 60)))


def current_locks(username: str | None = None) -> list[Lock]:
    """Usernames locked now: at least AXES_FAILURE_LIMIT failures within the lockout period."""
    from axes.models import AccessAttempt

    since = timezone.now() - settings.AXES_COOLOFF_TIME
    qs = AccessAttempt.objects.filter(attempt_time__gte=since).exclude(username=None)
    if username is not None:
        qs = qs.filter(username=username)
    rows = (
        qs.values("username")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        .order_by("-last")
    )
    locks = []
    for row in rows:
        latest = qs.filter(username=row["username"]).order_by("-attempt_time").first()
        locks.append(
            Lock(
                username=row["username"],
                failures=row["failures"],
                last_failure=row["last"],
                last_address=latest.ip_address if latest else None,
            )
        )
    return locks


def lockout_message(minutes: int) -> str:
    return ngettext(
        "This account is locked after too many failed logins. Try again in %(minutes)d minute, "
        "or ask the security administrator to unlock it.",
        "This account is locked after too many failed logins. Try again in %(minutes)d minutes, "
        "or ask the security administrator to unlock it.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """What a locked-out caller sees (AXES_LOCKOUT_CALLABLE).

    API: JSON 429 with a message. Browser: the login page again, with the message on top.
    """
    from axes.helpers import get_client_username

    username = get_client_username(request, credentials) or ""
    locks = current_locks(username) if username else []
    minutes = locks[0].minutes_left if locks else lockout_minutes()
    message = lockout_message(minutes)
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message, "code": "locked_out"}, status=429)
        response["Retry-After"] = str(minutes * 60)
        return response
    from .forms import LoginForm

    form = LoginForm(request, initial={"username": username})
    return render(request, "registration/login.html", {"form": form, "locked_message": message}, status=429)
