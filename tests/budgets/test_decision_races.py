"""Two decisions on one item at the same moment, on PostgreSQL with two connections.

One connection makes its decision and keeps its transaction open; the other tries a conflicting
one meanwhile. The row lock makes the second wait for the first to commit and then see it: exactly
one wins, the other is refused as stale (409) or as already decided. Without the lock, the second
would read the item as it was before and both would pass. Skipped on SQLite (one writer at a time);
REQUIRE_SERVICES=1 makes a missing PostgreSQL a failure.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connections, transaction
from django.utils import timezone

from budgets import services
from budgets.models import ExAnteAssessment, KeyEvaluation, TargetAdjustment
from core.errors import ApplicationError, ConflictError

from .appraisal_world import TODAY, fill, large_project, package
from .factories import approved_project, key_lines

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

REFUSED = {"invalid_state", "not_editable", "stale"}


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)


def _run(work, results: dict, name: str, done: threading.Event, hold: threading.Event | None = None) -> None:
    """``work`` in a transaction of this thread's own connection; with ``hold``, kept open until it is set."""
    try:
        with transaction.atomic():
            work()
            done.set()
            if hold is not None:
                hold.wait(timeout=30)
        results[name] = "ok"
    except ApplicationError as exc:
        results[name] = exc
    except Exception as exc:  # anything else is a failure of the test, reported below
        results[name] = exc
    finally:
        done.set()
        connections.close_all()


def race(first, second) -> dict:
    """Run ``first`` and keep it open; run ``second`` meanwhile; commit ``first``; wait for both."""
    results: dict = {}
    first_done, second_done, release = threading.Event(), threading.Event(), threading.Event()
    a = threading.Thread(target=_run, args=(first, results, "first", first_done, release))
    b = threading.Thread(target=_run, args=(second, results, "second", second_done))
    a.start()
    try:
        assert first_done.wait(timeout=30)
        b.start()
        # The second either waits on the lock (right) or finishes against the old row (a race).
        second_done.wait(timeout=1.5)
        results["second_waited"] = not second_done.is_set()
    finally:
        release.set()
        a.join(timeout=30)
        if b.is_alive() or b.ident:
            b.join(timeout=30)
    return results


def one_wins(results: dict) -> ApplicationError:
    assert results["first"] == "ok", results
    loser = results["second"]
    assert isinstance(loser, ApplicationError), results
    assert loser.code in REFUSED or isinstance(loser, ConflictError), (loser.code, loser.message)
    assert results["second_waited"], "the second decision did not wait for the first one's lock"
    return loser


# --- (a) finance's decision on a mid-year target revision -------------------------------------------------------


def _pending(departments, users) -> TargetAdjustment:
    project = approved_project(departments["edu"])
    rows = [
        {
            "id": t.pk,
            "dimension": t.dimension,
            "subdimension": t.subdimension,
            "name": t.name,
            "operator": t.operator,
            "value": str(t.value + 1 if i == 0 else t.value),
            "unit": t.unit,
        }
        for i, t in enumerate(project.targets.order_by("order"))
    ]
    return services.adjustment_request(project=project, actor=users["filer"], targets=rows, reason="年中调整")


@pytest.mark.parametrize("with_version", [True, False], ids=["page-version", "no-version"])
def test_two_approvals_of_one_revision_make_one_version(postgres, departments, users, with_version):
    adj = _pending(departments, users)
    version = adj.version if with_version else None
    approve = lambda: services.adjustment_approve(adjustment=adj, actor=users["finance"], expected_version=version)  # noqa: E731
    loser = one_wins(race(approve, approve))
    assert isinstance(loser, ConflictError) if with_version else loser.code == "invalid_state"
    adj.refresh_from_db()
    assert (adj.status, adj.sheet_version) == ("approved", 2)
    assert adj.project.revisions.filter(kind="adjusted").count() == 1


def test_a_return_while_finance_approves_is_refused(postgres, departments, users):
    adj = _pending(departments, users)
    loser = one_wins(
        race(
            lambda: services.adjustment_approve(adjustment=adj, actor=users["finance"], expected_version=adj.version),
            lambda: services.adjustment_return(
                adjustment=adj, actor=users["finance"], reason="依据不足", expected_version=adj.version
            ),
        )
    )
    assert isinstance(loser, ConflictError)
    adj.refresh_from_db()
    assert (adj.status, adj.return_reason) == ("approved", "")


def test_an_approval_while_finance_returns_is_refused(postgres, departments, users):
    adj = _pending(departments, users)
    one_wins(
        race(
            lambda: services.adjustment_return(adjustment=adj, actor=users["finance"], reason="依据不足"),
            lambda: services.adjustment_approve(adjustment=adj, actor=users["finance"]),
        )
    )
    adj.refresh_from_db()
    assert (adj.status, adj.sheet_version) == ("returned", None)
    assert not adj.project.revisions.filter(kind="adjusted").exists()


