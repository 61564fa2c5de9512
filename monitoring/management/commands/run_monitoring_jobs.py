from django.core.management.base import BaseCommand

from monitoring import jobs


class Command(BaseCommand):
    help = "Record the warnings of the checkpoint passed and pause unanswered ones, once by hand (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Run as if today were this date (YYYY-MM-DD).")

    def handle(self, *args, date=None, **options):
        import datetime as dt

        today = dt.date.fromisoformat(date) if date else None
        sent = jobs.record_warnings(today=today)
        lapsed = jobs.enforce_response_deadlines(today=today)
        self.stdout.write(f"record_warnings: {sent} alert(s) sent; enforce_response_deadlines: {lapsed} lapsed")
