"""Request context for the audit log and HTTP security headers."""

from __future__ import annotations

import contextvars
import time

from django.conf import settings

_current_request: contextvars.ContextVar = contextvars.ContextVar("perfgov_request", default=None)


def current_request():
    """The request being served in this thread or task, or None (jobs, commands)."""
    return _current_request.get()


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)


CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'; "
    "object-src 'none'"
)


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy on every response (SECURITY.md, Deployment).

    Nothing may load from another host; scripts only from our own static files.
    ECharts and Bootstrap set inline styles, so style-src allows them.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.csp = getattr(settings, "CONTENT_SECURITY_POLICY", CSP)

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.csp)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


class SessionLifetimeMiddleware:
    """Idle timeout and absolute lifetime of a signed-in session (SECURITY.md, Sessions).

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
        return self.get_response(request)

    @staticmethod
    def check(request, session) -> str | None:
        from organizations.signals import SESSION_LOGIN_AT, SESSION_SEEN_AT

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
        from organizations.signals import SESSION_LOGIN_AT

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
    the change page, logout, static files and the language switch (SECURITY.md, Passwords)."""

    ALLOWED_URL_NAMES = ("password_change", "logout", "set_language", "javascript-catalog")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not self.allowed(request):
            from organizations.security import must_change_password

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

        from organizations.security import password_expired

        if password_expired(user) and not user.must_change_password:
            message = _("Your password has expired. Choose a new one to continue.")
        else:
            message = _("You must change your password before you continue.")
        if _is_api(request):
            return JsonResponse({"detail": message, "code": "password_change_required"}, status=403)
        if request.method == "GET":
            messages.warning(request, message)
        return redirect("password_change")


MAX_JSON_DEPTH = 32


def _json_problem(value, path: str = "", depth: int = 0) -> tuple[str, str] | None:
    """(field, problem) for the first NUL character or excessive nesting in a parsed JSON body."""
    if depth > MAX_JSON_DEPTH:
        return path or "body", "depth"
    if isinstance(value, dict):
        for key, item in value.items():
            if "\x00" in str(key):
                return path or "body", "nul"
            found = _json_problem(item, f"{path}.{key}" if path else str(key), depth + 1)
            if found:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = _json_problem(item, f"{path}.{index}" if path else str(index), depth + 1)
            if found:
                return found
    elif isinstance(value, str) and "\x00" in value:
        return path or "body", "nul"
    return None


class InputSanityMiddleware:
    """Refuse, with a 400 that names the field, input no form or parser can store or should walk:
    NUL characters in query parameters, form fields or JSON strings (PostgreSQL refuses them in
    text), and JSON nested deeper than MAX_JSON_DEPTH. Nothing is written: the view never runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        problem = self._problem(request)
        if problem:
            return self._refuse(request, *problem)
        return self.get_response(request)

    def _problem(self, request) -> tuple[str, str] | None:
        for key, values in request.GET.lists():
            if "\x00" in key or any("\x00" in v for v in values):
                return key.replace("\x00", ""), "nul"
        if "\x00" in request.path:
            return "path", "nul"
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return None
        content_type = request.content_type or ""
        if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            for key, values in request.POST.lists():
                if "\x00" in key or any("\x00" in v for v in values):
                    return key.replace("\x00", ""), "nul"
        elif content_type.endswith("json") and request.body:
            import json

            try:
                data = json.loads(request.body)
            except RecursionError:
                return "body", "depth"
            except ValueError:
                return None  # the parser answers its own 400
            return _json_problem(data)
        return None

    def _refuse(self, request, field: str, problem: str):
        from django.http import HttpResponseBadRequest, JsonResponse
        from django.utils.translation import gettext as _

        if problem == "depth":
            message = _("The data is nested too deeply.")
        else:
            message = _("This field contains a character that is not allowed.")
        if request.path.startswith("/api/") or (request.content_type or "").endswith("json"):
            return JsonResponse({"detail": message, "code": "invalid", "errors": {field: [message]}}, status=400)
        return HttpResponseBadRequest(f"{field}: {message}", content_type="text/plain; charset=utf-8")