def test_a_new_request_while_finance_approves_waits_and_builds_on_the_new_version(postgres, departments, users):
    """The department asks again at the moment finance approves: it waits, then its request is based on the
    version the approval made (not refused as "already waiting", not based on the old one)."""
    adj = _pending(departments, users)
    project = adj.project
    results = race(
        lambda: services.adjustment_approve(adjustment=adj, actor=users["finance"]),
        lambda: services.adjustment_request(
            project=project,
            actor=users["filer"],
            targets=[{**row, "value": str(int(float(row["value"])) + 2)} for row in _rows_now(project)],
            reason="再次调整",
        ),
    )
    assert results["first"] == "ok" and results["second_waited"], results
    if results["second"] == "ok":
        again = TargetAdjustment.objects.get(project=project, number=2)
        assert again.base_version == 2
    else:  # built from the rows read before the approval: refused, never based on version 1
        assert isinstance(results["second"], ApplicationError), results
        assert not TargetAdjustment.objects.filter(project=project, number=2).exists()


def _rows_now(project):
    return [
        {
            "id": t.pk,
            "dimension": t.dimension,
            "subdimension": t.subdimension,
            "name": t.name,
            "operator": t.operator,
            "value": str(t.value),
            "unit": t.unit,
        }
        for t in project.targets.order_by("order")
    ]


# --- (b) finance's review of an appraisal while the firm works on it -------------------------------------------


def _submitted_exante(departments, users) -> ExAnteAssessment:
    project = large_project(departments["edu"])
    assessment = services.exante_start(project=project, actor=users["evaluator"], package=package(users, [project]))
    fill(assessment, users["evaluator"])
    return services.exante_submit(assessment=assessment, actor=users["evaluator"])


def _submitted_key(departments, users) -> KeyEvaluation:
    project = approved_project(departments["water"])
    key = services.key_start(project=project, actor=users["evaluator"], package=package(users, [project], kind="key"))
    services.key_save(key=key, actor=users["evaluator"], data={"lines": key_lines("80.00"), "findings": "良好"})
    return services.key_submit(key=key, actor=users["evaluator"])


REVIEWS = {
    "exante": (_submitted_exante, lambda w, **kw: services.exante_review(assessment=w, **kw)),
    "key": (_submitted_key, lambda w, **kw: services.key_review(key=w, **kw)),
}


@pytest.mark.parametrize("kind", REVIEWS)
def test_accept_and_return_at_once_leave_one_decision(postgres, departments, users, kind):
    make, review = REVIEWS[kind]
    work = make(departments, users)
    one_wins(
        race(
            lambda: review(work, actor=users["finance"], decision="accept"),
            lambda: review(work, actor=users["finance"], decision="return", reason="材料不全"),
        )
    )
    work.refresh_from_db()
    assert (work.status, work.return_reason) == ("accepted", "")


@pytest.mark.parametrize("kind", REVIEWS)
def test_the_firm_editing_what_finance_is_returning_is_refused_as_stale(postgres, departments, users, kind):
    make, review = REVIEWS[kind]
    work = make(departments, users)
    page_version = work.version  # the firm's page, opened while the work was submitted
    if kind == "key":
        edit = lambda: services.key_save(  # noqa: E731
            key=work, actor=users["evaluator"], data={"findings": "改写"}, expected_version=page_version
        )
    else:
        edit = lambda: services.exante_save(  # noqa: E731
            assessment=work, actor=users["evaluator"], data={"summary": "改写"}, expected_version=page_version
        )
    loser = one_wins(race(lambda: review(work, actor=users["finance"], decision="return", reason="材料不全"), edit))
    assert isinstance(loser, ConflictError)
    work.refresh_from_db()
    assert work.status == "returned" and "改写" not in (getattr(work, "findings", "") + getattr(work, "summary", ""))


@pytest.mark.parametrize("kind", REVIEWS)
def test_finance_accepting_an_old_page_while_the_firm_resubmits_is_refused(postgres, departments, users, kind):
    """Finance returned the work and reviews again from its page; the firm resubmits at that moment:
    finance's decision is of a version it has not seen, and is refused."""
    make, review = REVIEWS[kind]
    work = make(departments, users)
    work = review(work, actor=users["finance"], decision="return", reason="补充材料")
    finance_page = work.version
    if kind == "key":
        resubmit = lambda: services.key_submit(key=work, actor=users["evaluator"])  # noqa: E731
    else:
        resubmit = lambda: services.exante_submit(assessment=work, actor=users["evaluator"])  # noqa: E731
    one_wins(
        race(
            resubmit,
            lambda: review(work, actor=users["finance"], decision="accept", expected_version=finance_page),
        )
    )
    work.refresh_from_db()
    assert work.status == "submitted"
