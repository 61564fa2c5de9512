"""Authentication backend whose permissions come from the user's role (core.roles)."""

from axes.backends import AxesStandaloneBackend
from django.contrib.auth.backends import ModelBackend

from .roles import ROLE_ADMIN_APPS, ROLE_PERMISSIONS

_MODEL_ACTIONS = ("add_", "change_", "delete_", "view_")


def role_has_perm(role: str, perm: str) -> bool:
    if perm in ROLE_PERMISSIONS.get(role, ()):
        return True
    app_label, _, codename = perm.partition(".")
    return codename.startswith(_MODEL_ACTIONS) and app_label in ROLE_ADMIN_APPS.get(role, ())


class RoleBackend(ModelBackend):
    """Password login as Django does it; permissions from the role, never per-user grants."""

    def has_perm(self, user_obj, perm, obj=None):
        return bool(user_obj.is_active and getattr(user_obj, "role", None) and role_has_perm(user_obj.role, perm))

    def has_module_perms(self, user_obj, app_label):
        return bool(user_obj.is_active and app_label in ROLE_ADMIN_APPS.get(getattr(user_obj, "role", ""), ()))

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active:
            return set()
        return set(ROLE_PERMISSIONS.get(user_obj.role, ()))


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout check (docs/security.md: lockout by username), first in the chain.

    It refuses a locked username before the password is tried. Logins always come with a
    request (browser form, token endpoint); a call without one (the test client's
    ``login()``, a shell) has no attacker behind it and is not counted.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
