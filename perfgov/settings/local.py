"""Embedded default: SQLite under var/, Celery on the filesystem transport, DEBUG on."""

from .base import *  # noqa: F403
from .base import VAR_DIR, env

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default="local-development-key-not-for-production")
VAR_DIR.mkdir(exist_ok=True)
# The embedded demo logs in without a second factor unless OTP_REQUIRED_ROLES is set
# (production and the tests require it for supervisor, finance and the three administrators).
OTP_REQUIRED_ROLES = env.list("OTP_REQUIRED_ROLES", default=[])

# The filesystem transport has no host name; kombu says so on every connection.
LOGGING["loggers"]["kombu.connection"] = {"level": "ERROR"}  # noqa: F405

# The benchmark workload generator (manage.py generate_city): development and tests, never production.
INSTALLED_APPS = [*INSTALLED_APPS, "workloads"]  # noqa: F405
