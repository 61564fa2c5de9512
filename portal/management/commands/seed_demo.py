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
    "budgets.department_demo",  # after budgets.demo: the department-wide budget is its approved projects
    "monitoring.demo",
    "rectification.demo",  # after every source: reports, events, appeals, evaluations, surveys, warnings
]


class Command(BaseCommand):
    help = "Create the demo city: departments, users of every role, frameworks, reports, scores, budgets, surveys."

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="Do not print the demo logins.")
        parser.add_argument(
            "--base-url",
            default="http://127.0.0.1:8000",
            help="Where the server will run: the demo survey links are printed as full URLs under it.",
        )

    def handle(self, *args, quiet=False, base_url="http://127.0.0.1:8000", **options):
        translation.activate("zh-hans")
        links = []
        for step in STEPS:
            result = import_module(step).seed(stdout=self.stdout)
            links += result.pop("demo_code_links", [])
            self.stdout.write(f"{step}: {result}")
        if links and not quiet:
            self.stdout.write("Demo survey links (one-time codes, open them on a phone):")
            for link in links:
                self.stdout.write(f"  {base_url.rstrip('/')}{link}")
        if not quiet:
            from organizations.demo import logins_text

            self.stdout.write(self.style.SUCCESS(logins_text()))
