"""What every measure shares: a result row, repeated timing, the bare psycopg2 connection."""

from __future__ import annotations

import gc
import json
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPS = 5
ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Row:
    """One line of the table (and one object of results.json).

    ``project`` and ``baseline`` are in ``unit`` (seconds, queries, responses/s, MB); ``ratio`` is
    project ÷ baseline where both are times of the same work; ``passed`` is None for a figure
    given for information, without a target.
    """

    measure: str
    project: float | int | None
    baseline: float | int | None
    target: str
    passed: bool | None
    unit: str = "s"
    ratio: float | None = None
    detail: str = ""
    extra: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        out = asdict(self)
        out["pass"] = out.pop("passed")
        return {
            "measure": out["measure"],
            "project": out["project"],
            "baseline": out["baseline"],
            "ratio": out["ratio"],
            "target": out["target"],
            "pass": out["pass"],
            "unit": out["unit"],
            "detail": out["detail"],
            **({"extra": out["extra"]} if out["extra"] else {}),
        }


def ratio(project: float | None, baseline: float | None) -> float | None:
    if not project or not baseline:
        return None
    return round(project / baseline, 2)


def median_time(fn: Callable[[], object], reps: int = REPS, warmup: int = 1) -> tuple[float, list[float]]:
    """Median wall time of ``fn`` over ``reps`` runs after ``warmup`` unmeasured runs.

    A full garbage collection runs before each measured run, so no run pays for the garbage
    of the one before.
    """
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(reps):
        gc.collect()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), times


def median_of(values: list[float]) -> float:
    return statistics.median(values)


def say(text: str) -> None:
    print(text, flush=True)


def bare_connection(dsn: str):
    """A psycopg2 connection without Django: the physical limit the baselines measure."""
    import psycopg2

    return psycopg2.connect(dsn)


def bare_read(conn, queries: list[tuple[str, dict]]) -> str:
    """Run the queries, fetch every row and json.dumps them all (the bare-SQL baseline)."""
    out = []
    with conn.cursor() as cur:
        for sql, params in queries:
            cur.execute(sql, params)
            out.append(cur.fetchall())
    conn.rollback()
    return json.dumps(out, default=str)


def fmt(value, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "s":
        return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"
    if isinstance(value, float):
        return f"{value:,.1f} {unit}".strip()
    return f"{value:,} {unit}".strip()


def table(rows: list[Row]) -> str:
    head = ("measure", "project", "baseline", "ratio", "target", "pass")
    lines = [
        (
            r.measure,
            fmt(r.project, r.unit),
            fmt(r.baseline, r.unit),
            "—" if r.ratio is None else f"{r.ratio:.2f}×",
            r.target,
            {True: "PASS", False: "FAIL", None: "info"}[r.passed],
        )
        for r in rows
    ]
    widths = [max(len(str(x[i])) for x in [head, *lines]) for i in range(len(head))]
    out = [" | ".join(str(h).ljust(w) for h, w in zip(head, widths, strict=True))]
    out.append("-|-".join("-" * w for w in widths))
    out += [" | ".join(str(c).ljust(w) for c, w in zip(line, widths, strict=True)) for line in lines]
    return "\n".join(out)


def markdown(rows: list[Row]) -> str:
    out = ["| measure | project | baseline | ratio | target | pass |", "|---|---|---|---|---|---|"]
    for r in rows:
        out.append(
            f"| {r.measure} | {fmt(r.project, r.unit)} | {fmt(r.baseline, r.unit)} | "
            f"{'—' if r.ratio is None else f'{r.ratio:.2f}×'} | {r.target} | "
            f"{ {True: 'pass', False: 'FAIL', None: 'info'}[r.passed] } |"
        )
    return "\n".join(out)


def fail(message: str, code: int = 2) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)
    raise SystemExit(code)
