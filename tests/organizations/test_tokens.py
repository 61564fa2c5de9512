"""API tokens (docs/security.md, Authentication — API tokens): the owner lists, creates (shown once)
and revokes; the security administrator lists and revokes anyone's; each use is attributable."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from organizations import services
from organizations.models import ApiToken


@pytest.fixture
def tokens(users):
    return {
        "filer": services.token_issue(user=users["filer"], name="filer tool"),
        "leader": services.token_issue(user=users["leader"], name="leader bi"),
    }


def test_owner_sees_only_own_tokens_page_and_api(client_for, api_for, tokens):
    page = client_for("filer").get(reverse("organizations:token_list"))
    assert [t.name for t in page.context["tokens"]] == ["filer tool"]
    api = api_for("filer").get("/api/v1/tokens/?user=leader").json()
    assert [t["name"] for t in api["results"]] == ["filer tool"]


def test_owner_cannot_revoke_someone_elses_token(client_for, api_for, tokens):
    other = tokens["leader"][0]
    assert client_for("filer").post(reverse("organizations:token_revoke", args=[other.pk])).status_code == 404
    assert api_for("filer").post(f"/api/v1/tokens/{other.pk}/revoke/").status_code == 404
    other.refresh_from_db()
    assert other.revoked_at is None


def test_security_administrator_lists_and_filters_everyones_tokens(client_for, api_for, tokens):
    page = client_for("security_admin").get(reverse("organizations:token_list") + "?user=leader")
    assert [t.name for t in page.context["tokens"]] == ["leader bi"]
    every = api_for("security_admin").get("/api/v1/tokens/").json()
    assert {t["user"] for t in every["results"]} == {"filer", "leader"}
    only = api_for("security_admin").get("/api/v1/tokens/?user=filer").json()
    assert [t["name"] for t in only["results"]] == ["filer tool"]
    assert "token" not in every["results"][0] and "key_hash" not in every["results"][0]  # never the key again


def test_security_administrator_revokes_on_the_page_and_is_audited(client_for, tokens):
    token, key = tokens["filer"]
    response = client_for("security_admin").post(reverse("organizations:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by.username == "security_admin"
    event = AuditEvent.objects.get(action="auth.token.revoked")
    assert event.actor_username == "security_admin" and event.data["user"] == "filer"


def test_security_administrator_revokes_through_the_api(api_for, tokens):
    token, key = tokens["leader"]
    response = api_for("security_admin").post(f"/api/v1/tokens/{token.pk}/revoke/")
    assert response.status_code == 200 and response.json()["revoked_at"]
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/me/").status_code == 401


def test_the_security_administrator_cannot_create_tokens_in_someone_elses_name(api_for, tokens):
    response = api_for("security_admin").post("/api/v1/tokens/", {"name": "x", "user": "leader"}, format="json")
    assert response.status_code == 201 and response.json()["user"] == "security_admin"


def test_the_auditor_has_no_tokens(client_for, api_for, tokens):
    assert client_for("auditor").get(reverse("organizations:token_list")).status_code == 403
    assert api_for("auditor").get("/api/v1/tokens/").status_code == 403
    assert api_for("auditor").post("/api/v1/tokens/", {"name": "x"}, format="json").status_code == 403


def test_each_use_of_a_token_is_attributable(users):
    from rest_framework.test import APIClient

    token, key = services.token_issue(user=users["leader"], name="bi")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = client.post("/api/v1/tokens/", {"name": "made with a token"}, format="json", REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 201
    event = AuditEvent.objects.filter(action="auth.token.issued").latest("id")
    assert event.token_id == token.pk and event.actor_username == "leader" and event.source_ip == "10.1.2.3"
    token.refresh_from_db()
    assert token.last_used_at is not None and token.last_used_ip == "10.1.2.3"


def test_a_new_key_is_shown_once_and_stored_hashed(client_for, users):
    response = client_for("leader").post(reverse("organizations:token_list"), {"name": "dashboard"})
    key = response.context["new_key"]
    assert key in response.content.decode()
    token = ApiToken.objects.get(user=users["leader"])
    assert token.key_hash != key and key not in token.key_hash
    assert key not in client_for("leader").get(reverse("organizations:token_list")).content.decode()
