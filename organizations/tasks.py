from celery import shared_task

from . import sessions


@shared_task(acks_late=True, reject_on_worker_lost=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def end_expired_sessions() -> int:
    """Every five minutes: sessions ended by the idle timeout or the 12 hours, audited and removed."""
    return sessions.end_expired_sessions()
