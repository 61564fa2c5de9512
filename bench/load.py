"""Load tests against gunicorn (2 workers) on 127.0.0.1, driven by wrk from a second process.

1. Public survey submit: each wrk connection plays one respondent after another: GET the
   survey's open link (a new visitor: no cookie, so a new CSRF cookie and form token), then
   POST the 20 answers with that cookie and token; a 302 to the thanks page is an accepted
   response. Afterwards every accepted response must be in the database (2xx/3xx counted by
   wrk = new Response rows).
2. Scores API at a fixed rate (wrk2-style pacing in Lua: each connection sends its next
   request at its time slot): p95 latency measured from the sending times.
3. The resident set size (VmRSS) of each gunicorn worker, sampled every half second during
   both runs.

Bounded: each run lasts ``duration`` seconds (60 by default), all traffic goes to 127.0.0.1.
wrk is Debian's package, installed with apt-get only if missing.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from . import capacity
from .common import ROOT, Row, fail, say

WRK_DIR = Path(__file__).resolve().parent / "wrk"
APP_NAME = "perfgov-bench-load"
PORT = int(os.environ.get("BENCH_PORT", "8096"))
QUESTIONS = 20


# --- The survey the public answers during the test ----------------------------------------------


def create_survey(ctx):
    """An open-link survey opened today: 9 areas, 20 satisfaction questions, 13 regions."""
    from satisfaction.models import STANDARD_AREAS, Area, Question, Survey, SurveyRegion
    from workloads import city

    today = timezone.localdate()
    with transaction.atomic():
        survey = Survey.objects.create(
            year=today.year,
            code=f"{city.PREFIX}-load-{int(time.time())}",
            title="满意度调查(负载测试)",
            access=Survey.Access.OPEN,
            opens_on=today,
            closes_on=today + dt.timedelta(days=30),
            status=Survey.Status.OPEN,
        )
        areas = Area.objects.bulk_create(
            Area(survey=survey, code=code, name=name, order=i) for i, (code, name) in enumerate(STANDARD_AREAS, 1)
        )
        questions = Question.objects.bulk_create(
            Question(survey=survey, area=areas[i % len(areas)], order=i, text=f"问题 {i + 1}:您对这项服务满意吗?")
            for i in range(QUESTIONS)
        )
        regions = SurveyRegion.objects.bulk_create(
            SurveyRegion(survey=survey, region=r.region, quota=1_000_000)
            for r in SurveyRegion.objects.filter(survey=ctx.survey).select_related("region")
        )
    return survey, questions, regions


def drop_survey(survey) -> None:
    from satisfaction.models import Answer, Area, Question, Response, Survey, SurveyRegion, TextAnswer

    with transaction.atomic():
        TextAnswer.objects.filter(survey=survey).delete()
        Answer.objects.filter(survey=survey)._raw_delete(Answer.objects.db)
        Response.objects.filter(survey=survey)._raw_delete(Response.objects.db)
        Question.objects.filter(survey=survey).delete()
        Area.objects.filter(survey=survey).delete()
        SurveyRegion.objects.filter(survey=survey).delete()
        Survey.objects.filter(pk=survey.pk).delete()


# --- gunicorn and wrk --------------------------------------------------------------------------


def wrk_binary() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    say("  wrk is missing: installing Debian's package (apt-get install wrk) …")
    apt = ["apt-get", "install", "-y", "--no-install-recommends", "wrk"]
    if os.geteuid() != 0:
        apt = ["sudo", "-n", *apt]
    if subprocess.run(apt, capture_output=True).returncode != 0:
        fail("wrk is needed for the load tests and could not be installed; install it (apt-get install wrk).")
    return shutil.which("wrk") or fail("wrk not found after installing it")


class Server:
    """gunicorn with 2 sync workers serving the bench database on 127.0.0.1: perfgov on PORT, or the
    bare baseline application (``bench.bare_app``) with the same settings on its own port."""

    def __init__(self, ctx, workers: int = 2, app: str = "perfgov.wsgi:application", port: int = PORT):
        self.ctx, self.workers, self.app, self.port = ctx, workers, app, port
        self.proc = None
        self.log = open(Path(tempfile.gettempdir()) / f"bench-gunicorn-{port}.log", "w")  # noqa: SIM115 - closed in __exit__

    def __enter__(self):
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DATABASE_URL": self.ctx.url + ("&" if "?" in self.ctx.url else "?") + f"application_name={APP_NAME}",
            "PYTHONPATH": str(ROOT),
            "BENCH_BARE_DSN": self.ctx.url,
        }
        if self.ctx.cache_url:
            env["REDIS_URL"] = self.ctx.cache_url
        cmd = [
            str(Path(sys.executable).parent / "gunicorn"),
            self.app,
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            "--backlog",
            "2048",
            "--timeout",
            "60",
            "--log-level",
            "warning",
        ]
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.proc.poll() is not None:
                fail(f"gunicorn exited at start; see {self.log.name}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    break
            except OSError:
                time.sleep(0.2)
        else:
            fail("gunicorn did not start listening within 30 s")
        time.sleep(1.0)
        return self

    def worker_pids(self) -> list[int]:
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(self.proc.pid)], capture_output=True, text=True)
        return [int(p) for p in out.stdout.split()]

    def __exit__(self, *exc):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


class RssSampler(threading.Thread):
    """VmRSS of each worker every half second, from /proc/<pid>/status."""

    def __init__(self, server: Server):
        super().__init__(daemon=True)
        self.server, self.peak, self.samples = server, {}, 0
        self.stop_event = threading.Event()

    def run(self):
        while not self.stop_event.is_set():
            for pid in self.server.worker_pids():
                try:
                    text = Path(f"/proc/{pid}/status").read_text()
                except OSError:
                    continue
                match = re.search(r"^VmRSS:\s+(\d+) kB", text, re.MULTILINE)
                if match:
                    self.peak[pid] = max(self.peak.get(pid, 0), int(match.group(1)))
            self.samples += 1
            self.stop_event.wait(0.5)

    def stop(self) -> float:
        self.stop_event.set()
        self.join(timeout=2)
        return max(self.peak.values(), default=0) / 1024


def _cpu_seconds(pids) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime + stime
    return total / os.sysconf("SC_CLK_TCK")


class CpuMeter(threading.Thread):
    """CPU time used during a run by the gunicorn workers, their PostgreSQL backends, Redis and the
    load generator: what one response costs, whatever else the machine is doing.

    The processes are listed again every half second (a database connection may be reopened during
    the run): a process seen first during the run counts from zero, one that ended counts until it
    was last seen.
    """

    def __init__(self, server: Server):
        super().__init__(daemon=True)
        self.server = server
        self.first: dict[tuple, float] = {}
        self.last: dict[tuple, float] = {}
        self.stop_event = threading.Event()

    def _pids(self) -> dict[str, list[int]]:
        import psycopg2

        conn = psycopg2.connect(self.server.ctx.url)
        try:
            with conn.cursor() as cursor:
                cursor.execute("SELECT pid FROM pg_stat_activity WHERE application_name = %s", [APP_NAME])
                pg = [row[0] for row in cursor.fetchall()]
        finally:
            conn.close()
        redis = subprocess.run(["pgrep", "-x", "redis-server"], capture_output=True, text=True).stdout.split()
        return {
            "gunicorn": self.server.worker_pids(),
            "postgres": pg,
            "redis": [int(p) for p in redis] if self.server.ctx.cache_url else [],
        }

    def sample(self, initial: bool = False) -> None:
        for kind, pids in self._pids().items():
            for pid in pids:
                used = _cpu_seconds([pid])
                self.first.setdefault((kind, pid), used if initial else 0.0)
                self.last[(kind, pid)] = used

    def run(self):
        while not self.stop_event.wait(0.5):
            self.sample()

    def __enter__(self):
        self.sample(initial=True)
        self.own = os.times()
        self.load = os.getloadavg()[0]
        self.start()
        return self

    def __exit__(self, *exc):
        self.sample()
        self.stop_event.set()
        self.join(timeout=5)
        self.used: dict[str, float] = {}
        for (kind, pid), last in self.last.items():
            self.used[kind] = self.used.get(kind, 0.0) + last - self.first[(kind, pid)]
        own = os.times()
        self.used["load generator"] = (own.children_user + own.children_system + own.user + own.system) - (
            self.own.children_user + self.own.children_system + self.own.user + self.own.system
        )

    def per(self, n: int) -> str:
        total = sum(self.used.values()) * 1000 / n if n else 0
        if not total:
            return ""
        parts = ", ".join(f"{k} {v * 1000 / n:.2f}" for k, v in self.used.items())
        return (
            f"CPU per {{unit}}: {parts} ms (total {total:.2f} ms, so {os.cpu_count()} idle CPUs would carry about "
            f"{os.cpu_count() * 1000 / total:.0f}/s); load average before the run {self.load:.1f}"
        )


def run_wrk(script: str, url: str, *, duration: int, connections: int, threads: int, env: dict) -> dict:
    """Run wrk with a Lua script; its ``done`` prints one line ``BENCH {json}``."""
    cmd = [
        wrk_binary(),
        "-t",
        str(threads),
        "-c",
        str(connections),
        "-d",
        f"{duration}s",
        "--timeout",
        "10s",
        "-s",
        str(WRK_DIR / script),
        url,
    ]
    out = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, **env}, timeout=duration + 60)
    result = {}
    for line in out.stdout.splitlines():
        if line.startswith("BENCH "):
            result.update(json.loads(line[6:]))
    if not result:
        fail(f"wrk gave no result:\n{out.stdout}\n{out.stderr}")
    result["raw"] = out.stdout
    return result


# --- The two runs ----------------------------------------------------------------------------------


def survey_submit(ctx, server: Server, duration: int) -> tuple[Row, float]:
    from satisfaction.models import Response

    survey, questions, regions = create_survey(ctx)
    try:
        env = {
            "BENCH_PATH": f"/satisfaction/s/{survey.public_key}/",
            "BENCH_QUESTIONS": ",".join(str(q.pk) for q in questions),
            "BENCH_REGIONS": ",".join(str(r.pk) for r in regions),
        }
        say(f"  public survey submit: {duration} s of GET form + POST answers …")
        # Warm both workers (templates, translations, the survey's questions) before measuring.
        run_wrk("survey.lua", f"http://127.0.0.1:{PORT}", duration=3, connections=4, threads=2, env=env)
        before = Response.objects.filter(survey=survey).count()
        sampler = RssSampler(server)
        sampler.start()
        connections = 8
        with CpuMeter(server) as cpu:
            result = run_wrk(
                "survey.lua",
                f"http://127.0.0.1:{PORT}",
                duration=duration,
                connections=connections,
                threads=connections,
                env=env,
            )
        rss = sampler.stop()
        time.sleep(2)  # requests still queued in gunicorn when wrk stopped are finished
        stored = Response.objects.filter(survey=survey).count() - before
        accepted = result["accepted"]
        rate = accepted / result["seconds"]
        # A POST in flight when wrk stops is stored but its 302 is not counted: at most one per connection.
        complete = accepted <= stored <= accepted + connections
        row = Row(
            f"public survey submit, gunicorn 2 workers, {duration} s",
            round(rate, 1),
            None,
            "≥ 200 responses/s, every accepted response stored",
            rate >= 200 and complete and result["errors"] == 0 and result["socket_errors"] == 0,
            unit="responses/s",
            detail=(
                f"{accepted:,} responses accepted (302) in {result['seconds']:.1f} s and {stored:,} new responses in "
                f"the database (a POST in flight when the run stops is stored without its 302 being counted); each "
                f"respondent a new visitor: GET the open link (new CSRF cookie and token), POST 20 answers; "
                f"{result['requests']:,} requests, {result['errors']} refused, {result['socket_errors']} socket "
                f"errors, p50 {result['p50_ms']:.0f} ms, p95 {result['p95_ms']:.0f} ms over GETs and POSTs; wrk "
                f"{connections} connections; per-address limit raised by BENCH_SUBMITS_PER_ADDRESS (one address); "
                + cpu.per(accepted).format(unit="response")
            ),
            extra={k: v for k, v in result.items() if k != "raw"} | {"stored": stored},
        )
    finally:
        drop_survey(survey)
    return row, rss


# --- Capacity beside the bare server ---------------------------------------------------------------

BARE_PORT = PORT + 1
BARE_TABLES = """
CREATE TABLE IF NOT EXISTS bench_bare_response (id bigserial PRIMARY KEY, region integer NOT NULL,
                                                submitted_at timestamptz NOT NULL);
