"""Build the demo city. Idempotent: running it again adds nothing that is already there."""

from importlib import import_module

from django.core.management.base import BaseCommand
from django.utils import translation

# Each app's demo module has ``seed(stdout) -> dict``; order matters (later steps use earlier data).
STEPS = [
    "organizations.demo",
    "indicators.demo",
    "satisfaction.demo",
    "assessments.demo",
    "budgets.demo",  # after assessments: next year's recommendations use the departments' annual grades
    "monitoring.demo",
]


class Command(BaseCommand):
    help = "Create the demo city: departments, users of every role, frameworks, reports, scores, budgets, surveys."

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="Do not print the demo logins.")

    def handle(self, *args, quiet=False, **options):
        translation.activate("zh-hans")
        for step in STEPS:
            result = import_module(step).seed(stdout=self.stdout)
            self.stdout.write(f"{step}: {result}")
        if not quiet:
            from organizations.demo import logins_text

            self.stdout.write(self.style.SUCCESS(logins_text()))
