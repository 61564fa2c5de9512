"""``make bench``: every performance measure (bench/README.md) against its baseline, on city-sized data.

    python bench/run.py [--size S|L|XL] [--seed N] [--reps N] [--only NAME,…] [--skip-load] [--duration S]

Environment: ``DATABASE_URL`` (default postgres://postgres@127.0.0.1:5432/perfgov_bench, or
perfgov_bench_s for city-S), ``BENCH_SIZE`` (S or L, default L), ``BENCH_REDIS_URL`` (the cache
and throttles of the load tests; default redis://127.0.0.1:6379/14, left out if Redis does not
answer). The database is created and migrated if needed, and the workload generated once.

Prints one table and writes bench/results.json (a list of objects: measure, project, baseline,
ratio, target, pass, unit, detail). Exits 2 when PostgreSQL is not reachable, 1 when a target
is missed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import REPS, Row, fail, markdown, say, table  # noqa: E402

MEASURES = ["scoring", "autosave", "api", "report", "jobs", "survey", "import", "load"]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", default=os.environ.get("BENCH_SIZE", "L").upper(), choices=["S", "L", "XL"])
    parser.add_argument("--seed", type=int, default=int(os.environ.get("BENCH_SEED", "1")))
    parser.add_argument("--reps", type=int, default=int(os.environ.get("BENCH_REPS", str(REPS))))
    parser.add_argument("--only", default=os.environ.get("BENCH_ONLY", ""), help=f"comma-separated: {MEASURES}")
    parser.add_argument("--skip-load", action="store_true", help="no gunicorn load tests")
    parser.add_argument("--duration", type=int, default=int(os.environ.get("BENCH_DURATION", "60")))
    parser.add_argument("--output", default=str(ROOT / "bench" / "results.json"))
    return parser.parse_args()


def database_url(size: str) -> str:
    default = f"postgres://postgres@127.0.0.1:5432/perfgov_bench{'' if size == 'L' else '_' + size.lower()}"
    url = os.environ.get("DATABASE_URL") or default
    if not url.startswith(("postgres://", "postgresql://")):
        fail(f"the bench measures PostgreSQL; DATABASE_URL is {url.split(':')[0]}. Set a postgres:// URL.")
    return url


def ensure_database(url: str) -> str:
    """Check the server answers and create the database if missing; returns a psycopg2 DSN."""
    import psycopg2

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin = urlunparse(parts._replace(path="/postgres"))
    try:
        conn = psycopg2.connect(admin, connect_timeout=3)
    except psycopg2.OperationalError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
        fail(
            f"PostgreSQL is not reachable at {parts.hostname}:{parts.port or 5432} ({first}). "
            "Start it (see DEVELOPERS.md, Services) or set DATABASE_URL; the bench runs on PostgreSQL only."
        )
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cur.fetchone() is None:
            say(f"Creating database {name} …")
            cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()
    return url


def redis_url() -> str | None:
    url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except Exception:  # Redis is optional: without it the cache is per process
        return None
    return url


def setup_django(url: str, cache_url: str | None) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    if cache_url:
        os.environ["REDIS_URL"] = cache_url
    else:
        os.environ.pop("REDIS_URL", None)
    import django

    django.setup()


class Context:
    """The workload the measures run on."""

    def __init__(self, args, url: str, cache_url: str | None):
        from django.utils import timezone

        from assessments.models import Plan
        from organizations.models import User
        from satisfaction.models import Survey
        from workloads import city

        self.args, self.url, self.cache_url = args, url, cache_url
        self.reps = args.reps
        self.size = city.SIZES[args.size]
        self.year = city.DEFAULT_YEAR
        self.plan = Plan.objects.select_related("library").get(year=self.year)
        self.survey = Survey.objects.get(code=f"{city.PREFIX}-{self.year}")
        self.department_ids = list(
            self.plan.assignments.order_by("department_id").values_list("department_id", flat=True).distinct()
        )
        # Password expiry counts from generation; the measures sign in as the workload's people.
        User.objects.filter(username__startswith=f"{city.PREFIX}-").update(password_changed_at=timezone.now())
        self.counts = counts(self)
        self._bare = None

    def bare(self):
        if self._bare is None:
            from bench.common import bare_connection

            self._bare = bare_connection(self.url)
        return self._bare


def counts(ctx) -> dict:
    from assessments.models import Entry, Score, ScoreEvent
    from satisfaction.models import Answer, Response

    plan = ctx.plan
    return {
        "departments": len(ctx.department_ids),
        "assignments": plan.assignments.count(),
        "entries": Entry.objects.filter(report__quarter__plan=plan).count(),
        "events": ScoreEvent.objects.filter(plan=plan).count(),
        "scores": Score.objects.filter(plan=plan).count(),
        "responses": Response.objects.filter(survey=ctx.survey).count(),
        "answers": Answer.objects.filter(survey=ctx.survey).count(),
    }


def vacuum() -> None:
    """VACUUM (ANALYZE) the bench database: the measures write and roll back (recompute from
    scratch, the import, the load tests' survey), and the dead rows and stale statistics they
    leave would slow the next measure or run wherever autovacuum is off or has not come by yet."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    say(f"  (vacuum and analyze: {time.perf_counter() - started:.1f} s)")


def scoring_measures(ctx) -> list:
    from bench import scoring

    rows = scoring.recompute_all(ctx)
    vacuum()  # recomputing from scratch deleted and inserted every score and ledger line, rolled back
    return [*rows, scoring.recompute_one(ctx)]


def generate(args) -> dict | None:
    from workloads import city

    spec = city.SIZES[args.size]
    say(f"Workload {spec.name} (seed {args.seed}, year {city.DEFAULT_YEAR}) …")
    try:
        return city.generate(size=args.size, seed=args.seed, stdout=sys.stdout)
    except city.WorkloadExists as exc:
        say(f"  {exc}")
        return None
    except city.WorkloadClash as exc:
        fail(str(exc))


def main() -> int:
    args = parse_args()
    if args.size == "XL" and not os.environ.get("BENCH_GROWTH_CHILD"):
        from bench import growth

        os.environ["BENCH_GROWTH_CHILD"] = "1"
        return growth.run(args)
    only = {m.strip() for m in args.only.split(",") if m.strip()} or set(MEASURES)
    if args.skip_load:
        only.discard("load")
    unknown = only - set(MEASURES)
    if unknown:
        fail(f"unknown measures {sorted(unknown)}; choose from {MEASURES}")
    url = ensure_database(database_url(args.size))
    cache_url = redis_url()
    setup_django(url, cache_url)
    from django.core.management import call_command

    say(f"Database {urlparse(url).path.lstrip('/')}: migrating …")
    call_command("migrate", verbosity=0, interactive=False)
    # Production settings serve hashed static files from the manifest collectstatic writes: pages
    # rendered in-process (the report page) and by gunicorn (the load tests) both need it.
    say("Collecting static files …")
    call_command("collectstatic", interactive=False, verbosity=0)
    generated = generate(args)
    ctx = Context(args, url, cache_url)
    say(f"Counts: {ctx.counts}")
    say(f"Cache and throttles: {cache_url or 'per process (Redis not answering)'}")

    rows: list[Row] = []
    if generated:
        rows.append(
            Row(
                f"(generate_city --size {args.size}: workload generated)",
                generated["seconds"],
                None,
                "minutes, not hours",
                None,
                detail=", ".join(f"{k} {v} s" for k, v in generated["steps"].items()),
            )
        )
    from bench import api, contention, imports, jobs, load, report, survey

    steps = {
        "scoring": lambda: scoring_measures(ctx),
        "autosave": lambda: contention.measures(ctx),
        "api": lambda: api.measures(ctx),
        "report": lambda: report.measures(ctx),
        "jobs": lambda: jobs.measures(ctx),
        "survey": lambda: survey.measures(ctx),
        "import": lambda: imports.measures(ctx),
        "load": lambda: load.measures(ctx, duration=args.duration),
    }
    vacuum()
    for name in MEASURES:
        if name in only:
            say(f"[{name}]")
            started = time.perf_counter()
            rows.extend(steps[name]())
            say(f"  ({time.perf_counter() - started:.0f} s)")
            vacuum()

    say("")
    say(table(rows))
    results = [r.as_json() for r in rows]
    meta = {
        "workload": ctx.size.name,
        "seed": args.seed,
        "counts": ctx.counts,
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "commit": git_commit(),
        "machine": f"{platform.machine()} {os.cpu_count()} CPUs, Python {platform.python_version()}",
        "postgresql": server_version(ctx),
        "reps": args.reps,
    }
    Path(args.output).write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str) + "\n")
    Path(args.output).with_suffix(".md").write_text(
        f"{ctx.size.name}, {meta['machine']}, PostgreSQL {meta['postgresql']}, "
        f"commit {meta['commit']}, {meta['date']}, median of {args.reps}\n\n{markdown(rows)}\n"
    )
    say(f"\nWritten {args.output} ({meta['workload']}, commit {meta['commit']}).")
    failed = [r.measure for r in rows if r.passed is False]
    if failed and args.size != "L":
        # The targets are set on city-L; on the small workload fixed costs (a page's
        # rendering, a request's middleware) weigh more against the bare baselines.
        say(f"Missed on city-{args.size} (the targets are set for city-L): {'; '.join(failed)}")
        return 0
    if failed:
        say(f"Targets missed: {'; '.join(failed)}")
        return 1
    say("Every target met.")
    return 0


def git_commit() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True)
        return out.stdout.strip() + ("+" if dirty.stdout.strip() else "")
    except OSError:
        return "unknown"


def server_version(ctx) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return cursor.fetchone()[0]


if __name__ == "__main__":
    sys.exit(main())
