"""Helpers shared by the assessments views."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError

from core.errors import ApplicationError


def version_of(request) -> int | None:
    """The version the page showed (the stale-save check). None when the form sent none; anything
    but a whole number is refused as a field error, never taken as "no check"."""
    raw = request.POST.get("version")
    if raw is None or raw == "":
        return None
    raw = raw.strip()
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 12):
        from django.utils.translation import gettext as _

        raise ApplicationError(_("The page's version is not valid. Reload the page and try again."), field="version")
    return int(raw)


def run(request, fn, success: str | None = None, **kwargs):
    """Call a service; on a business error show its message and return None."""
    try:
        result = fn(**kwargs)
    except ApplicationError as exc:
        # The message once: a field's message that repeats the main one is not shown again.
        messages.error(request, exc.message)
        for field_msgs in exc.errors.values():
            for m in field_msgs[:3]:
                if str(m) != str(exc.message):
                    messages.error(request, m)
        return None
    except ValidationError as exc:
        for m in exc.messages:
            messages.error(request, m)
        return None
    if success:
        messages.success(request, success)
    return result if result is not None else True


def plan_from_request(request):
    """The plan of ``?year=`` (404 if there is none), else the current plan (None if none exists)."""
    from .. import selectors

    year = request.GET.get("year")
    if year and year.isdigit():
        return selectors.plan_get(year=int(year))
    return selectors.current_plan()
