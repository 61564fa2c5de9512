"""Invalidate the public disclosure cache whenever published information may have changed.

The public pages are cached per year and language under a version number; any save or delete
of the data they show (a publication, a score revised after an appeal, an approved budget
project, an evaluation, a survey closing, …) bumps the version. The cache entries also expire
on their own (PUBLIC_CACHE_SECONDS), which bounds staleness where the cache is per process.
"""

from __future__ import annotations

import logging
import threading
from contextlib import contextmanager

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

VERSION_KEY = "dashboards:public:version"

logger = logging.getLogger(__name__)


def public_version() -> int | None:
    """The current version, or None while the cache cannot be reached (then nothing is cached)."""
    try:
        version = cache.get(VERSION_KEY)
        if version is None:
            cache.add(VERSION_KEY, 1, timeout=None)
            version = cache.get(VERSION_KEY) or 1
    except Exception as exc:  # a cache outage must never fail a page or a write
        logger.warning("public cache unavailable, version unknown (%s)", exc)
        return None
    return version


_local = threading.local()


def bump_public_version(**kwargs) -> None:
    """Bump now, and again when the transaction commits: a page read between the two, while the
    change was not yet visible, must not stay cached under the new version. Neither bump can fail
    the save: a cache outage is logged and the entries expire on their own."""
    if getattr(_local, "pending", None) is not None:  # inside coalesced_bumps(): once at its end
        _local.pending = True
        return
    _bump()
    transaction.on_commit(_bump)


@contextmanager
def coalesced_bumps():
    """The saves of the block bump the version once, when it ends (and once on commit), not each.

    For code that saves many rows in a row and reads no public page in between.
    """
    if getattr(_local, "pending", None) is not None:  # nested: the outer block bumps
        yield
        return
    _local.pending = False
    try:
        yield
    finally:
        pending, _local.pending = _local.pending, None
        if pending:
            bump_public_version()


def _bump() -> None:
    try:
        try:
            cache.incr(VERSION_KEY)
        except ValueError:  # not set yet (or evicted): any new value invalidates the old entries
            cache.set(VERSION_KEY, (public_version() or 0) + 1, timeout=None)
    except Exception as exc:  # entries still expire on their own after PUBLIC_CACHE_SECONDS
        logger.warning("could not invalidate the public cache (%s)", exc)


def _connect() -> None:
    from assessments.models import Assignment, Plan, Publication, Score
    from assessments.signals import scores_changed
    from budgets.models import (
        BudgetProject,
        BudgetTarget,
        DepartmentEvaluation,
        DepartmentSheet,
        DepartmentTarget,
        Disclosure,
        Evaluation,
    )
    from organizations.models import Department, RankingGroup
    from satisfaction.models import Survey

    for model in (
        Plan,
        Assignment,
        Publication,
        Score,
        BudgetProject,
        BudgetTarget,
        Evaluation,
        DepartmentSheet,
        DepartmentTarget,
        DepartmentEvaluation,
        Disclosure,
        Survey,
        Department,
        RankingGroup,
    ):
        uid = f"dashboards-public-{model._meta.label_lower}"
        post_save.connect(bump_public_version, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(bump_public_version, sender=model, dispatch_uid=f"{uid}-delete")
    # A recomputation writes scores in bulk (no post_save) and says so once.
    scores_changed.connect(bump_public_version, dispatch_uid="dashboards-public-scores-changed")


_connect()
