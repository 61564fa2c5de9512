"""Periodic jobs of the satisfaction app (scheduled in perfgov/celery.py)."""

from celery import shared_task

from . import services


@shared_task(acks_late=True, reject_on_worker_lost=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def quota_check() -> dict:
    """Close surveys past their closing date and send quota alerts, each once."""
    return services.quota_check()
