"""Optional read replicas (``DATABASE_REPLICA_URLS``): docs/operations.md, "Read replicas".

The read-only traffic of the public pages, the dashboards and the API's GETs may be served by a
PostgreSQL streaming replica; everything else — every write, every read inside a write's
transaction, every request of a user who has just written — goes to the primary.

- ``ReplicaMiddleware`` decides per request: a GET or HEAD under one of ``REPLICA_PATHS``, from
  a client that has not written in the last ``DATABASE_REPLICA_PIN_SECONDS``, may use a healthy
  replica. After a write the client is pinned to the primary (a cookie for browsers, a cache key
  per credential for API clients), so it always reads what it wrote.
- A replica is healthy when it answers and its replay lags the primary by at most
  ``DATABASE_REPLICA_MAX_LAG`` seconds (checked at most every ``DATABASE_REPLICA_HEALTH_SECONDS``
  per process). A replica that fails during a request is marked down and the request is served
  again from the primary, so stopping a replica changes nothing for users.
- ``ReplicaRouter`` sends reads to the replica chosen for the request, except sessions,
  accounts, tokens, lockouts, two-factor devices and the audit log, which are always read from
  the primary (security decisions never rest on a stale copy).
"""

from __future__ import annotations

import contextvars
import hashlib
import logging
import random
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import MiddlewareNotUsed
from django.db import OperationalError, connections

logger = logging.getLogger(__name__)

_read_alias: contextvars.ContextVar[str | None] = contextvars.ContextVar("perfgov_read_alias", default=None)

REPLICA_PATHS = ("/public/", "/dashboards/", "/api/")
# Read from the primary always: what authenticates, authorises or audits a request.
PRIMARY_APPS = frozenset({"sessions", "auth", "authtoken", "axes", "otp_totp", "otp_static", "organizations", "audit"})
PIN_COOKIE = "perfgov_primary"
SAFE = ("GET", "HEAD", "OPTIONS")


def replica_aliases() -> list[str]:
    return [alias for alias in settings.DATABASES if alias.startswith("replica")]


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        alias = _read_alias.get()
        if alias is None or model._meta.app_label in PRIMARY_APPS:
            return None
        if connections["default"].in_atomic_block:  # a read inside a write sees the write
            return None
        return alias

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


class _Health:
    """Per process: when each replica was last checked, and whether it was fit to read from."""

    def __init__(self):
        self.lock = threading.Lock()
        self.checked: dict[str, tuple[float, bool]] = {}

    def ok(self, alias: str) -> bool:
        now = time.monotonic()
        every = settings.DATABASE_REPLICA_HEALTH_SECONDS
        with self.lock:
            seen = self.checked.get(alias)
            if seen is not None and now - seen[0] < every:
                return seen[1]
        fit = _fit(alias)
        with self.lock:
            self.checked[alias] = (now, fit)
        return fit

    def down(self, alias: str) -> None:
        with self.lock:
            self.checked[alias] = (time.monotonic(), False)


health = _Health()

LAG_SQL = """
SELECT pg_is_in_recovery(),
       CASE WHEN pg_last_wal_receive_lsn() IS NOT NULL AND pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()
            THEN 0
            ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 1e9) END
"""


def _fit(alias: str) -> bool:
    """The replica answers, is a replica, and replays within the allowed lag."""
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute(LAG_SQL)
            in_recovery, lag = cursor.fetchone()
    except Exception as exc:
        logger.warning("read replica %s unavailable (%s); reading from the primary", alias, exc)
        connections[alias].close()
        return False
    if not in_recovery:
        return True  # promoted or a plain copy: current by definition
    if float(lag) > settings.DATABASE_REPLICA_MAX_LAG:
        logger.info("read replica %s lags %.1f s; reading from the primary", alias, float(lag))
        return False
    return True


def _credential_key(request) -> str | None:
    auth = request.headers.get("Authorization", "")
    if not auth:
        return None
    return "replicas:pin:" + hashlib.sha256(auth.encode()).hexdigest()


def _pinned(request) -> bool:
    if request.COOKIES.get(PIN_COOKIE):
        return True
    key = _credential_key(request)
    if key is None:
        return False
    try:
        return bool(cache.get(key))
    except Exception:
        return True


def choose(request) -> str | None:
    """The replica this request may read from, or None for the primary."""
    if request.method not in ("GET", "HEAD") or not request.path.startswith(REPLICA_PATHS) or _pinned(request):
        return None
    healthy = [alias for alias in replica_aliases() if health.ok(alias)]
    return random.choice(healthy) if healthy else None  # noqa: S311 - load spreading, not secrecy


class ReplicaMiddleware:
    def __init__(self, get_response):
        if not replica_aliases():
            raise MiddlewareNotUsed  # no replicas: every read goes to the primary, nothing to decide
        self.get_response = get_response

    def __call__(self, request):
        alias = choose(request)
        response = self._serve(request, alias)
        if request.method not in SAFE and response.status_code < 400:
            self._pin(request, response)
        if settings.DATABASE_ROUTING_HEADER:
            response["X-Perfgov-Database"] = getattr(request, "read_database", "default")
        return response

    def _serve(self, request, alias):
        request.read_database = alias or "default"
        if alias is None:
            return self.get_response(request)
        token = _read_alias.set(alias)
        try:
            response = self.get_response(request)
        finally:
            _read_alias.reset(token)
        if not getattr(request, "replica_failed", False):
            return response
        # The replica went away mid-request: serve the (read-only) request again from the primary.
        health.down(alias)
        connections[alias].close()
        request.read_database, request.replica_failed = "default", False
        return self.get_response(request)

    def process_exception(self, request, exception):
        """A database error while reading from a replica: note it; ``__call__`` serves again."""
        if isinstance(exception, OperationalError) and getattr(request, "read_database", "default") != "default":
            logger.warning("read replica %s failed during a request (%s)", request.read_database, exception)
            request.replica_failed = True
        return None

    def _pin(self, request, response) -> None:
        seconds = settings.DATABASE_REPLICA_PIN_SECONDS
        response.set_cookie(PIN_COOKIE, "1", max_age=seconds, httponly=True, samesite="Lax", secure=request.is_secure())
        key = _credential_key(request)
        if key is not None:
            try:
                cache.set(key, 1, timeout=seconds)
            except Exception as exc:
                logger.warning("could not pin the client to the primary (%s)", exc)
