"""Settings for the test suite: SQLite by default, PostgreSQL and Redis when their URLs are set."""

from .base import *  # noqa: F403
from .base import env

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
