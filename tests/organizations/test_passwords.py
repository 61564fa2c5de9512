"""Password policy (docs/security.md, Authentication — Passwords): classes, history of 5, first-login
change for accounts an administrator created or reset, expiry after PASSWORD_EXPIRY_DAYS."""

import datetime as dt
import re

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from rest_framework.test import APIClient

from audit.models import AuditEvent
from organizations.models import PasswordHistory, User
from tests.factories import PASSWORD


@pytest.mark.parametrize("password", ["Ab1!", "abcdefgh", "abcdefg1", "ABCDEFG1", "12345678!"])
def test_weak_passwords_are_refused(db, password):
    with pytest.raises(ValidationError):
        validate_password(password)


@pytest.mark.parametrize("password", ["Perf-gov9", "perfgov-77x", "PERFGOV#2025x"])
def test_passwords_with_three_classes_and_eight_characters_pass(db, password):
    validate_password(password)


def _change(client, old, new):
    return client.post(reverse("password_change"), {"old_password": old, "new_password1": new, "new_password2": new})


def test_the_last_five_passwords_cannot_be_reused(client, users):
    user = users["filer"]
    client.force_login(user)
    passwords = [PASSWORD] + [f"Neues-Pass{i}x" for i in range(1, 6)]
    for old, new in zip(passwords, passwords[1:], strict=False):
        assert _change(client, old, new).status_code == 302, new
    # Current password and the four before it are refused...
    for reused in passwords[1:]:
        response = _change(client, passwords[-1], reused)
        assert response.status_code == 200
        assert "new_password2" in response.context["form"].errors, reused
        assert "最近 5 次" in response.content.decode() or "5" in str(response.context["form"].errors)
    # ...the sixth most recent is allowed again.
    assert _change(client, passwords[-1], passwords[0]).status_code == 302
    user.refresh_from_db()
    assert user.check_password(passwords[0])
    assert PasswordHistory.objects.filter(user=user).count() == 5
    assert all(h.password.startswith("md5$") for h in PasswordHistory.objects.filter(user=user))  # hashes only


def test_password_change_is_audited_and_needs_the_old_password(client, users):
    client.force_login(users["filer"])
    response = _change(client, "not-the-old-one", "Fresh-pass-42")
    assert response.status_code == 200
    assert not AuditEvent.objects.filter(action="auth.password_changed").exists()
    assert _change(client, PASSWORD, "Fresh-pass-42").status_code == 302
    event = AuditEvent.objects.get(action="auth.password_changed")
    assert event.actor_username == "filer" and event.object_id == str(users["filer"].pk)


def _admin_client(client_for):
    return client_for("admin")


