from django.core.management.base import BaseCommand

from assessments import jobs


class Command(BaseCommand):
    help = "Run the send_lag_warnings job once by hand (idempotent: nothing already sent is sent again)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Run as if today were this date (YYYY-MM-DD).")

    def handle(self, *args, date=None, **options):
        import datetime as dt

        today = dt.date.fromisoformat(date) if date else None
        sent = jobs.send_lag_warnings(today=today)
        self.stdout.write(f"send_lag_warnings: {sent} alert(s) sent")
