"""The recompute queue: a change records which departments' scores are stale, in its own
transaction; a worker recomputes them after commit (or the periodic job catches up when the
broker was down). No full recomputation runs inside a web request.

Two workers never compute the same plan at once: on PostgreSQL each plan's run holds a
transaction-scoped advisory lock, and a worker that finds it taken leaves the plan to the one
that holds it, which looks again for requests made meanwhile before it lets go. (SQLite, the
embedded default, serialises writes by itself.)
"""

from __future__ import annotations

import zlib

from django.db import connection, transaction

from core.tasks import enqueue

from ..models import Plan, RecomputeRequest

# At most this many rounds per plan and run: requests keep arriving while a busy plan computes.
ROUNDS = 10


def scores_mark_dirty(*, plan: Plan, department_ids: list[int] | None = None) -> None:
    """Record that these departments' scores (all when None) must be recomputed, and queue the task.

    The record is written in the caller's transaction; the task is queued only after commit, and
    if the broker is unreachable the periodic job ``process_recompute_requests`` catches up.
    """
    if department_ids is None:
        RecomputeRequest.objects.create(plan=plan)
    else:
        RecomputeRequest.objects.bulk_create(RecomputeRequest(plan=plan, department_id=d) for d in set(department_ids))
    from ..tasks import process_recompute_requests

    transaction.on_commit(lambda: enqueue(process_recompute_requests))


def process_recompute_requests(*, plan_id: int | None = None) -> int:
    """Recompute every department that has a pending request (of one plan, or of all); clear the
    requests handled. Returns the number of scores written."""
    plans = RecomputeRequest.objects.all()
    if plan_id is not None:
        plans = plans.filter(plan_id=plan_id)
    written = 0
    for pid in sorted(set(plans.values_list("plan_id", flat=True))):
        for _round in range(ROUNDS):
            done = _process_plan(pid)
            if done is None:  # nothing left, or another worker holds the plan
                break
            written += done
    return written


def recompute_progress(*, plan: Plan) -> int:
    """How many recompute requests of the plan are still waiting (0: the scores are current)."""
    return RecomputeRequest.objects.filter(plan=plan).count()


PLAN_LOCK_SPACE = zlib.crc32(b"perfgov.recompute") & 0x7FFFFFFF


@transaction.atomic
def _process_plan(plan_id: int) -> int | None:
    """One round for one plan: the requests waiting now, computed and deleted in one transaction
    under the plan's lock. None when there was nothing to do or the plan is being computed."""
    if not _plan_lock(plan_id):
        return None
    # The requests read now are the ones this round handles and deletes; one written meanwhile
    # (by another transaction) is not among them and waits for the next round.
    pending = list(RecomputeRequest.objects.filter(plan_id=plan_id).values_list("id", "department_id"))
    if not pending:
        return None
    departments = None if any(d is None for _id, d in pending) else sorted({d for _id, d in pending})
    from . import recompute

    plan = Plan.objects.select_related("library").get(pk=plan_id)
    written = recompute(plan=plan, department_ids=departments)
    RecomputeRequest.objects.filter(pk__in=[pk for pk, _d in pending]).delete()
    return written


def _plan_lock(plan_id: int) -> bool:
    """Take the plan's advisory lock for this transaction (PostgreSQL); False when it is held."""
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [PLAN_LOCK_SPACE, plan_id])
        return bool(cursor.fetchone()[0])
