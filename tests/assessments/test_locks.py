"""Narrow row locks (assessments.locking), on PostgreSQL with two connections.

A recomputation inserts and updates scores that reference the year's plan; if an autosave locked
the plan (select_for_update with select_related locks every joined row), every autosave of the
city would wait for every recomputation and the other way round. These tests hold one
department's full recomputation open in one connection and check that another department's
autosave and report submission finish at once in another.
"""

import datetime as dt
import threading

import pytest
from django.db import connection, transaction

from assessments import services
from assessments.models import Entry, Report, ReportStatus
from assessments.recompute import recompute

from .test_reports import fill

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def hold_open(work, started: threading.Event, release: threading.Event, errors: list) -> None:
    """Run ``work`` in a transaction of this thread's own connection and keep it open."""
    from django.db import connections

    try:
        with transaction.atomic():
            work()
            started.set()
            release.wait(timeout=30)
    except Exception as exc:
        errors.append(exc)
        started.set()
    finally:
        connections.close_all()


def test_an_open_recomputation_does_not_hold_up_another_departments_autosave_and_submission(
    postgres, plan, q3, users, departments, freeze
):
    freeze(dt.date(2026, 10, 5))
    edu = services.report_open(quarter=q3, department=departments["edu"])
    fill(edu, users["filer"])
    services.report_submit(report=edu, actor=users["filer"])
    services.report_approve(report=edu, actor=users["supervisor"])
    water = services.report_open(quarter=q3, department=departments["water"])
    entry = Entry.objects.filter(report=water, assignment__indicator__code="rate").get()

    started, release, errors = threading.Event(), threading.Event(), []
    holder = threading.Thread(
        target=hold_open,
        args=(lambda: recompute(plan=plan, department_ids=[departments["edu"].pk]), started, release, errors),
    )
    holder.start()
    try:
        assert started.wait(timeout=30) and not errors
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '2s'")  # a wait on the plan's row would fail here
        services.entry_save(entry=entry, data={"actual_value": "95", "narrative": "按计划推进"}, actor=users["filer2"])
        fill(water, users["filer2"])
        services.report_submit(report=water, actor=users["filer2"])
    finally:
        release.set()
        holder.join(timeout=30)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = 0")
    assert not errors
    assert Report.objects.get(pk=water.pk).status == ReportStatus.SUBMITTED
    assert Entry.objects.get(pk=entry.pk).actual_value is not None
