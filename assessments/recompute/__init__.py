"""Recomputation of scores as a visible pipeline (docs/architecture.md):

- ``inputs.load`` reads everything one run needs into plain typed rows (a constant number of queries);
- ``engine.compute`` is the pure period × department loop, with its reuse of identical inputs;
- ``store.store`` writes the standings and the scores and ledger lines that changed, keeps
  revisions of published scores, and sends ``assessments.signals.scores_changed``;
- ``queue`` is in front of it all: changes mark departments stale, workers recompute them.
"""

from __future__ import annotations

import datetime as dt
import gc
from contextlib import contextmanager

from django.db import transaction

from ..models import Plan
from . import engine, store
from .inputs import load, periods_of
from .queue import process_recompute_requests, recompute_progress, scores_mark_dirty
from .store import keep_revision, score_snapshot

__all__ = [
    "keep_revision",
    "periods_of",
    "process_recompute_requests",
    "recompute",
    "recompute_progress",
    "score_snapshot",
    "scores_mark_dirty",
]


@transaction.atomic
def recompute(
    *, plan: Plan, department_ids: list[int] | None = None, reason: str = "", today: dt.date | None = None
) -> int:
    """Recompute the scores of the departments (all when None) for every period so far.

    Grades and ranks of the other departments are brought up to date as well, since both depend
    on the whole group. Published scores that change keep their previous state as a
    ScoreRevision. Returns the number of scores written.
    """
    with _gc_paused():
        run, top = load(plan, department_ids, today)
        results = engine.compute(run)
        return store.store(plan=plan, results=results, top=top, department_ids=department_ids, reason=reason)


@contextmanager
def _gc_paused():
    """Pause the cyclic garbage collector while the ledgers are built.

    Building every ledger allocates hundreds of thousands of small objects without cycles; the
    collector's passes over them cost about a quarter of the time and free nothing that
    reference counting does not free anyway. It runs again as soon as the block ends.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
