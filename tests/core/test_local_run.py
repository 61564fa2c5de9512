"""`make run` as a new user meets it: the app's own 404 page, e-mail in files, full demo survey links."""

import io
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import django, json
django.setup()
from django.conf import settings
from django.core.management import call_command
from django.test import Client
call_command("collectstatic", interactive=False, verbosity=0)  # as make run does before serving
r = Client().get("/no-such-page/", HTTP_HOST="127.0.0.1")
print(json.dumps({"debug": settings.DEBUG, "status": r.status_code, "body": r.content.decode(),
                  "email": settings.EMAIL_BACKEND, "mail_dir": str(getattr(settings, "EMAIL_FILE_PATH", ""))}))
"""


def test_the_embedded_default_shows_the_apps_own_pages_and_keeps_mail_out_of_the_log(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "EMAIL_URL", "DATABASE_URL")}
    env["DJANGO_SETTINGS_MODULE"] = "perfgov.settings.local"
    result = subprocess.run(  # noqa: S603 - our own probe, run with this interpreter
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    import json

    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert probe["debug"] is False and probe["status"] == 404
    assert "404 · 页面不存在" in probe["body"]
    assert "Technical" not in probe["body"] and "URLconf" not in probe["body"]
    assert probe["email"].endswith("filebased.EmailBackend") and probe["mail_dir"].endswith("var/mail")


def test_seed_demo_prints_the_survey_links_as_full_urls(monkeypatch, db):
    from django.core.management import call_command

    from portal.management.commands import seed_demo

    # only the printing is under test here: the steps return what the survey step returns
    class Step:
        @staticmethod
        def seed(stdout):
            return {
                "demo_code_links": [
                    "/satisfaction/s/k/AAAAA-BBBBB/ (城东区)",
                    "/satisfaction/s/k/C/ (清溪县 · quota full: the page says so)",
                ]
            }

    monkeypatch.setattr(seed_demo, "STEPS", ["x"])
    monkeypatch.setattr(seed_demo, "import_module", lambda name: Step)
    monkeypatch.setattr("organizations.demo.logins_text", lambda: "")
    out = io.StringIO()
    call_command("seed_demo", "--base-url", "http://127.0.0.1:8017", stdout=out)
    text = out.getvalue()
    assert "  http://127.0.0.1:8017/satisfaction/s/k/AAAAA-BBBBB/ (城东区)" in text
    assert "http://127.0.0.1:8017/satisfaction/s/k/C/ (清溪县 · quota full" in text
