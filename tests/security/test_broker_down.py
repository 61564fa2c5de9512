"""Background jobs when Redis is down (docs/security.md, Background jobs; issue 8 §6).

The broker is pointed at a closed port (nothing listens on 127.0.0.1:1) with eager mode off, as
if Redis had stopped. Recording a deduction event through the API must still commit, at once
(the publish retry policy of the settings gives up after one quick retry instead of hanging the
request), and leave the durable catch-up row (RecomputeRequest) behind; the periodic job then
brings the department's score up to date, as beat does every five minutes.
"""

from __future__ import annotations

import logging
import time
from decimal import Decimal

import pytest

from assessments.models import RecomputeRequest, Score, ScoreEvent
from assessments.tasks import process_recompute_requests

from .world import YEAR

pytestmark = pytest.mark.django_db

CLOSED_PORT = "redis://127.0.0.1:1/0"


@pytest.fixture
def broker_down():
    """The app publishes to the closed port through new connection pools; the pools of the real
    broker are put aside untouched and put back afterwards, so later tests publish as before."""
    from perfgov.celery import app

    saved_conf = {"task_always_eager": app.conf.task_always_eager, "broker_url": app.conf.broker_url}
    saved_pools = (app._pool, app.amqp._producer_pool)
    app.conf.update(task_always_eager=False, broker_url=CLOSED_PORT)
    app._pool, app.amqp._producer_pool = None, None
    try:
        yield app
    finally:
        if app._pool is not None:
            app._pool.force_close_all()  # the connections to the closed port made by this test
        app._pool, app.amqp._producer_pool = saved_pools
        app.conf.update(**saved_conf)


def _total(world):
    return Score.objects.get(plan=world.plan, department__code="edu", period="annual").total


def test_a_write_commits_quickly_with_the_broker_down_and_the_job_catches_up(
    world, api, broker_down, caplog, django_capture_on_commit_callbacks
):
    assert broker_down.conf.broker_url == CLOSED_PORT and not broker_down.conf.task_always_eager
    before = _total(world)
    events = ScoreEvent.objects.count()

    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="core.tasks"), django_capture_on_commit_callbacks(execute=True):
        response = api("supervisor").post(
            "/api/v1/events/",
            {
                "year": YEAR,
                "rule": "criticism",
                "department": "edu",
                "date": f"{YEAR}-11-05",
                "occurrences": 1,
                "note": "市政府通报",
            },
            format="json",
        )
    elapsed = time.monotonic() - started

    assert response.status_code == 201, response.content
    assert elapsed < 15, f"the request hung for {elapsed:.1f} s on the unreachable broker"
    assert ScoreEvent.objects.count() == events + 1  # the business write is there
    assert "could not queue assessments.tasks.process_recompute_requests" in caplog.text
    assert RecomputeRequest.objects.filter(plan=world.plan, department__code="edu").exists()
    assert _total(world) == before  # not recomputed yet: the task never reached a worker

    # The periodic catch-up job (beat, every five minutes; the same function a worker runs).
    process_recompute_requests.run()

    assert _total(world) == before - Decimal(1)  # 通报批评: −1
    assert not RecomputeRequest.objects.filter(plan=world.plan).exists()


def test_the_publish_policy_gives_up_fast(settings):
    """The settings that keep a request from hanging: one quick retry, a short connect timeout."""
    policy = settings.CELERY_TASK_PUBLISH_RETRY_POLICY
    assert policy["max_retries"] <= 1 and policy["interval_max"] <= 1
    assert settings.CELERY_BROKER_CONNECTION_TIMEOUT <= 5
    assert settings.CELERY_TASK_ACKS_LATE and settings.CELERY_TASK_REJECT_ON_WORKER_LOST
