"""Thin Celery tasks of dual monitoring; the schedule is in perfgov/celery.py."""

from celery import shared_task

from . import jobs

IDEMPOTENT = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (OSError,),
    "retry_backoff": True,
    "max_retries": 5,
}


@shared_task(**IDEMPOTENT)
def record_warnings() -> int:
    return jobs.record_warnings()


@shared_task(**IDEMPOTENT)
def enforce_response_deadlines() -> int:
    return jobs.enforce_response_deadlines()
