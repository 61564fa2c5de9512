from celery import shared_task

from . import services


@shared_task(acks_late=True, reject_on_worker_lost=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_notification_emails(ids=None) -> int:
    """Send pending notification e-mails (idempotent: each is marked when sent)."""
    return services.send_emails(ids)


@shared_task(acks_late=True, reject_on_worker_lost=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def purge_old_notifications() -> int:
    """Daily: the notification centre's retention (services.purge_old)."""
    return services.purge_old()
