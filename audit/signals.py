"""Login, logout, failed login and refused requests reach the audit log."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from core.signals import access_denied

from .models import Outcome
from .services import audit_denied, audit_log


@receiver(access_denied)
def _access_denied(sender, request, reason="", **kwargs):
    audit_denied(request=request, reason=reason)


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    factor = getattr(request, "pg_second_factor", None)
    audit_log("auth.login", actor=user, obj=user, request=request, data={"second_factor": factor} if factor else None)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit_log("auth.logout", actor=user, obj=user, request=request)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    credentials = credentials or {}
    username = credentials.get("username", "")
    data = {"username": username}
    if credentials.get("stage"):
        data["stage"] = credentials["stage"]  # e.g. "otp": the password was right, the code was not
    if getattr(request, "axes_locked_out", False) and getattr(request, "axes_failures_since_start", 0) is None:
        data["locked"] = True  # refused because the username was already locked
    audit_log(
        "auth.login_failed",
        request=request,
        object_type="organizations.user",
        object_repr=username,
        outcome=Outcome.FAILURE,
        data=data,
    )
