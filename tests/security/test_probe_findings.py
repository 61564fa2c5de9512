"""The smaller defects of the independent probe (docs/security.md, "Findings of the independent
probe"): each test reproduces one of them and fails without its fix."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from audit.models import AuditEvent
from core.errors import ApplicationError
from organizations import services as org_services
from organizations.models import ApiToken
from tests.factories import PASSWORD
from tests.organizations.helpers import enrol, totp_code

from .test_stale_pages import PAGES, Page, _client

pytestmark = pytest.mark.django_db


# --- The auditor obtains no API token ------------------------------------------------------


def test_the_token_endpoint_gives_the_auditor_no_token(world):
    auditor = world.users["auditor"]
    device = enrol(auditor)
    response = APIClient().post(
        "/api/v1/auth/token/",
        {"username": "auditor", "password": PASSWORD, "otp": totp_code(device)},
        format="json",
    )
    assert response.status_code == 403 and response.json()["code"] == "api_not_allowed"
    assert "token" not in response.json()
    assert not ApiToken.objects.filter(user=auditor).exists()
    event = AuditEvent.objects.get(action="auth.denied", actor_username="auditor")
    assert event.data["reason"] == "api_not_allowed"


def test_no_token_can_be_issued_to_the_auditor_nor_used_by_it(world):
    auditor = world.users["auditor"]
    with pytest.raises(ApplicationError):
        org_services.token_issue(user=auditor, name="x")
    with pytest.raises(ApplicationError):
        org_services.token_issue(user=auditor, name="x", actor=world.users["security_admin"])
    # A token that exists anyway (made before a role change) does not open the API.
    token, key = org_services.token_issue(user=world.users["leader"], name="bi")
    type(auditor).objects.filter(pk=world.users["leader"].pk).update(role="auditor")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/me/").status_code in (401, 403)


# --- Target creation tells nothing about another department's project -----------------------


def test_a_target_for_another_departments_project_answers_as_for_a_missing_one(world, api):
    body = {"dimension": "output", "subdimension": "quantity", "name": "探测", "operator": "ge", "value": "1"}
    foreign = world["project_draft"].pk  # 教育局's, asked by 水利局's filer
    missing = 987654
    client = api("filer2")
    theirs = client.post("/api/v1/budget-targets/", {**body, "project": foreign}, format="json")
    nothing = client.post("/api/v1/budget-targets/", {**body, "project": missing}, format="json")
    assert theirs.status_code == nothing.status_code == 400
    assert set(theirs.json()["errors"]) == set(nothing.json()["errors"]) == {"project"}
    assert theirs.json()["errors"]["project"][0].replace(str(foreign), "N") == nothing.json()["errors"]["project"][
        0
    ].replace(str(missing), "N")


# --- A version that is not a number is an error, never a skipped check ----------------------


@pytest.mark.parametrize("case", PAGES, ids=[p.label for p in PAGES])
def test_a_version_that_is_not_a_number_is_refused_and_changes_nothing(world, case: Page):
    body = {**case.body(world), "version": "abc"}
    before = case.state(world)
    response = _client(world, case.role).post(case.url(world), body, follow=True)
    assert case.state(world) == before, "a save with version=abc went through"
    assert response.status_code in (200, 400)
    page = response.content.decode()
    assert "版本" in page or "整数" in page, f"no message about the version on {case.url(world)}"


@pytest.mark.parametrize("version", ["abc", "1.5", "²", True, -1])
def test_a_version_that_is_not_a_number_is_a_400_on_the_api(world, api, version):
    from budgets.models import BudgetTarget

    target = world["target"]
    before = BudgetTarget.objects.values_list("name", "version").get(pk=target.pk)
    response = api("filer").patch(
        f"/api/v1/budget-targets/{target.pk}/", {"name": "改名", "version": version}, format="json"
    )
    assert response.status_code == 400 and "version" in response.json()["errors"]
    assert BudgetTarget.objects.values_list("name", "version").get(pk=target.pk) == before
