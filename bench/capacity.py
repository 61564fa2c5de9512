"""Capacity beside a bare server: the highest open-loop rate whose p95 stays ≤ 100 ms with no errors.

For each request under test (the scores API with pages of 50 and 200, the filer's report page,
the public survey submit, and the submit with every respondent in one region) the rate steps up
through ``RATES``; at each step perfgov's gunicorn and the bare server (``bench.bare_app``, the
same gunicorn settings, psycopg2 and json) are measured one after the other, so a busy
neighbour weighs on both alike. A server leaves the stepping at its first failed step, after one
more step half-way (geometrically) between its last good rate and the failed one. The 100
requests/s step runs longer (``hold`` seconds): its p95 is reported too.

The driver is ``bench/pace/pace.c``, compiled with the machine's C compiler on first use: open
loop, each request on its own connection (as behind a buffering reverse proxy, so an idle client
never holds a gunicorn sync worker), latency from each request's due time. Python only starts it
and reads its one line of results.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from .common import ROOT, Row, fail, say

RATES = (20, 35, 50, 70, 100, 150, 220, 330, 500, 750, 1100, 1600, 2400)
P95_MS = 100
HELD_RATE = 100


@dataclass
class Target:
    name: str
    path: str
    mode: str = "get"  # or "survey"
    headers: dict = field(default_factory=dict)
    env: dict = field(default_factory=dict)
    bare_path: str | None = None
    floor: float = 0.5  # capacity ≥ floor × the bare server's

    def pace_env(self, rate: int, bare: bool) -> dict:
        return {
            "BENCH_MODE": self.mode,
            "BENCH_PATH": (self.bare_path or self.path) if bare else self.path,
            "BENCH_RATE": str(rate),
            "BENCH_HEADERS": "|".join(f"{k}: {v}" for k, v in self.headers.items()),
            **self.env,
        }


SOURCE = ROOT / "bench" / "pace" / "pace.c"
BINARY = ROOT / "var" / "bench" / "pace"


def pace_binary() -> Path:
    """The driver, compiled when missing or older than its source."""
    if not BINARY.exists() or BINARY.stat().st_mtime < SOURCE.stat().st_mtime:
        BINARY.parent.mkdir(parents=True, exist_ok=True)
        built = subprocess.run(["cc", "-O2", "-o", str(BINARY), str(SOURCE)], capture_output=True, text=True)
        if built.returncode != 0:
            fail(f"could not compile the load driver (a C compiler is needed): {built.stderr[:500]}")
    return BINARY


def run_pace(port: int, seconds: int, env: dict) -> dict:
    out = subprocess.run(
        [str(pace_binary()), str(port), str(seconds)],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=seconds + 30,
    )
    for line in out.stdout.splitlines():
        if line.startswith("BENCH "):
            return json.loads(line[6:])
    fail(f"the load driver gave no result:\n{out.stdout}\n{out.stderr}")


def good(result: dict, rate: int, mode: str) -> bool:
    done = result["accepted"] if mode == "survey" else result["ok"]
    achieved = done / result["seconds"] if result["seconds"] else 0
    return (
        result["p95_ms"] <= P95_MS
        and result["errors"] == 0
        and result["socket_errors"] == 0
        and achieved >= rate * 0.95
    )


def step(port: int, target: Target, rate: int, seconds: int, bare: bool) -> dict:
    result = run_pace(port, seconds, target.pace_env(rate, bare))
    result["rate"] = rate
    result["good"] = good(result, rate, target.mode)
    return result


def capacity(ports: dict[str, int], target: Target, *, seconds: int, hold: int) -> dict[str, dict]:
    """Step both servers up together; returns, per server, its capacity and every step."""
    found = {name: {"capacity": 0, "steps": [], "held": None} for name in ports}
    alive = dict.fromkeys(ports, True)
    last_good = dict.fromkeys(ports, 0)
    for rate in RATES:
        for name, port in ports.items():
            if not alive[name]:
                continue
            length = hold if rate == HELD_RATE else seconds
            result = step(port, target, rate, length, bare=name == "bare")
            found[name]["steps"].append(result)
            if rate == HELD_RATE:
                found[name]["held"] = result
            _say(target, name, result)
            if result["good"]:
                last_good[name] = found[name]["capacity"] = rate
                continue
            alive[name] = False
            between = int(math.sqrt(max(last_good[name], 1) * rate))
            if last_good[name] and last_good[name] < between < rate:
                again = step(port, target, between, seconds, bare=name == "bare")
                found[name]["steps"].append(again)
                _say(target, name, again)
                if again["good"]:
                    found[name]["capacity"] = between
        if not any(alive.values()):
            break
    for name, port in ports.items():  # a server that failed before 100/s is still measured there
        if found[name]["held"] is None:
            found[name]["held"] = step(port, target, HELD_RATE, hold, bare=name == "bare")
    return found


def _say(target: Target, name: str, result: dict) -> None:
    say(
        f"    {target.name} · {name:7} {result['rate']:5}/s: p95 {result['p95_ms']:.0f} ms, "
        f"{result['errors']} errors{'' if result['good'] else '  ✗'}"
    )


def rows(target: Target, found: dict[str, dict], hold: int) -> list[Row]:
    project, bare = found["project"], found["bare"]
    share = project["capacity"] / bare["capacity"] if bare["capacity"] else None
    held_p, held_b = project["held"], bare["held"]
    steps = "; ".join(
        f"{name} " + ", ".join(f"{s['rate']}{'' if s['good'] else '✗'}" for s in found[name]["steps"])
        for name in ("project", "bare")
    )
    return [
        Row(
            f"capacity: {target.name} (p95 ≤ {P95_MS} ms, no errors)",
            project["capacity"],
            bare["capacity"],
            f"≥ {target.floor} × the bare server",
            share is not None and share >= target.floor,
            unit="requests/s" if target.mode == "get" else "responses/s",
            ratio=None if share is None else round(share, 2),
            detail=(
                f"open-loop rates stepped up, the project and the bare server ({bare_what(target)}) in turn at each "
                f"rate, same gunicorn settings; steps (✗ = p95 over {P95_MS} ms, an error, or under 95 % of the "
                f"rate achieved): {steps}; each request on its own connection, latency from its due time"
            ),
            extra={"project": project["steps"], "bare": bare["steps"]},
        ),
        Row(
            f"{target.name}: p95 at {HELD_RATE} {'requests' if target.mode == 'get' else 'responses'}/s",
            round(held_p["p95_ms"] / 1000, 4),
            round(held_b["p95_ms"] / 1000, 4),
            f"≤ {P95_MS} ms",
            held_p["good"],
            ratio=round(held_p["p95_ms"] / held_b["p95_ms"], 2) if held_b["p95_ms"] else None,
            detail=(
                f"{hold} s at {HELD_RATE}/s open loop: {held_p['requests']:,} requests, p50 {held_p['p50_ms']:.0f} ms, "
                f"p99 {held_p['p99_ms']:.0f} ms, max {held_p['max_ms']:.0f} ms, {held_p['errors']} errors "
                f"(bare server: p50 {held_b['p50_ms']:.0f} ms, p99 {held_b['p99_ms']:.0f} ms)"
            ),
        ),
    ]


def bare_what(target: Target) -> str:
    if target.mode == "survey":
        return "a form with a token, then one INSERT per answer in one transaction"
    if "reports" in target.path:
        return "one query of the report's entries, an HTML table"
    return "the same page and count from psycopg2, json.dumps"


def seconds_per_step() -> int:
    return int(os.environ.get("BENCH_STEP_SECONDS", "5"))
