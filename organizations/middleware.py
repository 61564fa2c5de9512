"""Account middleware: the session's lifetime and the password policy (docs/security.md)."""

from __future__ import annotations

import time

from django.conf import settings

from core.middleware import is_api as _is_api


class SessionLifetimeMiddleware:
    """Idle timeout and absolute lifetime of a signed-in session (docs/security.md, Sessions).

    The session store already drops a session idle for SESSION_COOKIE_AGE (saved on every
    request); this also ends it SESSION_ABSOLUTE_SECONDS after login however active it was,
    and records both ends in the audit log as ``auth.session_expired``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        if user is not None and session is not None and user.is_authenticated:
            expired = self.check(request, session)
            if expired:
                return self.expire(request, expired)
        elif session is not None and request.COOKIES.get(settings.SESSION_COOKIE_NAME):
            # The cookie names a session the store no longer serves: ended by the idle timeout
            # (or the 12 hours) since the last request. Audited now, not only by the next sweep.
            from .sessions import end_expired_sessions

            end_expired_sessions(keys=[request.COOKIES[settings.SESSION_COOKIE_NAME]])
        return self.get_response(request)

    @staticmethod
    def check(request, session) -> str | None:
        from .signals import SESSION_LOGIN_AT, SESSION_SEEN_AT

        now = time.time()
        login_at = session.get(SESSION_LOGIN_AT)
        seen_at = session.get(SESSION_SEEN_AT)
        if login_at is None:  # a session from before this policy: its clock starts now
            session[SESSION_LOGIN_AT] = login_at = now
        if now - login_at > settings.SESSION_ABSOLUTE_SECONDS:
            return "absolute"
        if seen_at is not None and now - seen_at > settings.SESSION_COOKIE_AGE:
            return "idle"
        session[SESSION_SEEN_AT] = now
        return None

    def expire(self, request, reason: str):
        from django.contrib import messages
        from django.contrib.auth import REDIRECT_FIELD_NAME
        from django.contrib.auth.models import AnonymousUser
        from django.contrib.auth.views import redirect_to_login
        from django.utils.translation import gettext as _

        from audit.services import audit_log

        from .signals import SESSION_LOGIN_AT

        user = request.user
        audit_log(
            "auth.session_expired",
            actor=user,
            obj=user,
            request=request,
            data={"reason": reason, "login_at": request.session.get(SESSION_LOGIN_AT)},
        )
        request.session.flush()
        request.user = AnonymousUser()
        if _is_api(request):
            return self.get_response(request)  # continues unauthenticated: 401/403 as usual
        messages.info(request, _("Your session has expired. Please log in again."))
        return redirect_to_login(request.get_full_path(), settings.LOGIN_URL, REDIRECT_FIELD_NAME)


class PasswordPolicyMiddleware:
    """A user who must change the password (set by an administrator, or expired) reaches only
    the change page, logout, static files and the language switch (docs/security.md, Passwords)."""

    ALLOWED_URL_NAMES = ("password_change", "logout", "set_language", "javascript-catalog")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not self.allowed(request):
            from .security import must_change_password

            if must_change_password(user):
                return self.refuse(request, user)
        return self.get_response(request)

    def allowed(self, request) -> bool:
        from django.urls import reverse

        static = settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/" + settings.STATIC_URL
        if request.path.startswith(static):
            return True
        return request.path in {reverse(name) for name in self.ALLOWED_URL_NAMES}

    def refuse(self, request, user):
        from django.contrib import messages
        from django.http import JsonResponse
        from django.shortcuts import redirect
        from django.utils.translation import gettext as _

        from .security import password_expired

        if password_expired(user) and not user.must_change_password:
            message = _("Your password has expired. Choose a new one to continue.")
        else:
            message = _("You must change your password before you continue.")
        if _is_api(request):
            return JsonResponse({"detail": message, "code": "password_change_required"}, status=403)
        if request.method == "GET":
            messages.warning(request, message)
        return redirect("password_change")
