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
