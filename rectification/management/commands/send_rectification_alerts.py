from django.core.management.base import BaseCommand

from rectification import jobs


class Command(BaseCommand):
    help = "Run the rectification reminders and overdue alerts once by hand (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Run as if today were this date (YYYY-MM-DD).")

    def handle(self, *args, date=None, **options):
        import datetime as dt

        today = dt.date.fromisoformat(date) if date else None
        sent = jobs.send_alerts(today=today)
        self.stdout.write(f"send_rectification_alerts: {sent} alert(s) sent")
