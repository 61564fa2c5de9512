"""Settings for the test suite: SQLite by default, PostgreSQL and Redis when their URLs are set.

The suite runs in parallel processes (pytest-xdist, ``make test``). Each process gets its own test
database from pytest-django (``test_perfgov_gw0``, ``test_perfgov_gw1``, …) and, here, its own Redis
database: the cache, the throttles and the Celery queue of one process never meet another's. The
environment is changed, not only the settings, so the ``redis_url`` fixture and the workers and
servers a test starts see the same database.
"""

import os
import re

_xdist_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
# Once per process tree: a worker or server a test starts inherits the shifted URL and the mark.
if _xdist_worker.startswith("gw") and os.environ.get("REDIS_URL") and not os.environ.get("PERFGOV_REDIS_PER_WORKER"):
    # redis://host:port/N → redis://host:port/(N + 1 + worker): the base database stays free.
    _url = os.environ["REDIS_URL"]
    _match = re.match(r"^(redis://[^/]+)(?:/(\d+))?/?$", _url)
    if _match:
        _db = int(_match.group(2) or 0) + 1 + int(_xdist_worker[2:])
        os.environ["REDIS_URL"] = f"{_match.group(1)}/{_db}"
        os.environ["PERFGOV_REDIS_PER_WORKER"] = "1"

from .base import *  # noqa: E402, F403
from .base import env  # noqa: E402

DEBUG = False
SECRET_KEY = "test-key-not-for-production"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tasks run in-process unless a test starts a real worker (tests that need one say so).
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
CELERY_TASK_EAGER_PROPAGATES = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
REQUIRE_SERVICES = env.bool("REQUIRE_SERVICES", default=False)

# The benchmark workload generator (manage.py generate_city) is tested too.
INSTALLED_APPS = [*INSTALLED_APPS, "workloads"]  # noqa: F405
