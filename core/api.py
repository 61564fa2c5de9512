"""Shared REST plumbing: pagination, permissions by named permission, ETag / If-Match."""

from __future__ import annotations

from contextlib import ExitStack

from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, permissions
from rest_framework.exceptions import APIException
from rest_framework.pagination import PageNumberPagination

from .errors import ApplicationError, PreconditionFailed
from .roles import has_any_perm


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class CountedRows:
    """What a list paginates when its rows are read differently from how they are counted: ``rows``
    (a queryset of the columns shown, joins included) sliced for the page, ``counted`` (the same
    filters without those joins) for the total. Django's paginator takes any such object."""

    def __init__(self, rows, counted):
        self.rows, self.counted = rows, counted
        self.ordered = rows.ordered

    def count(self) -> int:
        return self.counted.count()

    def __getitem__(self, index):
        return self.rows[index]

    def __len__(self) -> int:
        return self.count()


class IsAuthenticatedWithRole(permissions.BasePermission):
    """Signed in, active and holding a role. Views narrow it with ``required_perms``, whose values are
    a permission or a tuple of which any one will do."""

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated and getattr(user, "role", None)):
            return False
        return has_any_perm(user, required_perm(view, request))


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


# --- Optimistic locking on the API: ETag / If-Match (docs/security.md, No data loss) -------------

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def etag_of(version: int) -> str:
    """The entity tag of a versioned object: a weak tag naming its ``version``."""
    return f'W/"{version}"'


def parse_if_match(header: str) -> list[str] | None:
    """The versions named by an ``If-Match`` header (``["*"]`` for any), or None when it names none.

    Weak and strong forms are both accepted (``W/"3"``, ``"3"``, ``3``): the tag is the object's
    version counter, and the comparison that matters is the version's.
    """
    tags = []
    for part in header.split(","):
        tag = part.strip()
        if tag == "*":
            return ["*"]
        tag = tag.removeprefix("W/").strip().strip('"').strip()
        if tag:
            tags.append(tag)
    return tags or None


class _VersionedSchema:
    """The views' OpenAPI inspector (``core.api_schema.VersionedAutoSchema``), created on first use:
    drf-spectacular imports DRF's views, whose settings import this module."""

    _inspector = None

    def _get_inspector(self):
        if self._inspector is None:
            from .api_schema import VersionedAutoSchema

            type(self)._inspector = VersionedAutoSchema()
        return self._inspector

    def __get__(self, instance, owner):
        return self._get_inspector().__get__(instance, owner)

    def __set__(self, instance, other):
        self._get_inspector().__set__(instance, other)


def check_body_version(request) -> None:
    """A ``version`` in the body must be a whole number: anything else is a 400 on the field,
    never a write without the stale-save check."""
    data = request.data
    if not hasattr(data, "get"):
        return
    raw = data.get("version")
    if raw is None or raw == "":
        return
    if isinstance(raw, int) and not isinstance(raw, bool) and raw >= 0:
        return
    if isinstance(raw, str) and raw.isascii() and raw.isdigit() and len(raw) <= 12:
        return
    raise exceptions.ValidationError({"version": [_("The version must be a whole number: reload and try again.")]})


class VersionedETagMixin:
    """Optimistic locking for viewsets whose model has a ``version`` field.

    - Responses about one object (retrieve, update, detail actions) carry ``ETag: W/"<version>"``.
    - A write to one object (PUT, PATCH, DELETE, POST actions) with an ``If-Match`` header that
      does not name the current version answers 412 and writes nothing. The check runs after
      the permission checks, on the object locked for the rest of the request
      (``select_for_update``), so no other write can slip in between the check and the change.
    - Without ``If-Match`` nothing changes: a ``version`` in the body (where the endpoint takes
      one) is still compared by the service and a stale one still answers 409.

    ``get_versioned_object()`` finds the object (``get_object()`` unless a view says otherwise).
    """

    schema = _VersionedSchema()

    def get_versioned_object(self):
        return self.get_object()

    def get_object(self):
        obj = super().get_object()
        self._etag_object = obj  # the ETag of a read comes from the object read, without a query
        return obj

    def _is_detail(self) -> bool:
        kwarg = self.lookup_url_kwarg or self.lookup_field
        return kwarg in self.kwargs

    def dispatch(self, request, *args, **kwargs):
        with ExitStack() as stack:
            self._etag_stack = stack
            self._etag_object = None
            return super().dispatch(request, *args, **kwargs)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if request.method in UNSAFE_METHODS:
            check_body_version(request)
        if request.method not in UNSAFE_METHODS or not self._is_detail():
            return
        tags = parse_if_match(request.headers.get("If-Match", ""))
        if tags is None:
            return
        # Held until the response is built: the service's own write happens under the same lock.
        self._etag_stack.enter_context(transaction.atomic())
        obj = self.get_versioned_object()
        current = obj.version
        if obj.pk is not None:
            current = type(obj).objects.select_for_update().values_list("version", flat=True).get(pk=obj.pk)
        if tags != ["*"] and str(current) not in tags:
            raise PreconditionFailed(
                _(
                    "Someone else changed this object after you read it (your version %(yours)s, now "
                    "%(current)s). Read it again and repeat your change."
                )
                % {"yours": ", ".join(tags), "current": current}
            )

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if not (200 <= response.status_code < 300) or response.status_code == 204 or not self._is_detail():
            return response
        if request.method not in UNSAFE_METHODS and self.action != "retrieve":
            return response  # reports about the object (results, revisions …), not the object itself
        version = self._current_version(written=request.method in UNSAFE_METHODS)
        if version is not None:
            response["ETag"] = etag_of(version)
        return response

    def _current_version(self, *, written: bool) -> int | None:
        obj = self._etag_object
        if obj is None:
            try:
                obj = self.get_versioned_object()
            except (Http404, APIException, ApplicationError):
                return None
        if obj.pk is None or not written:
            return getattr(obj, "version", None)
        # Read again: a write in this request has moved the version on.
        return type(obj).objects.filter(pk=obj.pk).values_list("version", flat=True).first()
