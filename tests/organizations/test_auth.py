"""Login and logout in the browser, the token endpoint, and what each role's navigation shows."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from organizations.models import ApiToken
from tests.factories import PASSWORD


def test_login_page_is_chinese_by_default(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert 'lang="zh-hans"' in response.content.decode()
    assert "登录" in response.content.decode()


def test_login_and_logout_are_audited(client, users):
    response = client.post(reverse("login"), {"username": "filer", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302
    actions = list(AuditEvent.objects.filter(actor_username="filer").values_list("action", flat=True))
    assert "auth.login" in actions and "auth.logout" in actions


def test_wrong_password_is_refused_and_audited(client, users):
    response = client.post(reverse("login"), {"username": "filer", "password": "wrong"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert event.outcome == "failure" and event.data["username"] == "filer"


def test_token_endpoint(api_for, users):
    client = api_for(None)
    response = client.post("/api/v1/auth/token/", {"username": "api_client", "password": PASSWORD}, format="json")
    assert response.status_code == 200
    key = response.json()["token"]
    token = ApiToken.objects.get(user=users["api_client"])
    assert token.key_hash != key and key.startswith(token.prefix)  # stored hashed
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/departments/").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_token_endpoint_refuses_wrong_credentials(api_for, users):
    response = api_for(None).post("/api/v1/auth/token/", {"username": "api_client", "password": "nope"}, format="json")
    assert response.status_code in (400, 401)
    assert "token" not in response.json() and response.json()["detail"]
    assert not ApiToken.objects.exists()


def test_revoked_token_is_refused(api_for, users):
    from organizations import services

    token, key = services.token_issue(user=users["leader"], name="bi")
    services.token_revoke(token=token, actor=users["leader"])
    client = api_for(None)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/departments/").status_code == 401


@pytest.mark.parametrize(
    ("role", "visible", "hidden"),
    [
        ("supervisor", ["/library/"], ["/admin/tokens-none/"]),
        ("filer", ["/library/"], ["/admin/"]),
        ("auditor", [], ["/library/", "/org/departments/"]),
        ("security_admin", [], ["/library/"]),
        ("admin", ["/org/departments/", "/admin/"], []),
    ],
)
def test_navigation_shows_each_role_what_it_may_use(client_for, role, visible, hidden):
    html = client_for(role).get(reverse("home")).content.decode()
    for url in visible:
        assert f'href="{url}"' in html, url
    for url in hidden:
        assert f'href="{url}"' not in html, url


def test_department_users_need_a_department(db):
    from django.core.exceptions import ValidationError

    from organizations.models import User

    user = User(username="x", role="filer")
    with pytest.raises(ValidationError) as exc:
        user.full_clean()
    assert "department" in exc.value.message_dict
