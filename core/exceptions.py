"""One exception handler: every API error as JSON with a message, field errors by field."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import ApplicationError


def _flatten(detail):
    if isinstance(detail, dict):
        return {k: _flatten(v) for k, v in detail.items()}
    if isinstance(detail, list):
        return [str(x) if not isinstance(x, dict | list) else _flatten(x) for x in detail]
    return [str(detail)]


def _first_message(errors) -> str | None:
    """The first message of a (possibly nested) error structure, e.g. ``{"ids": {3: ["…"]}}``."""
    if isinstance(errors, str):
        return errors
    values = errors.values() if isinstance(errors, dict) else errors if isinstance(errors, list) else ()
    for value in values:
        found = _first_message(value)
        if found:
            return found
    return None


def exception_handler(exc, context):
    """Every 4xx as JSON ``{"detail": <message>, "code": ..., "errors": {field: [messages]}}``."""
    if isinstance(exc, ApplicationError):
        body = {"detail": str(exc.message), "code": exc.code}
        if exc.errors:
            body["errors"] = {k: [str(m) for m in v] for k, v in exc.errors.items()}
        body.update(getattr(exc, "extra", None) or {})  # e.g. the blockers of a refused publication
        return Response(body, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            exc = exceptions.ValidationError({k: [m for e in v for m in e.messages] for k, v in exc.error_dict.items()})
        else:
            exc = exceptions.ValidationError({"non_field_errors": exc.messages})
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found."))
    if isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        errors = _flatten(errors)
        first_field = next(iter(errors), None)
        first = _first_message(errors[first_field]) if first_field is not None else None
        message = f"{first_field}: {first}" if first else _("Invalid input.")
        response.data = {"detail": message, "code": "invalid", "errors": errors}
    elif isinstance(response.data, dict) and "detail" in response.data:
        response.data = {
            "detail": str(response.data["detail"]),
            "code": getattr(response.data["detail"], "code", "error"),
        }
    request = context.get("request")
    refusals = exceptions.PermissionDenied | exceptions.NotAuthenticated | exceptions.AuthenticationFailed
    refused = isinstance(exc, refusals)
    # A signed-in caller's 404 (another department's object answers 404 too) is audited as well.
    if not refused and isinstance(exc, exceptions.NotFound) and request is not None:
        user = getattr(request, "user", None)
        refused = bool(user is not None and user.is_authenticated)
    if refused:
        from .signals import access_denied

        access_denied.send(sender=exception_handler, request=request, reason=type(exc).__name__)
    return response
