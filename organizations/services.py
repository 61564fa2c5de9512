"""Writes for people and tokens. Every one is audited."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_log
from core.errors import ApplicationError
from core.roles import P

from .models import ApiToken, User
from .tokens import default_expiry, hash_key, new_key


@transaction.atomic
def token_issue(*, user: User, name: str, actor: User | None = None) -> tuple[ApiToken, str]:
    """Create a token for ``user``; returns the row and the clear key, which is never shown again."""
    actor = actor or user
    if actor != user and not actor.has_perm(P.MANAGE_SECURITY):
        raise ApplicationError(_("You may only create tokens for yourself."), code="forbidden")
    if not user.has_perm(P.USE_API_TOKENS):
        raise ApplicationError(_("Your role does not use the API."), code="forbidden")
    name = (name or "").strip() or _("API token")
    if len(name) > 100:
        raise ApplicationError(_("At most 100 characters."), field="name")
    key = new_key()
    token = ApiToken(user=user, name=name, prefix=key[:8], key_hash=hash_key(key), expires_at=default_expiry())
    token.full_clean()
    token.save()
    audit_log(
        "auth.token.issued", actor=actor, obj=token, after={"user": user.username, "name": name, "prefix": token.prefix}
    )
    return token, key


@transaction.atomic
def token_revoke(*, token: ApiToken, actor: User) -> ApiToken:
    """Revoke a token (its owner or the security administrator)."""
    if token.user_id != actor.pk and not actor.has_perm(P.MANAGE_SECURITY):
        raise ApplicationError(_("You may only revoke your own tokens."), code="forbidden")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.revoked_by = actor
        token.save(update_fields=["revoked_at", "revoked_by"])
        audit_log("auth.token.revoked", actor=actor, obj=token, data={"user": token.user.username})
    return token


def _revoke_all_tokens(*, user: User, actor: User | None, reason: str) -> int:
    """Revoke every live token of ``user`` (a password change or reset): each revocation audited."""
    now = timezone.now()
    tokens = list(ApiToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True))
    for token in tokens:
        token.revoked_at = now
        token.revoked_by = actor
        token.save(update_fields=["revoked_at", "revoked_by"])
        audit_log(
            "auth.token.revoked",
            actor=actor,
            obj=token,
            data={"user": user.username, "reason": reason, "prefix": token.prefix},
        )
    return len(tokens)


# --- Passwords ----------------------------------------------------------------------------


@transaction.atomic
def password_change(*, user: User, password: str) -> User:
    """The user sets a new password (validated by the caller's form: policy and history).

    Clears the forced change of a new or reset account; expiry counts again from now.
    """
    user.set_password(password)
    user.must_change_password = False
    user.save()
    revoked = _revoke_all_tokens(user=user, actor=user, reason="password_changed")
    audit_log("auth.password_changed", actor=user, obj=user, data={"by": "self", "tokens_revoked": revoked})
    return user


@transaction.atomic
def password_reset_by_admin(*, user: User, password: str, actor: User | None) -> User:
    """An administrator sets a user's password: the user must change it at the next login."""
    user.set_password(password)
    user.must_change_password = True
    user.save()
    revoked = _revoke_all_tokens(user=user, actor=actor, reason="password_reset")
    audit_log(
        "auth.password_reset",
        actor=actor,
        obj=user,
        data={"by": getattr(actor, "username", None), "must_change_password": True, "tokens_revoked": revoked},
    )
    return user


# --- Two-factor ---------------------------------------------------------------------------


def otp_device_for_enrolment(*, user: User):
    """The user's unconfirmed TOTP device, created on first use; its secret is shown once to scan."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="TOTP", confirmed=False)
    return device


ENROLMENT_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read aloud or typed


def _normalise_enrolment_code(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


@transaction.atomic
def otp_enrolment_issue(*, user: User, actor: User) -> tuple:
    """The security administrator issues a one-time enrolment code for ``user`` (shown once,
    stored hashed, valid OTP_ENROLMENT_CODE_HOURS); earlier unused codes of the user expire."""
    import datetime as dt
    import secrets

    from django.conf import settings

    from .models import OtpEnrolment
    from .security import confirmed_device

    if not actor.has_perm(P.MANAGE_SECURITY):
        raise ApplicationError(_("Only the security administrator issues enrolment codes."), code="forbidden")
    if not user.is_active:
        raise ApplicationError(_("The account is not active."), field="user")
    if confirmed_device(user) is not None:
        raise ApplicationError(
            _("%(name)s has two-factor login already; reset it first if the device is lost.") % {"name": user.username},
            field="user",
        )
    now = timezone.now()
    OtpEnrolment.objects.filter(user=user, used_at__isnull=True, expires_at__gt=now).update(expires_at=now)
    raw = "".join(secrets.choice(ENROLMENT_ALPHABET) for _i in range(10))
    enrolment = OtpEnrolment.objects.create(
        user=user,
        code_hash=hash_key(raw),
        issued_by=actor,
        expires_at=now + dt.timedelta(hours=settings.OTP_ENROLMENT_CODE_HOURS),
    )
    audit_log(
        "auth.otp_enrolment_issued",
        actor=actor,
        obj=user,
        data={"user": user.username, "expires_at": enrolment.expires_at, "enrolment": enrolment.pk},
    )
    return enrolment, f"{raw[:5]}-{raw[5:]}"


def otp_enrolment_find(*, user: User, code: str):
    """The user's valid (unused, unexpired) enrolment with this code, or None."""
    from .models import OtpEnrolment

    raw = _normalise_enrolment_code(code)
    if len(raw) != 10:
        return None
    return OtpEnrolment.objects.filter(
        user=user, code_hash=hash_key(raw), used_at__isnull=True, expires_at__gt=timezone.now()
    ).first()


def otp_enrolment_valid(*, user: User, enrolment_id) -> bool:
    from .models import OtpEnrolment

    return (
        enrolment_id is not None
        and OtpEnrolment.objects.filter(
            pk=enrolment_id, user=user, used_at__isnull=True, expires_at__gt=timezone.now()
        ).exists()
    )


@transaction.atomic
def otp_enrol_confirm(*, user: User, device, code: str, enrolment_id=None) -> bool:
    """Confirm enrolment with a current code from the authenticator app.

    A user whose role requires two-factor login needs a valid enrolment issued by the security
    administrator (``enrolment_id``); it is used up here, so it enrols one device once."""
    from .models import OtpEnrolment
    from .security import otp_required_for_role

    if device.user_id != user.pk or device.confirmed:
        raise ApplicationError(_("This enrolment is no longer valid. Start again."), code="invalid")
    enrolment = None
    if otp_required_for_role(user.role):
        enrolment = (
            OtpEnrolment.objects.select_for_update()
            .filter(pk=enrolment_id, user=user, used_at__isnull=True, expires_at__gt=timezone.now())
            .first()
            if enrolment_id is not None
            else None
        )
        if enrolment is None:
            raise ApplicationError(
                _("Setting up two-factor login needs an enrolment code from the security administrator."),
                field="code",
                code="otp_enrolment_code_required",
            )
    if not device.verify_token(code):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    type(device).objects.filter(user=user, confirmed=False).delete()
    data = {"device": device.persistent_id}
    if enrolment is not None:
        enrolment.used_at = timezone.now()
        enrolment.save(update_fields=["used_at"])
        data |= {"enrolment": enrolment.pk, "issued_by": getattr(enrolment.issued_by, "username", None)}
    audit_log("auth.otp_enrolled", actor=user, obj=user, data=data)
    return True


@transaction.atomic
def otp_remove(*, user: User, actor: User) -> int:
    """Remove a user's two-factor devices: the user themself (roles that may go without it)
    or the security administrator (a lost phone: the user enrols again at the next login)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from .security import otp_required_for_role

    by_admin = actor.pk != user.pk
    if by_admin and not actor.has_perm(P.MANAGE_SECURITY):
        raise ApplicationError(_("You may only change your own two-factor login."), code="forbidden")
    if not by_admin and otp_required_for_role(user.role):
        raise ApplicationError(_("Your role requires two-factor login; it cannot be switched off."))
    count, _detail = TOTPDevice.objects.filter(user=user).delete()
    audit_log("auth.otp_reset" if by_admin else "auth.otp_removed", actor=actor, obj=user, data={"devices": count})
    return count


# --- Lockout ------------------------------------------------------------------------------


@transaction.atomic
def account_unlock(*, username: str, actor: User) -> int:
    """Lift a lockout before it ends (the security administrator)."""
    from axes.handlers.proxy import AxesProxyHandler

    from .security import current_locks

    if not actor.has_perm(P.MANAGE_SECURITY):
        raise ApplicationError(_("Only the security administrator unlocks accounts."), code="forbidden")
    locks = current_locks(username)
    if not locks:
        raise ApplicationError(_("This account is not locked."), field="username")
    AxesProxyHandler.reset_attempts(username=username)
    user = User.objects.filter(username=username).first()
    audit_log(
        "auth.unlocked",
        actor=actor,
        obj=user,
        object_type="organizations.user",
        object_repr=username,
        before={"locked": True, "failures": locks[0].failures},
        after={"locked": False},
    )
    return locks[0].failures
