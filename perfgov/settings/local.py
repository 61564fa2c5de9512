"""Embedded default: SQLite under var/, Celery on the filesystem transport, e-mail written to var/mail."""

import os

from .base import *  # noqa: F403
from .base import VAR_DIR, env

# DEBUG off by default: a new user meets the app's own Chinese 404 and 403 pages, not Django's
# technical ones (WhiteNoise serves the collected static files either way). DEBUG=1 turns it on.
DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="local-development-key-not-for-production")
VAR_DIR.mkdir(exist_ok=True)
# The embedded demo logs in without a second factor unless OTP_REQUIRED_ROLES is set
# (production and the tests require it for supervisor, finance and the three administrators).
OTP_REQUIRED_ROLES = env.list("OTP_REQUIRED_ROLES", default=[])

# The filesystem transport has no host name; kombu says so on every connection.
LOGGING["loggers"]["kombu.connection"] = {"level": "ERROR"}  # noqa: F405

# The benchmark workload generator (manage.py generate_city): development and tests, never production.
INSTALLED_APPS = [*INSTALLED_APPS, "workloads"]  # noqa: F405
# E-mail goes to files under var/mail (one per message) instead of flooding the console log;
# EMAIL_URL (for example smtp://…) sends it for real.
if "EMAIL_URL" not in os.environ:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")
