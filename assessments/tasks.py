"""Thin Celery tasks: each calls a job or service; the schedule is in perfgov/celery.py."""

from celery import shared_task

from . import jobs, recompute

IDEMPOTENT = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (OSError,),
    "retry_backoff": True,
    "max_retries": 5,
}


@shared_task(**IDEMPOTENT)
def send_deadline_reminders() -> int:
    return jobs.send_deadline_reminders()


@shared_task(**IDEMPOTENT)
def send_overdue_alerts() -> int:
    return jobs.send_overdue_alerts()


@shared_task(**IDEMPOTENT)
def send_lag_warnings() -> int:
    return jobs.send_lag_warnings()


@shared_task(**IDEMPOTENT)
def process_recompute_requests() -> int:
    """Recompute the departments with pending requests (queued on commit, and every few minutes);
    first mark the plans whose inputs the calendar changed (a deadline passed, a quarter began)."""
    jobs.refresh_input_states()
    return recompute.process_recompute_requests()
