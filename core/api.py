"""Shared REST plumbing: pagination and permissions by named permission."""

from __future__ import annotations

from rest_framework import permissions
from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class IsAuthenticatedWithRole(permissions.BasePermission):
    """Signed in, active and holding a role. Views narrow it with ``required_perms``."""

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated and getattr(user, "role", None)):
            return False
        perm = required_perm(view, request)
        return perm is None or user.has_perm(perm)


def required_perm(view, request) -> str | None:
    """The permission a view asks for this request.

    ``required_perms`` maps a viewset action (``list``, ``create``, custom actions) or an
    HTTP method to a named permission; ``"*"`` is the fallback, ``None`` means any role.
    """
    mapping = getattr(view, "required_perms", None) or {}
    action = getattr(view, "action", None)
    for key in (action, request.method, "*"):
        if key in mapping:
            return mapping[key]
    return None
