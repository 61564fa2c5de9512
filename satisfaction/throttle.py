"""Flood limits for the public survey pages (docs/security.md: per address and per code).

Fixed-window counters in Django's cache. The address and the code are hashed before they
become cache keys and are never written anywhere else: they serve the limit only.
"""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache

from audit.services import client_ip


def _key(kind: str, ident: str) -> str:
    digest = hashlib.sha256(f"{kind}:{ident}".encode()).hexdigest()[:32]
    return f"satisfaction:rl:{kind}:{digest}"


logger = logging.getLogger(__name__)

# While the shared cache cannot be reached the limits are counted per process here: the public
# pages keep answering (and keep a limit) instead of failing every submit.
_fallback = LocMemCache("satisfaction-throttle-fallback", {"OPTIONS": {"MAX_ENTRIES": 10000}})


def hit(kind: str, ident: str, *, limit: int, window: int) -> bool:
    """Count one event; True while the count in the current window is within ``limit``."""
    key = _key(kind, ident)
    try:
        return _hit(caches["default"], key, limit=limit, window=window)
    except Exception as exc:
        logger.warning("throttle cache unavailable, counting in this process (%s)", exc)
        return _hit(_fallback, key, limit=limit, window=window)


def _hit(backend, key: str, *, limit: int, window: int) -> bool:
    if isinstance(backend, RedisCache):
        # One round trip on the public survey's hot path: create the window's counter if missing
        # (with its expiry), then count, in one transaction. Stored as Django's cache stores an int.
        name = backend.make_and_validate_key(key)
        pipe = backend._cache.get_client(name, write=True).pipeline()
        pipe.set(name, 0, ex=window, nx=True)
        pipe.incr(name)
        _created, count = pipe.execute()
        return count <= limit
    if backend.add(key, 1, timeout=window):
        return limit >= 1
    try:
        count = backend.incr(key)
    except ValueError:  # expired between add and incr
        backend.set(key, 1, timeout=window)
        count = 1
    return count <= limit


def over(kind: str, ident: str, *, limit: int) -> bool:
    """True if the counter already reached ``limit`` (without counting)."""
    key = _key(kind, ident)
    try:
        count = caches["default"].get(key)
    except Exception as exc:
        logger.warning("throttle cache unavailable, counting in this process (%s)", exc)
        count = _fallback.get(key)
    return (count or 0) >= limit


def address(request) -> str:
    return client_ip(request) or "unknown"


def allow_submit(request) -> bool:
    return hit(
        "submit",
        address(request),
        limit=settings.SATISFACTION_SUBMITS_PER_ADDRESS,
        window=settings.SATISFACTION_SUBMITS_WINDOW_SECONDS,
    )


def allow_code_attempt(code: str) -> bool:
    return hit(
        "code",
        code,
        limit=settings.SATISFACTION_ATTEMPTS_PER_CODE,
        window=settings.SATISFACTION_CODE_WINDOW_SECONDS,
    )


def bad_codes_exceeded(request) -> bool:
    return over("badcode", address(request), limit=settings.SATISFACTION_BAD_CODES_PER_ADDRESS)


def record_bad_code(request) -> None:
    hit(
        "badcode",
        address(request),
        limit=settings.SATISFACTION_BAD_CODES_PER_ADDRESS,
        window=settings.SATISFACTION_BAD_CODES_WINDOW_SECONDS,
    )
