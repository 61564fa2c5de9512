"""Embedded default: SQLite under var/, Celery on the filesystem transport, DEBUG on."""

from .base import *  # noqa: F403
from .base import VAR_DIR, env

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default="local-development-key-not-for-production")
VAR_DIR.mkdir(exist_ok=True)
