"""Shared pieces for HTML views: permission checks and turning business errors into form errors."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError

from .errors import ApplicationError
from .roles import has_any_perm


class PermMixin(LoginRequiredMixin):
    """Require a named permission (``perm``) and/or any one of ``perms``; signed-out users go to the
    login page, signed-in users without the permission get 403."""

    perm: str | None = None
    perms: tuple[str, ...] | None = None

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not (has_any_perm(request.user, self.perm) and has_any_perm(request.user, self.perms)):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def apply_error(form, exc: ApplicationError | ValidationError, request=None) -> None:
    """Put a business error on the form: field messages beside their fields, the rest on top."""
    if isinstance(exc, ValidationError):
        errors = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
        message = None
    else:
        errors, message = exc.errors, exc.message
    placed = False
    for field, msgs in errors.items():
        target = field if field in getattr(form, "fields", {}) else None
        for m in msgs:
            form.add_error(target, m)
            placed = True
    if not placed and message:
        if form is not None:
            form.add_error(None, message)
        elif request is not None:
            messages.error(request, message)
