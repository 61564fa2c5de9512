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
