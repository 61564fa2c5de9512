"""``python manage.py generate_city --size S|L --seed N``: the benchmark city (bench/README.md)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from workloads import city


class Command(BaseCommand):
    help = (
        "Generate the city-S or city-L workload of bench/README.md on PostgreSQL, deterministically from a seed, "
        "in a dedicated year. A workload that exists already is left alone; a clash with other data is refused."
    )

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=sorted(city.SIZES), default="S")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--year", type=int, default=city.DEFAULT_YEAR, help="A year no other data uses.")
        parser.add_argument("--no-scores", action="store_true", help="Do not compute the scores at the end.")
        parser.add_argument("--fingerprint", action="store_true", help="Print a digest of the generated inputs.")

    def handle(self, *args, size, seed, year, no_scores, fingerprint, **options):
        translation.activate("zh-hans")
        spec = city.SIZES[size]
        self.stdout.write(
            f"Generating {spec.name} (seed {seed}, year {year}): {spec.departments} departments, "
            f"{spec.assignments:,} assignments, {spec.events:,} events, {spec.responses:,} survey responses, "
            f"{spec.projects} budget projects"
        )
        try:
            result = city.generate(size=size, seed=seed, year=year, stdout=self.stdout, score=not no_scores)
        except city.WorkloadExists as exc:
            self.stdout.write(self.style.SUCCESS(str(exc)))
            result = None
        except city.WorkloadClash as exc:
            raise CommandError(str(exc)) from None
        if result is not None:
            self.stdout.write(self.style.SUCCESS(f"Done in {result['seconds']} s: {result}"))
        if fingerprint:
            self.stdout.write(f"inputs {city.fingerprint(year)}")
            self.stdout.write(f"scores {city.scores_fingerprint(year)}")
