"""DRF authentication by ``Authorization: Token <key>`` against hashed ApiToken rows."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from core.roles import P

from .models import ApiToken
from .tokens import hash_key


class ApiTokenAuthentication(TokenAuthentication):
    keyword = "Token"

    def authenticate_credentials(self, key):
        try:
            token = ApiToken.objects.select_related("user", "user__department").get(key_hash=hash_key(key))
        except ApiToken.DoesNotExist:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        now = timezone.now()
        if token.revoked_at or (token.expires_at and token.expires_at <= now):
            raise exceptions.AuthenticationFailed(_("Token revoked or expired."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        if not token.user.has_perm(P.USE_API_TOKENS):  # e.g. the role changed to one without API use
            raise exceptions.AuthenticationFailed(_("Your role does not use the API."))
        # Each use is attributable: the token's last use is kept, and audit events carry its id.
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            from audit.services import client_ip
            from core.middleware import current_request

            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now, last_used_ip=client_ip(current_request()))
        return token.user, token
