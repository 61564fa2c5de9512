"""Root fixtures: a user for every role, API clients, and the services switch.

Tests that need PostgreSQL or Redis use the ``postgres`` / ``redis_url`` fixtures: they skip
when the service is not configured, and fail instead when REQUIRE_SERVICES=1 (CI).
"""

import os

import pytest
from rest_framework.test import APIClient

from core.roles import Role

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


def _missing(what: str):
    if REQUIRE_SERVICES:
        pytest.fail(f"{what} is required (REQUIRE_SERVICES=1) but not configured or not answering")
    pytest.skip(f"{what} not configured")


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the default language (zh-hans): a request made in English activates
    English for the thread, which must not carry over into the next test."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def postgres(db):
    from django.db import connection

    if connection.vendor != "postgresql":
        _missing("PostgreSQL (DATABASE_URL)")
    return connection


@pytest.fixture
def redis_url():
    url = os.environ.get("REDIS_URL")
    if not url:
        _missing("Redis (REDIS_URL)")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.exceptions.RedisError as exc:
        if REQUIRE_SERVICES:
            pytest.fail(f"Redis at {url} is not answering: {exc}")
        pytest.skip(f"Redis not answering: {exc}")
    return url


@pytest.fixture
def departments(db):
    from tests.factories import DepartmentFactory, RankingGroupFactory

    social = RankingGroupFactory(code="social", name="社会事业类")
    urban = RankingGroupFactory(code="urban", name="城乡建设类")
    return {
        "edu": DepartmentFactory(code="edu", name="教育局", group=social),
        "health": DepartmentFactory(code="health", name="卫生健康委", group=social),
        "water": DepartmentFactory(code="water", name="水利局", group=urban),
    }


@pytest.fixture
def users(db, departments):
    """One active user per role; department users belong to 教育局 (filer2 to 水利局)."""
    from tests.factories import UserFactory

    out = {}
    for role in Role:
        dept = departments["edu"] if role in (Role.FILER, Role.DEPT_HEAD) else None
        out[role.value] = UserFactory(username=role.value, role=role, department=dept)
    out["filer2"] = UserFactory(username="filer2", role=Role.FILER, department=departments["water"])
    return out


@pytest.fixture
def api_for(users):
    """``api_for("supervisor")`` → an APIClient authenticated as that role (None: anonymous)."""

    def make(role: str | None):
        client = APIClient()
        if role is not None:
            client.force_authenticate(users[role])
        return client

    return make


@pytest.fixture
def client_for(users, client):
    """``client_for("filer")`` → a Django test client logged in as that role."""
    from django.test import Client

    def make(role: str):
        c = Client()
        c.force_login(users[role])
        return c

    return make
