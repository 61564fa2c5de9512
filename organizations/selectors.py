"""Reads of departments and people, and the one helper that scopes data by department."""

from __future__ import annotations

from typing import NamedTuple

from django.db.models import QuerySet

from core.roles import DEPARTMENT_ROLES

from .models import Department, RankingGroup, Region, User


def scope_to_user(
    qs: QuerySet, *, user: User, all_perm: str, own_perm: str | None = None, field: str = "department"
) -> QuerySet:
    """Limit ``qs`` to what ``user`` may see.

    Department roles (filer, head) see rows of their own department only, and only if they
    hold ``own_perm`` (when given); roles holding ``all_perm`` see everything; anyone else
    sees nothing. Every selector that lists department data goes through here.
    """
    if not user.is_authenticated:
        return qs.none()
    if user.role in DEPARTMENT_ROLES:
        if user.department_id is None or (own_perm and not user.has_perm(own_perm)):
            return qs.none()
        return qs.filter(**{f"{field}_id": user.department_id})
    if user.has_perm(all_perm):
        return qs
    return qs.none()


def departments_list(*, include_inactive: bool = False) -> QuerySet[Department]:
    qs = Department.objects.select_related("group", "region")
    return qs if include_inactive else qs.filter(is_active=True)


def groups_list() -> QuerySet[RankingGroup]:
    return RankingGroup.objects.all()


def regions_list() -> QuerySet[Region]:
    return Region.objects.all()


def users_of_department(*, department_id: int, roles) -> QuerySet[User]:
    return User.objects.filter(department_id=department_id, role__in=list(roles), is_active=True)


def users_with_role(*, roles) -> QuerySet[User]:
    return User.objects.filter(role__in=list(roles), is_active=True)


class Recipient(NamedTuple):
    """An active user as a job notifies them: id, role and department, no model instance (the jobs
    of a province read thousands). ``notify_many`` takes these like users."""

    pk: int
    role: str
    department_id: int | None
    is_active: bool = True


def recipients(*, roles) -> list[Recipient]:
    """Every active user holding one of ``roles``, as plain values."""
    rows = User.objects.filter(is_active=True, role__in=list(roles)).order_by("pk")
    return [Recipient(pk, role, dept) for pk, role, dept in rows.values_list("pk", "role", "department_id")]


def tokens_for_user(*, user: User, username: str | None = None) -> QuerySet:
    """API tokens ``user`` may see: their own; the security administrator's: everyone's."""
    from core.roles import P

    from .models import ApiToken

    qs = ApiToken.objects.select_related("user", "revoked_by").order_by("-created_at", "-pk")
    if not user.has_perm(P.MANAGE_SECURITY):
        return qs.filter(user=user)
    return qs.filter(user__username=username) if username else qs
