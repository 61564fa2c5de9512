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
