"""Two workers never compute the same plan at once, and between them every queued recomputation
is done (assessments.recompute.queue), on PostgreSQL.

The first test runs two workers' loops in two threads with their own connections, the engine
slowed down so that they meet; the second starts two real Celery worker processes on Redis.
"""

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import connection, connections

from assessments.models import RecomputeRequest, Score
from assessments.recompute import engine, process_recompute_requests

from .test_worker import wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def stale(plan, departments) -> None:
    RecomputeRequest.objects.create(plan=plan)
    RecomputeRequest.objects.bulk_create(RecomputeRequest(plan=plan, department=d) for d in departments.values())


def test_two_workers_compute_a_plan_one_at_a_time(postgres, plan, users, departments, monkeypatch):
    runs: list[tuple[str, float, float]] = []
    real = engine.compute

    def slow(run):
        start = time.monotonic()
        time.sleep(0.5)  # the other worker tries the same plan meanwhile
        try:
            return real(run)
        finally:
            runs.append((threading.current_thread().name, start, time.monotonic()))

    monkeypatch.setattr(engine, "compute", slow)
    stale(plan, departments)
    barrier = threading.Barrier(2)
    errors = []

    def worker():
        try:
            barrier.wait()
            process_recompute_requests()
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, name=f"worker-{n}") for n in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors
    assert len(runs) == 1, f"the plan was computed {len(runs)} times: {runs}"
    assert not RecomputeRequest.objects.exists()
    assert Score.objects.filter(plan=plan).exists()


@pytest.fixture
def real_workers(redis_url, postgres, tmp_path):
    """Two Celery worker processes on Redis, reading and writing the test database."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "perfgov.settings.test",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "REDIS_URL": redis_url,
        "DATABASE_URL": "postgres://{USER}@{HOST}:{PORT}/{NAME}".format(
            **{k: connection.settings_dict[k] or "" for k in ("USER", "HOST", "PORT", "NAME")}
        ),
    }
    root = Path(__file__).resolve().parents[2]
    procs, logs = [], []
    for n in (1, 2):
        log = (tmp_path / f"worker{n}.log").open("w")
        logs.append(log)
        procs.append(
            subprocess.Popen(  # noqa: S603 - our own interpreter and module
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "perfgov",
                    "worker",
                    "--pool=solo",
                    "-n",
                    f"w{n}@%h",
                    "--without-gossip",
                    "--without-mingle",
                    "--loglevel=INFO",
                ],
                cwd=root,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
    try:
        yield [tmp_path / f"worker{n}.log" for n in (1, 2)]
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(timeout=30)
        for log in logs:
            log.close()


def test_two_real_workers_leave_nothing_waiting(real_workers, plan, users, departments, redis_url):
    from perfgov.celery import app

    saved = {"task_always_eager": app.conf.task_always_eager, "broker_url": app.conf.broker_url}
    app.conf.update(task_always_eager=False, broker_url=redis_url)
    try:
        from assessments.tasks import process_recompute_requests as task

        for _round in range(3):
            stale(plan, departments)
            for _task in range(4):
                task.delay()
            assert wait_for(lambda: not RecomputeRequest.objects.exists(), timeout=240)
    finally:
        app.conf.update(**saved)
    assert Score.objects.filter(plan=plan).count() >= len(departments)
    time.sleep(1.0)
    text = "".join(path.read_text() for path in real_workers)
    assert "succeeded" in text and "Traceback" not in text and "ERROR" not in text
