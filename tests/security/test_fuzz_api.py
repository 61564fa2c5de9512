"""The API fuzzed from its own OpenAPI schema (docs/security.md, Input; issue 8 §7).

schemathesis reads ``/api/schema/`` from the application itself (in-process, through the WSGI
handler: no server, no network) and sends generated requests to every operation, signed in with
an API token of each of three roles: the supervision office, a department filer and an API
client. Checks: no 5xx, and every documented response has the documented content type and
matches the documented body schema. Requests go to the year of ``tests/security/world.py``;
half of the generated ids are replaced by ids of real objects so responses with real data are
checked too, not only 404s.

Bounded so the three roles stay within a few minutes on PostgreSQL: a handful of examples per
operation, the coverage phase limited to positive cases, no shrinking, a deadline per example.
Excluded, and why: the xlsx download (binary, nothing to validate against a JSON schema) and the
xlsx import (a multipart file that a generator cannot make into a workbook; its parser has its
own property test in test_parsers.py).
"""

from __future__ import annotations

import zlib

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from organizations import services as org

pytestmark = [pytest.mark.django_db]

ROLES = ["supervisor", "filer", "api_client"]
EXAMPLES = 6
EXCLUDED = (
    ("GET", "/api/v1/budget-recommendations/export/"),  # xlsx download
    ("POST", "/api/v1/budget-projects/import/"),  # xlsx upload
    ("POST", "/api/v1/budget-library-indicators/import/"),  # xlsx upload
    ("POST", "/api/v1/budget-exante-assessments/{id}/import/"),  # xlsx upload
    ("GET", "/api/v1/budget-exante-assessments/{id}/import-template/"),  # xlsx download
)


def _config() -> SchemathesisConfig:
    return SchemathesisConfig.from_dict(
        {
            "seed": 8,
            "generation": {"max-examples": EXAMPLES, "no-shrink": True, "mode": "all", "database": "none"},
            "phases": {
                "examples": {"enabled": True},
                "coverage": {"enabled": True, "generation": {"mode": "positive"}},
                "fuzzing": {"enabled": True},
                "stateful": {"enabled": False},
            },
        }
    )


@pytest.fixture
def wsgi_app(world, settings_override):
    """Django's own WSGI handler, kept inside the test's transaction: the end of each request
    must not close the connection that holds the test's savepoint (Django's test client does the
    same)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def settings_override(settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]
    return settings


def _served_schema() -> dict:
    """The document /api/schema/ serves (the same generator, called without a request)."""
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


schema = schemathesis.openapi.from_dict(_served_schema(), config=_config()).exclude(
    func=lambda ctx: (ctx.operation.method.upper(), ctx.operation.path) in EXCLUDED
)


@pytest.fixture(params=ROLES)
def token(request, world):
    _token, key = org.token_issue(user=world.users[request.param], name=f"fuzz {request.param}")
    return key


def _real_ids(world) -> dict[str, list]:
    """Path values of objects that exist, by the path's collection."""
    return {
        "entries": [world["entry_edu"].pk, world["entry_water"].pk],
        "reports": [world["q4_edu"].pk, world["q3_water"].pk],
        "assignments": [world["assignment_edu"].pk, world["assignment_grade"].pk],
        "events": [world["event_edu"].pk],
        "appeals": [world["appeal_edu"].pk, world["appeal_decided_edu"].pk],
        "budget-projects": [world["project_draft"].pk, world["project_approved"].pk, world["project_water"].pk],
        "budget-targets": [world["target"].pk],
        "budget-spending": [world["spending"].pk],
        "budget-tranches": [world["tranche_held"].pk],
        "budget-evaluations": [world["evaluation"].pk],
        "budget-recommendations": [world["recommendation"].pk],
        "survey-questions": [world["question"].pk],
        "indicators": list(world.plan.library.indicators.values_list("pk", flat=True)[:2]),
        "rules": list(world.plan.library.rules.values_list("pk", flat=True)[:2]),
        "categories": list(world.plan.library.categories.values_list("pk", flat=True)[:1]),
        "grade-bands": list(world.plan.library.grade_bands.values_list("pk", flat=True)[:1]),
        "surveys": ["s2026", "draft"],
        "departments": ["edu", "water"],
        "groups": ["social"],
        "regions": ["east"],
        "libraries": [2026],
        "plans": [2026],
        "budget-policies": [2026],
        "scores": ["edu"],
        "tokens": [world["token"].pk],
    }


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=5000,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api(case, world, wsgi_app, token):
    path_params = case.path_parameters or {}
    if path_params:
        collection = case.operation.path.removeprefix("/api/v1/").split("/")[0]
        real = _real_ids(world).get(collection)
        key = next(iter(path_params))
        draw = zlib.crc32(str(path_params[key]).encode())
        # Keep the generated value for half of the draws, name a real object for the other half.
        if real and draw % 2 == 0:
            path_params[key] = real[draw // 2 % len(real)]
            if collection == "scores":
                path_params.update({"year": 2026, "period": "annual"})
    case.call_and_validate(
        app=wsgi_app,
        headers={"Authorization": f"Token {token}"},
        checks=[not_a_server_error, response_schema_conformance, content_type_conformance],
    )
