"""Two-factor login (docs/security.md, Authentication): TOTP for every user who wants it, required for
the roles in OTP_REQUIRED_ROLES (production default: supervisor, finance and the three
administrators) at the browser login and the token endpoint."""

import time

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEvent
from organizations import services
from organizations.models import ApiToken
from tests.factories import PASSWORD

from .helpers import enrol, totp_code, wrong_code

TOKEN_URL = "/api/v1/auth/token/"


@pytest.fixture(autouse=True)
def _no_device_throttle(settings):
    # django-otp also slows a device down after a wrong code (1 s, 2 s, 4 s ...); these tests
    # send a right code right after a wrong one, which a person typing never does that fast.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def _password_step(client, username):
    return client.post(reverse("login"), {"username": username, "password": PASSWORD})


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_required_roles_default_to_supervisor_finance_and_the_three_administrators(settings):
    assert set(settings.OTP_REQUIRED_ROLES) >= {"supervisor", "finance", "admin", "security_admin", "auditor"}


def test_a_required_role_must_enrol_at_first_login(client, users):
    response = _password_step(client, "supervisor")
    assert response.status_code == 302 and response["Location"] == reverse("otp_setup")
    assert not _signed_in(client)
    # Until the second step, nothing but the two-factor pages: the rest asks for a login.
    for path in ["/", "/library/", "/org/account/"]:
        assert client.get(path)["Location"].startswith(reverse("login")), path
    assert client.get("/api/v1/me/").status_code in (401, 403)

    # The password alone does not enrol: first the security administrator's one-time code.
    page = client.get(reverse("otp_setup"))
    assert page.status_code == 200 and "data:image/svg" not in page.content.decode()
    _enrolment, code = services.otp_enrolment_issue(user=users["supervisor"], actor=users["security_admin"])
    response = client.post(reverse("otp_setup"), {"enrolment_code": code.lower()})
    assert response.status_code == 302 and response["Location"] == reverse("otp_setup")

    page = client.get(reverse("otp_setup"))
    html = page.content.decode()
    assert page.status_code == 200 and 'src="data:image/svg+xml;base64,' in html
    device = TOTPDevice.objects.get(user=users["supervisor"])
    assert not device.confirmed

    response = client.post(reverse("otp_setup"), {"code": wrong_code(device)})
    assert response.status_code == 200 and not _signed_in(client)
    assert response.context["form"].errors["code"]

    response = client.post(reverse("otp_setup"), {"code": totp_code(device)})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert _signed_in(client) and client.get("/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEvent.objects.filter(action="auth.otp_enrolled", actor_username="supervisor").exists()
    login = AuditEvent.objects.get(action="auth.login", actor_username="supervisor")
    assert login.data == {"second_factor": "totp"}


def test_an_enrolled_user_passes_the_second_step_with_a_current_code(client, users):
    device = enrol(users["finance"])
    response = _password_step(client, "finance")
    assert response["Location"] == reverse("otp_verify") and not _signed_in(client)
    assert client.get("/").status_code == 302

    response = client.post(reverse("otp_verify"), {"code": wrong_code(device)})
    assert response.status_code == 200 and not _signed_in(client)
    assert "验证码错误" in response.content.decode()
    failed = AuditEvent.objects.get(action="auth.login_failed")
    assert failed.data == {"username": "finance", "stage": "otp"}

    response = client.post(reverse("otp_verify"), {"code": totp_code(device)})
    assert response.status_code == 302 and _signed_in(client)


def test_the_same_code_cannot_be_used_twice(client, users):
    device = enrol(users["finance"])
    code = totp_code(device)
    _password_step(client, "finance")
    client.post(reverse("otp_verify"), {"code": code})
    assert _signed_in(client)
    client.post(reverse("logout"))
    _password_step(client, "finance")
    client.post(reverse("otp_verify"), {"code": code})
    assert not _signed_in(client)


def test_the_second_step_expires(client, users, settings):
    device = enrol(users["finance"])
    _password_step(client, "finance")
    session = client.session
    pending = session["pg_pending_login"]
    pending["at"] = time.time() - settings.OTP_PENDING_SECONDS - 1
    session["pg_pending_login"] = pending
    session.save()
    response = client.post(reverse("otp_verify"), {"code": totp_code(device)})
    assert response["Location"] == reverse("login") and not _signed_in(client)


def test_wrong_codes_count_towards_the_lockout(client, users):
    device = enrol(users["finance"])
    _password_step(client, "finance")
    for _ in range(6):
        response = client.post(reverse("otp_verify"), {"code": wrong_code(device)})
    assert response.status_code == 429 and "锁定" in response.content.decode()
    assert AuditEvent.objects.filter(action="auth.locked_out", object_repr="finance").exists()
    _password_step(client, "finance")
    assert "pg_pending_login" not in client.session  # the password no longer opens the second step


def test_other_roles_log_in_with_the_password_alone(client, users):
    response = _password_step(client, "filer")
    assert response["Location"] == reverse("home") and _signed_in(client)


def test_any_user_may_enrol_and_is_then_asked_for_a_code(client, client_for, users):
    filer = client_for("filer")
    assert filer.get(reverse("organizations:account")).status_code == 200
    filer.get(reverse("otp_setup"))
    device = TOTPDevice.objects.get(user=users["filer"])
    response = filer.post(reverse("otp_setup"), {"code": totp_code(device)})
    assert response["Location"] == reverse("organizations:account")

    response = _password_step(client, "filer")
    assert response["Location"] == reverse("otp_verify") and not _signed_in(client)
    client.post(reverse("otp_verify"), {"code": totp_code(device, 1)})
    assert _signed_in(client)


def test_a_user_may_switch_it_off_but_not_when_the_role_requires_it(client_for, users):
    filer_device = enrol(users["filer"])
    filer = client_for("filer")
    filer.post(reverse("organizations:otp_remove"), {"code": wrong_code(filer_device)})
    assert TOTPDevice.objects.filter(user=users["filer"]).exists()
    filer.post(reverse("organizations:otp_remove"), {"code": totp_code(filer_device)})
    assert not TOTPDevice.objects.filter(user=users["filer"]).exists()
    assert AuditEvent.objects.filter(action="auth.otp_removed", actor_username="filer").exists()

    sup_device = enrol(users["supervisor"])
    client_for("supervisor").post(reverse("organizations:otp_remove"), {"code": totp_code(sup_device)})
    assert TOTPDevice.objects.filter(user=users["supervisor"]).exists()


def test_the_security_administrator_resets_a_lost_device(client_for, users):
    enrol(users["supervisor"])
    url = reverse("organizations:otp_reset", args=[users["supervisor"].pk])
    assert client_for("admin").post(url).status_code == 403
    assert client_for("supervisor").post(url).status_code == 403
    assert client_for("security_admin").post(url).status_code == 302
    assert not TOTPDevice.objects.filter(user=users["supervisor"]).exists()
    event = AuditEvent.objects.get(action="auth.otp_reset")
    assert event.actor_username == "security_admin" and event.object_id == str(users["supervisor"].pk)


def test_the_admin_site_has_no_login_of_its_own(client, client_for, users):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert client_for("filer").get("/admin/login/?next=/admin/").status_code == 403


# --- token endpoint -------------------------------------------------------------------------


def _token(api, username, **extra):
    return api.post(TOKEN_URL, {"username": username, "password": PASSWORD, **extra}, format="json")


def test_token_endpoint_requires_enrolment_for_required_roles(api_for, users):
    response = _token(api_for(None), "supervisor")
    assert response.status_code == 403 and response.json()["code"] == "otp_enrolment_required"
    assert not ApiToken.objects.exists()


def test_token_endpoint_requires_a_current_code_from_enrolled_users(api_for, users):
    device = enrol(users["supervisor"])
    api = api_for(None)
    response = _token(api, "supervisor")
    assert response.status_code == 400 and "otp" in response.json()["errors"]
    response = _token(api, "supervisor", otp=wrong_code(device))
    assert response.status_code == 400 and response.json()["code"] == "otp_invalid"
    assert AuditEvent.objects.filter(action="auth.login_failed", data__stage="otp").count() == 1
    response = _token(api, "supervisor", otp=totp_code(device))
    assert response.status_code == 200 and response.json()["token"]
    assert ApiToken.objects.filter(user=users["supervisor"]).count() == 1


def test_token_endpoint_schema_documents_the_code(client_for):
    schema = client_for("leader").get("/api/schema/", HTTP_ACCEPT="application/json").json()
    body = schema["components"]["schemas"]["TokenRequestRequest"]
    assert "otp" in body["properties"] and "otp" not in body.get("required", [])
    responses = schema["paths"]["/api/v1/auth/token/"]["post"]["responses"]
    assert {"200", "400", "403", "429"} <= set(responses)


@pytest.mark.parametrize("role", ["api_client", "leader", "filer"])
def test_token_endpoint_needs_no_code_for_other_roles(api_for, users, role):
    assert _token(api_for(None), role).status_code == 200


# --- Privileged accounts enrol only with an administrator-issued code ------------------------


def test_a_privileged_account_cannot_enrol_with_the_password_alone(client, users):
    _password_step(client, "finance")
    page = client.get(reverse("otp_setup"))
    html = page.content.decode()
    assert page.status_code == 200 and "安全管理员" in html and "绑定码" in html
    assert "data:image/svg" not in html and not TOTPDevice.objects.filter(user=users["finance"]).exists()
    # A guessed enrolment code: refused, audited, counted towards the lockout.
    response = client.post(reverse("otp_setup"), {"enrolment_code": "ABCDE-FGHJK"})
    assert response.status_code == 200 and response.context["form"].errors["enrolment_code"]
    assert AuditEvent.objects.filter(action="auth.login_failed", data__stage="otp_enrolment").count() == 1
    # Posting an authenticator code straight away enrols nothing either.
    response = client.post(reverse("otp_setup"), {"code": "123456"})
    assert response.status_code == 200 and not TOTPDevice.objects.filter(user=users["finance"]).exists()
    assert not _signed_in(client)
    # Another user's code does not work for this account.
    _e, theirs = services.otp_enrolment_issue(user=users["supervisor"], actor=users["security_admin"])
    client.post(reverse("otp_setup"), {"enrolment_code": theirs})
    assert "data:image/svg" not in client.get(reverse("otp_setup")).content.decode()


def test_the_security_administrator_issues_a_one_time_enrolment_code(client, client_for, users):
    import datetime as dt

    from django.utils import timezone

    from organizations.models import OtpEnrolment

    issue = reverse("organizations:otp_enrolment_issue", args=[users["finance"].pk])
    response = client_for("security_admin").post(issue)
    assert response.status_code == 200
    code = response.context["code"]
    assert code in response.content.decode()
    enrolment = OtpEnrolment.objects.get(user=users["finance"])
    assert code.replace("-", "") not in enrolment.code_hash  # stored hashed
    event = AuditEvent.objects.get(action="auth.otp_enrolment_issued")
    assert event.actor_username == "security_admin" and event.data["user"] == "finance"

    # The user enrols with it, once.
    _password_step(client, "finance")
    client.post(reverse("otp_setup"), {"enrolment_code": code})
    assert "data:image/svg" in client.get(reverse("otp_setup")).content.decode()
    device = TOTPDevice.objects.get(user=users["finance"])
    assert client.post(reverse("otp_setup"), {"code": totp_code(device)})["Location"] == reverse("home")
    enrolment.refresh_from_db()
    assert enrolment.used_at is not None
    enrolled = AuditEvent.objects.get(action="auth.otp_enrolled", actor_username="finance")
    assert enrolled.data["issued_by"] == "security_admin"

    # Used up: after a reset of the device the same code no longer enrols.
    services.otp_remove(user=users["finance"], actor=users["security_admin"])
    other = type(client)()
    _password_step(other, "finance")
    response = other.post(reverse("otp_setup"), {"enrolment_code": code})
    assert response.status_code == 200 and response.context["form"].errors["enrolment_code"]

    # Expired: refused as well.
    _e, fresh = services.otp_enrolment_issue(user=users["finance"], actor=users["security_admin"])
    OtpEnrolment.objects.filter(pk=_e.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = other.post(reverse("otp_setup"), {"enrolment_code": fresh})
    assert response.status_code == 200 and response.context["form"].errors["enrolment_code"]


def test_only_the_security_administrator_issues_enrolment_codes(client_for, users):
    for role in ("admin", "auditor", "supervisor", "filer"):
        response = client_for(role).post(reverse("organizations:otp_enrolment_issue", args=[users["finance"].pk]))
        assert response.status_code in (302, 403)
    from organizations.models import OtpEnrolment

    assert not OtpEnrolment.objects.exists()
    # An account that has a device already gets no code: its device is reset first.
    enrol(users["finance"])
    response = client_for("security_admin").post(
        reverse("organizations:otp_enrolment_issue", args=[users["finance"].pk]), follow=True
    )
    assert not OtpEnrolment.objects.exists() and "重置" in response.content.decode()
