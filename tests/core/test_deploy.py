"""Production settings pass Django's deployment checks; nothing loads from the internet."""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_check_deploy_is_clean_with_production_settings():
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "perfgov.settings.production",
            "SECRET_KEY": "x7#kP2vQ9!mW4zR8tY1uI6oL3aS5dF0gH7jK2lZ9xC4vB8nM1qE6wR3tY5uI0oP",
            "ALLOWED_HOSTS": "perfgov.example.gov.cn",
            "DATABASE_URL": "sqlite:////tmp/perfgov-deploy-check.sqlite3",
        }
    )
    env.pop("DEBUG", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests of this process; never in production
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="perfgov.settings.production", SECRET_KEY="")
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


REMOTE = re.compile(r"""(?:src|href)\s*=\s*["'](?:https?:)?//""", re.I)


def test_no_template_loads_anything_from_another_host():
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "templates").rglob("*.html") if REMOTE.search(p.read_text())]
    assert offenders == []


def test_api_docs_are_served_from_the_app(client_for):
    response = client_for("supervisor").get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert not REMOTE.search(html)
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert client_for("supervisor").get("/api/schema/").status_code == 200


def test_security_headers_are_sent(client, db):
    response = client.get("/accounts/login/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


PRODUCTION_PROBE = r"""
import json, django
django.setup()
from django.conf import settings
from django.core.management import call_command
from django.test import Client
# A deployment collects static files before it serves a page (the manifest storage needs them).
call_command("collectstatic", interactive=False, verbosity=0)
response = Client().get("/accounts/login/", secure=True, HTTP_HOST="perfgov.example.gov.cn")
print(json.dumps({
    "status": response.status_code,
    "hsts": response.headers.get("Strict-Transport-Security", ""),
    "csp": response.headers.get("Content-Security-Policy", ""),
    "nosniff": response.headers.get("X-Content-Type-Options", ""),
    "referrer": response.headers.get("Referrer-Policy", ""),
    "csrf_cookie_secure": bool(response.cookies["csrftoken"]["secure"]) if "csrftoken" in response.cookies else None,
    "settings": {
        "DEBUG": settings.DEBUG,
        "SESSION_COOKIE_SECURE": settings.SESSION_COOKIE_SECURE,
        "SESSION_COOKIE_HTTPONLY": settings.SESSION_COOKIE_HTTPONLY,
        "CSRF_COOKIE_SECURE": settings.CSRF_COOKIE_SECURE,
        "SECURE_SSL_REDIRECT": settings.SECURE_SSL_REDIRECT,
        "SECURE_HSTS_SECONDS": settings.SECURE_HSTS_SECONDS,
        "OTP_REQUIRED_ROLES": settings.OTP_REQUIRED_ROLES,
    },
}))
"""


def test_production_sends_hsts_csp_and_secure_cookies(tmp_path):
    import json

    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "perfgov.settings.production",
            "SECRET_KEY": "x7#kP2vQ9!mW4zR8tY1uI6oL3aS5dF0gH7jK2lZ9xC4vB8nM1qE6wR3tY5uI0oP",
            "ALLOWED_HOSTS": "perfgov.example.gov.cn",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'probe.sqlite3'}",
            "STATIC_ROOT": str(tmp_path / "static"),
        }
    )
    for name in ("DEBUG", "OTP_REQUIRED_ROLES"):
        env.pop(name, None)
    result = subprocess.run(  # noqa: S603 - our own probe script, run with this interpreter
        [sys.executable, "-c", PRODUCTION_PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert probe["status"] == 200
    assert "max-age=31536000" in probe["hsts"] and "includeSubDomains" in probe["hsts"]
    assert "default-src 'self'" in probe["csp"] and "script-src 'self'" in probe["csp"]
    assert "frame-ancestors 'none'" in probe["csp"]
    assert probe["nosniff"] == "nosniff" and probe["referrer"] == "same-origin"
    assert probe["csrf_cookie_secure"] is True
    s = probe["settings"]
    assert s["DEBUG"] is False and s["SECURE_SSL_REDIRECT"] is True and s["SECURE_HSTS_SECONDS"] >= 31536000
    assert s["SESSION_COOKIE_SECURE"] and s["SESSION_COOKIE_HTTPONLY"] and s["CSRF_COOKIE_SECURE"]
    assert {"supervisor", "finance", "admin", "security_admin", "auditor"} <= set(s["OTP_REQUIRED_ROLES"])
