"""Password rules of docs/security.md: length, at least 3 of the 4 character classes, history."""

import string

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's length rule with a message of this project's catalogue: Django 5.2's own message
    changed its wording and its Chinese catalogue has not followed, so it showed in English."""

    def get_error_message(self):
        return _("This password is too short: it must have at least %(n)d characters.") % {"n": self.min_length}


class CharacterClassValidator:
    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    @staticmethod
    def classes(password: str) -> int:
        return sum(
            (
                any(c.islower() for c in password),
                any(c.isupper() for c in password),
                any(c.isdigit() for c in password),
                any(c in string.punctuation or (not c.isalnum() and not c.isspace()) for c in password),
            )
        )

    def validate(self, password, user=None):
        if self.classes(password) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self):
        return _(
            "Your password must contain at least %(n)d of these: lower-case letters, upper-case letters, "
            "digits, symbols."
        ) % {"n": self.min_classes}


class PasswordHistoryValidator:
    """No reuse of the last ``PASSWORD_HISTORY_COUNT`` passwords (docs/security.md, default 5).

    Only hashes are kept (``PasswordHistory``); a candidate is compared by hashing it with each
    stored hash's own salt, as a login would. Django calls ``password_changed`` after every save
    of a new password, which records it.
    """

    def __init__(self, count: int | None = None):
        self._count = count

    @property
    def count(self) -> int:
        from django.conf import settings

        return self._count if self._count is not None else getattr(settings, "PASSWORD_HISTORY_COUNT", 5)

    def recent_hashes(self, user) -> list[str]:
        from .models import PasswordHistory

        if user is None or user.pk is None or self.count <= 0:
            return []
        hashes = list(PasswordHistory.objects.filter(user_id=user.pk).values_list("password", flat=True)[: self.count])
        # The current password counts even when it predates the history (e.g. created by a fixture).
        if user.password and user.password not in hashes and user.has_usable_password():
            hashes.insert(0, user.password)
        return hashes[: self.count]

    def validate(self, password, user=None):
        from django.contrib.auth.hashers import check_password

        for encoded in self.recent_hashes(user):
            if check_password(password, encoded):
                raise ValidationError(self.get_help_text(), code="password_reused")

    def password_changed(self, password, user=None):
        from .models import PasswordHistory

        if user is None or user.pk is None or not user.has_usable_password():
            return
        PasswordHistory.objects.create(user_id=user.pk, password=user.password)
        keep = PasswordHistory.objects.filter(user_id=user.pk).values_list("pk", flat=True)[: max(self.count, 1)]
        PasswordHistory.objects.filter(user_id=user.pk).exclude(pk__in=list(keep)).delete()

    def get_help_text(self):
        return _("Your password must differ from your last %(n)d passwords.") % {"n": self.count}
