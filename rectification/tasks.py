"""Thin Celery tasks of the rectification ledger; the schedule is in perfgov/celery.py."""

from celery import shared_task

from . import jobs


@shared_task(acks_late=True, reject_on_worker_lost=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_alerts() -> int:
    """Reminders and overdue alerts, then the year's deduction events for overdue items."""
    from . import deductions

    sent = jobs.send_alerts()
    deductions.record_overdue_deductions()
    return sent
