"""Run the survey quota check by hand (the same job Celery beat runs every 15 minutes)."""

from django.core.management.base import BaseCommand

from satisfaction import services


class Command(BaseCommand):
    help = "Close surveys past their closing date and alert when quotas are reached or missed (idempotent)."

    def handle(self, *args, **options):
        result = services.quota_check()
        self.stdout.write(f"surveys closed: {result['closed']}, alerts sent: {result['alerts']}")
