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
    """gunicorn with 2 sync workers serving the bench database on 127.0.0.1:PORT."""

    def __init__(self, ctx, workers: int = 2):
        self.ctx, self.workers = ctx, workers
        self.proc = None
        self.log = open(Path(tempfile.gettempdir()) / f"bench-gunicorn-{PORT}.log", "w")  # noqa: SIM115 - closed in __exit__

    def __enter__(self):
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DATABASE_URL": self.ctx.url + ("&" if "?" in self.ctx.url else "?") + f"application_name={APP_NAME}",
            "PYTHONPATH": str(ROOT),
        }
        if self.ctx.cache_url:
            env["REDIS_URL"] = self.ctx.cache_url
        cmd = [
            str(Path(sys.executable).parent / "gunicorn"),
            "perfgov.wsgi:application",
            "--bind",
            f"127.0.0.1:{PORT}",
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
                with socket.create_connection(("127.0.0.1", PORT), timeout=0.5):
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


def paced_gets(path: str, headers: dict, *, rate: int, duration: int, workers: int = 32) -> dict:
    """GET ``path`` at a fixed rate, open loop (like wrk2): request i is due at start + i / rate,
    and its latency counts from that moment, so a slow server cannot hide its queue."""
    import http.client
    import statistics
    from concurrent.futures import ThreadPoolExecutor

    local = threading.local()
    start = time.perf_counter() + 0.5

    def one(i: int):
        due = start + i / rate
        wait = due - time.perf_counter()
        if wait > 0:
            time.sleep(wait)
        conn = getattr(local, "conn", None)
        if conn is None:
            conn = local.conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
        try:
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            size, status = len(response.read()), response.status
        except (OSError, http.client.HTTPException):
            conn.close()
            local.conn = None
            size, status = 0, 0
        return time.perf_counter() - due, status, size, time.perf_counter()

    with ThreadPoolExecutor(workers) as pool:
        results = list(pool.map(one, range(rate * duration)))
    latencies = sorted(r[0] for r in results)

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(len(latencies) * p))] * 1000

    return {
        "requests": len(results),
        "seconds": max(r[3] for r in results) - start,
        "errors": sum(1 for r in results if r[1] != 200),
        "bytes": statistics.median(r[2] for r in results),
        "p50_ms": pct(0.50),
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
        "max_ms": latencies[-1] * 1000,
    }


def scores_api(ctx, server: Server, duration: int, *, page_size: int | None, rate: int = 100) -> tuple[Row, float]:
    from organizations.models import ApiToken, User
    from organizations.services import token_issue

    user = User.objects.get(username="city-api_client")
    token, key = token_issue(user=user, name="bench-load", actor=None)
    path = f"/api/v1/scores/?year={ctx.year}&period=annual" + (f"&page_size={page_size}" if page_size else "")
    shown = "" if page_size is None else f"&page_size={page_size}"
    headers = {"Authorization": f"Token {key}", "Accept": "application/json"}
    try:
        say(f"  GET /api/v1/scores/?year=…&period=annual{shown} at {rate} requests/s for {duration} s …")
        paced_gets(path, headers, rate=20, duration=2)  # warm both workers
        sampler = RssSampler(server)
        sampler.start()
        with CpuMeter(server) as cpu:
            result = paced_gets(path, headers, rate=rate, duration=duration)
        rss = sampler.stop()
        achieved = result["requests"] / result["seconds"]
        p95 = result["p95_ms"]
        row = Row(
            f"scores API under load (…&period=annual{shown or ', default page of 50'}): p95 at {rate} requests/s",
            round(p95 / 1000, 4),
            None,
            "p95 ≤ 100 ms at 100 requests/s",
            p95 <= 100 and achieved >= rate * 0.95 and result["errors"] == 0,
            detail=(
                f"GET /api/v1/scores/?year=…&period=annual{shown} ({result['bytes'] / 1024:.0f} KB) with a token, "
                f"sent at {rate}/s open loop from a second process, latency counted from each request's due time; "
                f"{result['requests']:,} requests, {achieved:.1f}/s, p50 {result['p50_ms']:.0f} ms, "
                f"p99 {result['p99_ms']:.0f} ms, max {result['max_ms']:.0f} ms, {result['errors']} errors; "
                + cpu.per(result["requests"]).format(unit="request")
            ),
            extra=result,
        )
    finally:
        ApiToken.objects.filter(pk=token.pk).delete()
    return row, rss


def measures(ctx, duration: int = 60) -> list[Row]:
    rows, rss = [], []
    with Server(ctx) as server:
        row, peak = survey_submit(ctx, server, duration)
        rows.append(row)
        rss.append(peak)
        row, peak = scores_api(ctx, server, duration, page_size=None)
        rows.append(row)
        rss.append(peak)
        row, peak = scores_api(ctx, server, duration, page_size=200)
        rows.append(row)
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
                f"largest VmRSS of a gunicorn worker, sampled every 0.5 s from /proc during both runs: "
                f"survey {rss[0]:.0f} MB, scores API {rss[1]:.0f} MB and {rss[2]:.0f} MB (page of 200)"
            ),
        )
    )
    return rows
