"""The Celery application and the one beat schedule of every periodic job."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "perfgov.settings.local")

app = Celery("perfgov")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Every periodic job, in one place. Each is idempotent and is also a management command.
app.conf.beat_schedule = {
    # assessments: monitoring of quarterly reports (docs/domain.md §3–4)
    "deadline-reminders": {"task": "assessments.tasks.send_deadline_reminders", "schedule": crontab(hour=8, minute=0)},
    "overdue-alerts": {"task": "assessments.tasks.send_overdue_alerts", "schedule": crontab(hour=8, minute=10)},
    "lag-warnings": {"task": "assessments.tasks.send_lag_warnings", "schedule": crontab(hour=8, minute=20)},
    # dual monitoring: warnings of the checkpoint passed, then pauses for unanswered ones
    "monitoring-warnings": {"task": "monitoring.tasks.record_warnings", "schedule": crontab(hour=8, minute=30)},
    "monitoring-deadlines": {
        "task": "monitoring.tasks.enforce_response_deadlines",
        "schedule": crontab(hour=8, minute=35),
    },
    # rectification ledger: reminders before the deadline, overdue alerts and escalation
    "rectification-alerts": {"task": "rectification.tasks.send_alerts", "schedule": crontab(hour=8, minute=40)},
    # catch-up for score recomputations whose task could not be queued (broker down)
    "recompute-scores": {"task": "assessments.tasks.process_recompute_requests", "schedule": 300.0},
    # catch-up for notification e-mails not sent yet
    "notification-emails": {"task": "notifications.tasks.send_notification_emails", "schedule": 600.0},
    # retention of the notification centre: read ones after 180 days, any after 365
    "notification-retention": {
        "task": "notifications.tasks.purge_old_notifications",
        "schedule": crontab(hour=3, minute=30),
    },
    # audit: anonymous refusals counted per address and minute become one event per window
    "audit-anonymous-refusals": {"task": "audit.tasks.flush_denied_windows", "schedule": 60.0},
    # sessions that ended by the idle timeout or the absolute lifetime: audited, then removed
    "expired-sessions": {"task": "organizations.tasks.end_expired_sessions", "schedule": 300.0},
    # satisfaction: quotas reached, surveys past their closing date or closed short of quota
    "satisfaction-quota-check": {"task": "satisfaction.tasks.quota_check", "schedule": crontab(minute="*/15")},
}

__all__ = ["app", "crontab"]
