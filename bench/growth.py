"""``make bench BENCH_SIZE=XL``: how cost grows from city-S through city-L to the province-sized XL.

Each size runs in a process of its own (``bench/run.py --size S|L|XL`` on its own database,
generated once) with the in-process measures; the results are joined by measure into one table:
each time on S, L and XL, and the growth factor L→XL beside the data's growth (10×). The targets
on XL: a full recomputation ≤ 12 s growing ≤ 10×; one department ≤ 50 ms; each job run ≤ 1 s, as on
city-L; the scores API and the jobs constant in queries (their own rows say so); survey results ≤ 2 s.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

from .common import ROOT, fmt, say

SIZES = ("S", "L", "XL")
MEASURES = "scoring,api,jobs,survey"
DATA_GROWTH = 10


def normalised(measure: str) -> str:
    """The same measure whatever the size: counts in its name become N."""
    return re.sub(r"\d[\d,]*", "N", measure)


def xl_target(measure: str, xl: float, growth: float | None) -> tuple[str, bool | None]:
    if measure.startswith("recompute every department"):
        return "XL ≤ 12 s and growth ≤ 10×", xl <= 12 and growth is not None and growth <= DATA_GROWTH
    if measure.startswith("recompute one department"):
        return "XL ≤ 50 ms", xl <= 0.05
    if measure.startswith("satisfaction results"):
        return "XL ≤ 2 s", xl <= 2
    if measure.endswith("(one job run)"):
        return "XL ≤ 1 s", xl <= 1
    return "—", None


def run(args) -> int:
    results: dict[str, dict[str, dict]] = {}
    for size in SIZES:
        out = ROOT / "var" / "bench" / f"growth-{size}.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        say(f"== city-{size} ==")
        command = [sys.executable, str(ROOT / "bench" / "run.py"), "--size", size, "--only", MEASURES]
        command += ["--reps", str(args.reps), "--output", str(out)]
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}  # each size its own database
        done = subprocess.run(command, cwd=ROOT, env=env)
        if done.returncode == 2:
            return 2
        for row in json.loads(out.read_text()):
            if row["unit"] == "s" and row["project"] is not None:
                results.setdefault(normalised(row["measure"]), {})[size] = row
    lines = ["| measure | S | L | XL | growth L→XL | data | XL target | pass |", "|---|---|---|---|---|---|---|---|"]
    failed = []
    for measure, by_size in results.items():
        if "XL" not in by_size or "L" not in by_size or by_size["L"]["measure"].startswith("("):
            continue
        values = {s: by_size[s]["project"] if s in by_size else None for s in SIZES}
        growth = round(values["XL"] / values["L"], 2) if values["L"] else None
        target, passed = xl_target(by_size["XL"]["measure"], values["XL"], growth)
        if passed is False:
            failed.append(measure)
        lines.append(
            f"| {measure} | {' | '.join(fmt(values[s], 's') for s in SIZES)} | "
            f"{'—' if growth is None else f'{growth:.2f}×'} | {DATA_GROWTH}× | {target} | "
            f"{ {True: 'pass', False: 'FAIL', None: 'info'}[passed] } |"
        )
    table = "\n".join(lines)
    say("")
    say(table)
    (ROOT / "bench" / "growth.md").write_text(
        "How cost grows: each time-based measure on city-S, city-L and XL (`make bench BENCH_SIZE=XL`).\n\n"
        + table
        + "\n"
    )
    if failed:
        say(f"Targets missed on XL: {'; '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit("run it through bench/run.py --size XL")