def test_an_account_created_by_the_admin_must_change_its_password_first(client_for, users, client):
    admin = _admin_client(client_for)
    response = admin.post(
        reverse("admin:organizations_user_add"),
        {
            "username": "newbie",
            "role": "leader",
            "password1": "Initial-pass-1",
            "password2": "Initial-pass-1",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    newbie = User.objects.get(username="newbie")
    assert newbie.must_change_password

    assert client.post(reverse("login"), {"username": "newbie", "password": "Initial-pass-1"}).status_code == 302
    # Every page leads to the change page; nothing else is reachable.
    for path in ["/", "/library/", "/org/departments/", "/org/account/"]:
        response = client.get(path)
        assert response.status_code == 302 and response["Location"] == reverse("password_change"), path
    api = client.get("/api/v1/me/")
    assert api.status_code == 403 and api.json()["code"] == "password_change_required"
    page = client.get(reverse("password_change"))
    assert page.status_code == 200 and "管理员" in page.content.decode()

    assert _change(client, "Initial-pass-1", "Own-choice-77").status_code == 302
    newbie.refresh_from_db()
    assert not newbie.must_change_password
    assert client.get("/").status_code == 200


def test_logout_stays_possible_while_a_change_is_due(client, users):
    User.objects.filter(pk=users["leader"].pk).update(must_change_password=True)
    client.force_login(users["leader"])
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_an_admin_reset_forces_a_change_and_is_audited(client_for, users):
    target = users["leader"]
    response = _admin_client(client_for).post(
        reverse("admin:auth_user_password_change", args=[target.pk]),
        {"password1": "Reset-by-admin-1", "password2": "Reset-by-admin-1", "usable_password": "true"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    target.refresh_from_db()
    assert target.must_change_password and target.check_password("Reset-by-admin-1")
    event = AuditEvent.objects.get(action="auth.password_reset")
    assert event.actor_username == "admin" and event.object_id == str(target.pk)


@pytest.mark.parametrize(("age_days", "forced"), [(89, False), (91, True)])
def test_an_expired_password_forces_the_change_page(client, users, settings, age_days, forced):
    settings.PASSWORD_EXPIRY_DAYS = 90
    User.objects.filter(pk=users["filer"].pk).update(password_changed_at=timezone.now() - dt.timedelta(days=age_days))
    client.force_login(users["filer"])
    response = client.get("/")
    if forced:
        assert response.status_code == 302 and response["Location"] == reverse("password_change")
        assert "已过期" in client.get(reverse("password_change")).content.decode()
    else:
        assert response.status_code == 200


def test_the_token_endpoint_refuses_a_user_who_must_change_the_password(api_for, users):
    User.objects.filter(pk=users["api_client"].pk).update(must_change_password=True)
    response = api_for(None).post(
        "/api/v1/auth/token/", {"username": "api_client", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "password_change_required" and "token" not in response.json()


def test_demo_users_log_in_without_a_forced_change_or_second_factor(client, db, settings):
    from organizations.demo import DEMO_PASSWORD, USERS, seed

    settings.OTP_REQUIRED_ROLES = []  # the embedded default (perfgov.settings.local)
    seed()
    for username, *_rest in USERS:
        user = User.objects.get(username=username)
        assert not user.must_change_password and user.password_changed_at is not None
        response = client.post(reverse("login"), {"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 302 and response["Location"] == reverse("home"), username
        assert client.get("/").status_code == 200, username
        client.post(reverse("logout"))
    assert seed()["users_created"] == 0  # idempotent


def test_local_settings_default_to_no_required_second_factor(monkeypatch):
    import importlib

    monkeypatch.delenv("OTP_REQUIRED_ROLES", raising=False)
    local = importlib.import_module("perfgov.settings.local")
    assert importlib.reload(local).OTP_REQUIRED_ROLES == []


# --- Findings of the independent probe -------------------------------------------------------

CJK = re.compile(r"[\u4e00-\u9fff]")
ENGLISH_WORDS = re.compile(r"[A-Za-z]{4,}")


@pytest.mark.parametrize("new", ["Ab1!", "12345678", "abcdefgh", "filer-123", PASSWORD, "mismatch"])
def test_the_password_policy_messages_are_chinese_on_the_change_page(client, users, new):
    client.force_login(users["filer"])
    other = "Other-pass-99" if new == "mismatch" else None
    body = {"old_password": PASSWORD, "new_password1": other or new, "new_password2": new}
    response = client.post(reverse("password_change"), body, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    messages = [str(m) for errors in response.context["form"].errors.values() for m in errors]
    assert messages
    html = response.content.decode()
    for message in messages:
        assert CJK.search(message) and not ENGLISH_WORDS.search(message), message
        assert escape(message) in html  # shown on the page as it is


def test_a_password_change_revokes_the_users_api_tokens(client, users):
    from organizations import services
    from organizations.models import ApiToken

    _live, key = services.token_issue(user=users["leader"], name="bi")
    services.token_issue(user=users["leader"], name="etl")
    other, other_key = services.token_issue(user=users["supervisor"], name="theirs")
    client.force_login(users["leader"])
    assert _change(client, PASSWORD, "Fresh-pass-42").status_code == 302
    assert not ApiToken.objects.filter(user=users["leader"], revoked_at__isnull=True).exists()
    revoked = AuditEvent.objects.filter(action="auth.token.revoked")
    assert revoked.count() == 2 and {e.data["reason"] for e in revoked} == {"password_changed"}
    assert AuditEvent.objects.get(action="auth.password_changed").data["tokens_revoked"] == 2
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/me/").status_code in (401, 403)
    api.credentials(HTTP_AUTHORIZATION=f"Token {other_key}")
    assert api.get("/api/v1/me/").status_code == 200  # someone else's token lives on


def test_an_admin_reset_revokes_the_users_api_tokens(client_for, users):
    from organizations import services

    token, _key = services.token_issue(user=users["leader"], name="bi")
    response = client_for("admin").post(
        reverse("admin:auth_user_password_change", args=[users["leader"].pk]),
        {"password1": "Reset-by-admin-1", "password2": "Reset-by-admin-1", "usable_password": "true"},
    )
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == users["admin"]
    event = AuditEvent.objects.get(action="auth.token.revoked")
    assert event.actor_username == "admin" and event.data["reason"] == "password_reset"
