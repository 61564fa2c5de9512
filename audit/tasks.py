from celery import shared_task

from . import services


@shared_task(acks_late=True, reject_on_worker_lost=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def flush_denied_windows() -> int:
    """Every minute: closed windows of anonymous refusals become audit events (idempotent)."""
    return services.flush_denied_windows()
