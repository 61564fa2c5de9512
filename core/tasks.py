"""Queueing Celery tasks without ever losing the business write that asked for them."""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)


def enqueue(task, *args, **kwargs) -> bool:
    """Send ``task`` to the broker; if the broker is down, log and return False.

    Callers have already committed their write together with a durable record of the work
    (for example assessments.RecomputeRequest), which the periodic catch-up job processes.
    """
    try:
        task.apply_async(args=args, kwargs=kwargs)
    except Exception as exc:  # kombu/redis raise many types here; none may undo the caller's work
        logger.warning("could not queue %s (%s); the periodic job will catch up", task.name, exc)
        return False
    return True
