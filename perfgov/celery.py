"""The Celery application and the one beat schedule of every periodic job."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "perfgov.settings.local")

app = Celery("perfgov")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Every periodic job, in one place. Each is idempotent and is also a management command.
app.conf.beat_schedule: dict = {}

__all__ = ["app", "crontab"]