CREATE TABLE IF NOT EXISTS bench_bare_answer (id bigserial PRIMARY KEY,
    response_id bigint NOT NULL REFERENCES bench_bare_response (id), question integer NOT NULL,
    value smallint NOT NULL);
"""


def _bare_tables(ctx, create: bool) -> None:
    conn = ctx.bare()
    with conn, conn.cursor() as cursor:
        cursor.execute(BARE_TABLES if create else "DROP TABLE IF EXISTS bench_bare_answer, bench_bare_response")


def _filer_session(ctx) -> tuple[str, int]:
    """A signed-in filer of the workload (a real session) and a report of their department."""
    from django.conf import settings
    from django.test import Client

    from assessments.models import Report
    from organizations.models import User

    report = Report.objects.filter(quarter__plan=ctx.plan, quarter__number=3).order_by("department__order").first()
    filer = User.objects.filter(department_id=report.department_id, role="filer").first()
    client = Client()
    client.force_login(filer)
    return client.cookies[settings.SESSION_COOKIE_NAME].value, report.pk


def _targets(ctx, key: str, survey, questions, regions) -> list[capacity.Target]:
    from django.conf import settings

    session, report = _filer_session(ctx)
    api = f"/api/v1/scores/?year={ctx.year}&period=annual"
    token = {"Authorization": f"Token {key}", "Accept": "application/json"}
    answers = {"BENCH_QUESTIONS": ",".join(str(q.pk) for q in questions)}
    every_region = {**answers, "BENCH_REGIONS": ",".join(str(r.pk) for r in regions)}
    one_region = {**answers, "BENCH_REGIONS": str(regions[0].pk)}
    survey_path = f"/satisfaction/s/{survey.public_key}/"
    return [
        capacity.Target("scores API, page of 50", api, headers=token),
        capacity.Target("scores API, page of 200", api + "&page_size=200", headers=token),
        capacity.Target(
            "filer's report page (60 assignments)",
            f"/assessments/reports/{report}/",
            headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={session}", "Accept-Language": "zh-hans"},
        ),
        capacity.Target("public survey submit", survey_path, mode="survey", env=every_region, floor=0.4),
        capacity.Target(
            "public survey submit, every respondent in one region",
            survey_path,
            mode="survey",
            env=one_region,
            floor=0.4,
        ),
    ]


def capacity_measures(ctx, project: Server, hold: int) -> tuple[list[Row], float]:
    from organizations.models import ApiToken, User
    from organizations.services import token_issue

    token, key = token_issue(user=User.objects.get(username="city-api_client"), name="bench-load", actor=None)
    survey, questions, regions = create_survey(ctx)
    _bare_tables(ctx, create=True)
    out: list[Row] = []
    sampler = RssSampler(project)
    sampler.start()
    try:
        with Server(ctx, app="bench.bare_app:application", port=BARE_PORT):
            for target in _targets(ctx, key, survey, questions, regions):
                say(f"  capacity: {target.name} …")
                # Warm both servers (templates, translations, connections) before measuring.
                for port in (PORT, BARE_PORT):
                    capacity.step(port, target, 20, 2, bare=port == BARE_PORT)
                found = capacity.capacity(
                    {"project": PORT, "bare": BARE_PORT},
                    target,
                    seconds=capacity.seconds_per_step(),
                    hold=hold,
                )
                out.extend(capacity.rows(target, found, hold))
    finally:
        rss = sampler.stop()
        ApiToken.objects.filter(pk=token.pk).delete()
        drop_survey(survey)
        _bare_tables(ctx, create=False)
    return out, rss


def measures(ctx, duration: int = 60) -> list[Row]:
    rows, rss = [], []
    with Server(ctx) as server:
        row, peak = survey_submit(ctx, server, duration)
        rows.append(row)
        rss.append(peak)
        found, peak = capacity_measures(ctx, server, hold=min(duration, 30))
        rows.extend(found)
        rss.append(peak)
    peak = max(rss)
    rows.append(
        Row(
            "web worker memory under load (peak VmRSS)",
            round(peak, 1),
            None,
            "≤ 200 MB",
            0 < peak <= 200,
            unit="MB",
            detail=(
                f"largest VmRSS of a gunicorn worker, sampled every 0.5 s from /proc during the runs: "
                f"survey throughput {rss[0]:.0f} MB, capacity steps {rss[1]:.0f} MB"
            ),
        )
    )
    return rows
