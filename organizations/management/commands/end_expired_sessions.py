"""Audit and delete the sessions that expired (idle timeout, 12 hours); use instead of clearsessions."""

from django.core.management.base import BaseCommand

from organizations.sessions import end_expired_sessions


class Command(BaseCommand):
    help = "Record each expired signed-in session as auth.session_expired (idle or absolute) and delete it."

    def handle(self, *args, **options):
        ended = end_expired_sessions()
        self.stdout.write(f"{ended} expired sessions recorded and removed")
