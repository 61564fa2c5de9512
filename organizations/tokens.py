"""Issuing, checking and revoking API tokens (docs/security.md: shown once, stored hashed)."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.utils import timezone


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def new_key() -> str:
    return secrets.token_hex(20)


def default_expiry() -> dt.datetime | None:
    days = getattr(settings, "API_TOKEN_TTL_DAYS", 90)
    return timezone.now() + dt.timedelta(days=days) if days else None
