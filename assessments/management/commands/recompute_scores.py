import time

from django.core.management.base import BaseCommand, CommandError

from assessments.models import Plan
from assessments.recompute import recompute
from organizations.models import Department


class Command(BaseCommand):
    help = "Recompute scores now (set-based). Without options: every plan and department."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int)
        parser.add_argument("--department", help="Department code")

    def handle(self, *args, year=None, department=None, **options):
        plans = Plan.objects.select_related("library")
        if year:
            plans = plans.filter(year=year)
            if not plans.exists():
                raise CommandError(f"No plan for {year}.")
        dept_ids = None
        if department:
            dept = Department.objects.filter(code=department).first()
            if dept is None:
                raise CommandError(f"No department with code {department!r}.")
            dept_ids = [dept.pk]
        for plan in plans:
            start = time.perf_counter()
            written = recompute(plan=plan, department_ids=dept_ids)
            self.stdout.write(f"{plan.year}: {written} score(s) written in {time.perf_counter() - start:.2f} s")
