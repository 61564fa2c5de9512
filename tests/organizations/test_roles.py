"""Separation of the three administrators (docs/security.md, Authorization): one role per account,
whatever is posted to the admin site or the API; the security administrator sees no business
data; the audit administrator sees only the audit log."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from core.roles import ADMINISTRATOR_ROLES, ROLE_PERMISSIONS, P, Role
from organizations.models import User

ADMIN_ONLY = {
    Role.ADMIN: P.MANAGE_USERS,
    Role.SECURITY_ADMIN: P.MANAGE_SECURITY,
    Role.AUDITOR: P.READ_AUDIT,
}


def test_each_administrator_permission_belongs_to_one_administrator_role():
    for role, perm in ADMIN_ONLY.items():
        holders = {r for r, perms in ROLE_PERMISSIONS.items() if perm in perms}
        assert holders == {role}, (perm, holders)


def test_the_admin_site_cannot_give_an_account_two_administrator_roles(client_for, users):
    target = users["leader"]
    grant = Permission.objects.get(codename="view_user")
    group = Group.objects.create(name="everything")
    group.permissions.set(Permission.objects.all())
    response = client_for("admin").post(
        reverse("admin:organizations_user_change", args=[target.pk]),
        {
            "username": "leader",
            "role": ["security_admin", "auditor"],
            "department": "",
            "is_active": "on",
            "is_superuser": "on",
            "is_staff": "on",
            "groups": [group.pk],
            "user_permissions": [grant.pk],
            "last_name": "",
            "first_name": "",
            "email": "",
            "phone": "",
        },
    )
    assert response.status_code in (200, 302)
    target.refresh_from_db()
    # One value, never two: the form keeps one of the posted roles, or refuses and keeps the old one.
    assert target.role in {"leader", "auditor", "security_admin"}
    assert not target.is_superuser and not target.groups.exists() and not target.user_permissions.exists()
    # The account holds exactly the administrator permission of the role it has, and no other.
    held = [perm for perm in ADMIN_ONLY.values() if target.has_perm(perm)]
    assert held == ([ADMIN_ONLY[target.role]] if target.role in ADMIN_ONLY else [])


def test_grants_outside_the_role_give_nothing(users):
    admin = users["admin"]
    group = Group.objects.create(name="audit-readers")
    group.permissions.add(Permission.objects.get_or_create(codename="read_log", content_type_id=1)[0])
    admin.groups.add(group)
    admin.user_permissions.add(Permission.objects.filter(codename="read_log").first())
    admin = User.objects.get(pk=admin.pk)
    assert not admin.has_perm(P.READ_AUDIT) and not admin.has_perm(P.MANAGE_SECURITY)
    admin.is_superuser = True
    admin.save()
    admin.refresh_from_db()
    assert not admin.is_superuser  # never a superuser, so never every permission


def test_the_api_has_no_way_to_set_a_role(api_for):
    for method in ("put", "patch", "post"):
        response = getattr(api_for("admin"), method)("/api/v1/me/", {"role": "auditor"}, format="json")
        assert response.status_code == 405
    assert User.objects.get(username="admin").role == Role.ADMIN


def _list_routes(prefix="/api/v1/"):
    """Every API route without a path parameter (lists and singletons)."""

    def walk(patterns, base=""):
        for p in patterns:
            route = base + str(p.pattern)
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, route)
            elif isinstance(p, URLPattern) and "<" not in route and "(?P" not in route:
                yield "/" + route.replace("^", "").replace("$", "").replace("\\Z", "")

    return sorted({r for r in walk(get_resolver().url_patterns) if r.startswith(prefix) and "auth/token" not in r})


# What the security and audit administrators may call: their own identity and API tokens.
ALLOWED = {"security_admin": {"/api/v1/me/", "/api/v1/tokens/"}, "auditor": {"/api/v1/me/"}}
# Lists of the caller's own items, open to every role: allowed only while empty for them.
OWN_ONLY = {"/api/v1/notifications/"}


@pytest.mark.parametrize("role", ["security_admin", "auditor"])
def test_the_security_and_audit_administrators_get_no_business_data_from_the_api(api_for, role):
    routes = _list_routes()
    assert "/api/v1/departments/" in routes and len(routes) > 3
    client = api_for(role)
    for route in routes:
        if route in ALLOWED[role]:
            continue
        response = client.get(route)
        if route in OWN_ONLY and response.status_code == 200:
            assert response.json()["count"] == 0, route
            continue
        assert response.status_code in (403, 405), route


@pytest.mark.parametrize("role", ["security_admin", "auditor"])
@pytest.mark.parametrize("path", ["/library/", "/org/departments/", "/admin/"])
def test_the_security_and_audit_administrators_get_no_business_pages(client_for, role, path):
    assert client_for(role).get(path).status_code in (302, 403), path


def test_the_auditors_navigation_shows_the_audit_log_only(client_for):
    html = client_for("auditor").get("/audit/").content.decode()
    import re

    nav = re.search(r'<nav class="pg-sidenav".*?</nav>', html, re.S).group(0)
    links = set(re.findall(r'href="([^"]+)"', nav))
    assert links == {"/", "/org/account/", "/audit/", "/audit/retention/"}


def test_the_security_administrators_navigation(client_for):
    import re

    html = client_for("security_admin").get("/").content.decode()
    nav = re.search(r'<nav class="pg-sidenav".*?</nav>', html, re.S).group(0)
    links = set(re.findall(r'href="([^"]+)"', nav))
    assert links == {"/", "/org/account/", "/org/tokens/", "/org/security/", "/audit/retention/"}


def test_administrator_roles_are_the_three_of_the_standard():
    assert {Role.ADMIN, Role.SECURITY_ADMIN, Role.AUDITOR} == ADMINISTRATOR_ROLES


def test_a_role_change_is_audited_with_before_and_after(client_for, users):
    target = users["leader"]
    response = client_for("admin").post(
        reverse("admin:organizations_user_change", args=[target.pk]),
        {"username": "leader", "role": "finance", "department": "", "is_active": "on"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    from audit.models import AuditEvent

    event = AuditEvent.objects.get(action="organizations.user.role_changed")
    assert event.actor_username == "admin" and event.object_id == str(target.pk)
    assert event.before["role"] == "leader" and event.after["role"] == "finance"


@pytest.mark.parametrize(
    ("path", "api"), [("/org/security/", False), ("/audit/", False), ("/api/v1/departments/", True)]
)
def test_a_failed_authorization_is_audited(client_for, api_for, users, path, api):
    from audit.models import AuditEvent

    client = api_for("auditor" if api else "filer") if api else client_for("filer")
    assert client.get(path).status_code == 403
    event = AuditEvent.objects.get(action="auth.denied")
    assert event.outcome == "denied" and event.data["path"] == path
    assert event.actor_username == ("auditor" if api else "filer")
