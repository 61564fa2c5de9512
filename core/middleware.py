"""Request context for the audit log and HTTP security headers."""

from __future__ import annotations

import contextvars

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
    """Content-Security-Policy and Permissions-Policy on every response (docs/security.md, Deployment).

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


def is_api(request) -> bool:
    return request.path.startswith("/api/")


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
