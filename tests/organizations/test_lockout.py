"""Lockout (docs/security.md, Authentication — Lockout): more than 5 consecutive failures for a
username lock it for 30 minutes, on the browser login and the token endpoint; each failure and
the lockout are audited; the security administrator sees and lifts locks."""

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from audit.models import AuditEvent
from organizations.models import ApiToken
from tests.factories import PASSWORD

TOKEN_URL = "/api/v1/auth/token/"


def _fail(client, username="filer", times=1, **extra):
    for _ in range(times):
        client.post(reverse("login"), {"username": username, "password": "wrong-Pass-1"}, **extra)


def _age_attempts(minutes):
    for attempt in AccessAttempt.objects.all():
        AccessAttempt.objects.filter(pk=attempt.pk).update(
            attempt_time=attempt.attempt_time - dt.timedelta(minutes=minutes)
        )


def test_six_wrong_passwords_lock_the_account_until_the_lock_ends(client, users):
    _fail(client, times=6)
    response = client.post(reverse("login"), {"username": "filer", "password": PASSWORD})
    assert "_auth_user_id" not in client.session  # the right password is refused
    html = response.content.decode()
    assert response.status_code == 429
    assert "账户已被锁定" in html and "30 分钟" in html and "<form" in html  # the login page, with the reason

    failures = AuditEvent.objects.filter(action="auth.login_failed", data__username="filer")
    assert failures.count() == 7  # six wrong passwords and the refused right one
    assert failures.filter(data__locked=True).count() == 1
    lock = AuditEvent.objects.get(action="auth.locked_out")
    assert lock.object_repr == "filer" and lock.outcome == "failure" and lock.data["failures"] == 6

    _age_attempts(29)
    client.post(reverse("login"), {"username": "filer", "password": PASSWORD})
    assert "_auth_user_id" not in client.session  # still locked after 29 minutes
    _age_attempts(2)
    response = client.post(reverse("login"), {"username": "filer", "password": PASSWORD})
    assert response.status_code == 302 and "_auth_user_id" in client.session


def test_five_failures_do_not_lock_and_a_success_starts_the_count_again(client, users):
    _fail(client, times=5)
    assert client.post(reverse("login"), {"username": "filer", "password": PASSWORD}).status_code == 302
    client.post(reverse("logout"))
    _fail(client, times=5)
    assert client.post(reverse("login"), {"username": "filer", "password": PASSWORD}).status_code == 302
    assert not AuditEvent.objects.filter(action="auth.locked_out").exists()


def test_the_lock_is_per_username_not_per_address(client, users):
    for i in range(6):
        _fail(client, REMOTE_ADDR=f"10.0.0.{i + 1}", HTTP_USER_AGENT=f"agent-{i}")
    client.post(reverse("login"), {"username": "filer", "password": PASSWORD}, REMOTE_ADDR="10.9.9.9")
    assert "_auth_user_id" not in client.session
    # Another username from the same addresses is not affected.
    response = client.post(reverse("login"), {"username": "leader", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1")
    assert response.status_code == 302


def test_the_token_endpoint_locks_too_and_answers_json(api_for, users):
    client = api_for(None)
    for _ in range(6):
        response = client.post(TOKEN_URL, {"username": "api_client", "password": "nope-Nope-1"}, format="json")
        assert response.status_code in (400, 429)
    assert response.status_code == 429  # the sixth failure locks
    response = client.post(TOKEN_URL, {"username": "api_client", "password": PASSWORD}, format="json")
    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "locked_out" and "锁定" in body["detail"] and "token" not in body
    assert not ApiToken.objects.exists()
    assert AuditEvent.objects.filter(action="auth.locked_out", object_repr="api_client").count() == 1
    assert AuditEvent.objects.filter(action="auth.login_failed", data__username="api_client").count() == 7


def test_browser_and_api_failures_count_together(client, api_for, users):
    _fail(client, username="leader", times=3)
    api = api_for(None)
    for _ in range(3):
        api.post(TOKEN_URL, {"username": "leader", "password": "nope-Nope-1"}, format="json")
    client.post(reverse("login"), {"username": "leader", "password": PASSWORD})
    assert "_auth_user_id" not in client.session


def test_a_successful_token_request_resets_the_count(api_for, users):
    api = api_for(None)
    for _ in range(5):
        api.post(TOKEN_URL, {"username": "api_client", "password": "nope-Nope-1"}, format="json")
    assert api.post(TOKEN_URL, {"username": "api_client", "password": PASSWORD}, format="json").status_code == 200
    for _ in range(5):
        api.post(TOKEN_URL, {"username": "api_client", "password": "nope-Nope-1"}, format="json")
    assert api.post(TOKEN_URL, {"username": "api_client", "password": PASSWORD}, format="json").status_code == 200


def test_the_security_administrator_sees_and_lifts_a_lock(client, client_for, users):
    _fail(client, times=6)
    sec = client_for("security_admin")
    page = sec.get(reverse("organizations:security"))
    assert page.status_code == 200
    assert [lock.username for lock in page.context["locks"]] == ["filer"]
    assert sec.post(reverse("organizations:unlock"), {"username": "filer"}).status_code == 302
    assert sec.get(reverse("organizations:security")).context["locks"] == []
    event = AuditEvent.objects.get(action="auth.unlocked")
    assert event.actor_username == "security_admin" and event.before["locked"] and not event.after["locked"]
    response = client.post(reverse("login"), {"username": "filer", "password": PASSWORD})
    assert response.status_code == 302 and "_auth_user_id" in client.session


def test_unlocking_an_account_that_is_not_locked_says_so(client_for, users):
    sec = client_for("security_admin")
    response = sec.post(reverse("organizations:unlock"), {"username": "filer"}, follow=True)
    assert "未被锁定" in response.content.decode()
    assert not AuditEvent.objects.filter(action="auth.unlocked").exists()


@pytest.mark.parametrize("role", ["filer", "supervisor", "admin", "auditor", "api_client"])
def test_only_the_security_administrator_may_unlock(client, client_for, users, role):
    _fail(client, username="leader", times=6)
    other = client_for(role)
    assert other.get(reverse("organizations:security")).status_code == 403
    assert other.post(reverse("organizations:unlock"), {"username": "leader"}).status_code == 403
    assert AccessAttempt.objects.filter(username="leader").exists()
