"""Delete audit events older than the retention setting (never younger than six months)."""

from django.core.management.base import BaseCommand

from audit.services import purge_expired


class Command(BaseCommand):
    help = "Delete audit events older than the retention period (at least 183 days); the purge is audited."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only count what would be deleted.")

    def handle(self, *args, dry_run=False, **options):
        result = purge_expired(dry_run=dry_run)
        if dry_run:
            self.stdout.write(
                f"retention {result['retention_days']} days, cutoff {result['cutoff']:%Y-%m-%d %H:%M}: "
                f"{result['would_delete']} events would be deleted"
            )
        else:
            self.stdout.write(
                f"retention {result['retention_days']} days, cutoff {result['cutoff']:%Y-%m-%d %H:%M}: "
                f"{result['deleted']} events deleted"
            )
