"""Finance approving a reallocation twice at once, on PostgreSQL with two connections: the money
moves once. Two requests that fit the project one at a time but not together: one is approved,
the other refused on its amount."""

import datetime as dt
import threading
import time
from decimal import Decimal as D

import pytest
from django.db import connections

from audit.models import AuditEvent
from budgets import services
from budgets.models import BudgetProject, Reallocation, SpendingRecord
from budgets.services import reallocations as module
from core.errors import ApplicationError
from tests.budgets.factories import approved_project

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def _race(calls, monkeypatch):
    real_move = module._move

    def slow_move(*args, **kwargs):
        time.sleep(0.3)  # the other connection arrives meanwhile and waits on the locked rows
        return real_move(*args, **kwargs)

    monkeypatch.setattr(module, "_move", slow_move)
    barrier = threading.Barrier(len(calls))
    results, errors = [], []

    def worker(call):
        try:
            barrier.wait()
            results.append(call())
        except ApplicationError as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results, errors


def test_two_approvals_at_once_move_the_money_once(postgres, departments, users, monkeypatch):
    a = approved_project(departments["edu"], amount="1000000.00", code="EDU-R1", name="校舍维修")
    b = approved_project(departments["edu"], amount="500000.00", code="EDU-R2", name="课后服务")
    r = services.reallocation_request(actor=users["filer"], source=a, target=b, amount="300000.00", reason="调剂")
    approve = lambda: services.reallocation_approve(reallocation=r, actor=users["finance"])  # noqa: E731
    results, errors = _race([approve, approve], monkeypatch)
    assert len(results) == 1 and len(errors) == 1
    assert errors[0].code == "invalid_state"
    assert BudgetProject.objects.get(pk=a.pk).amount == D("700000.00")
    assert BudgetProject.objects.get(pk=b.pk).amount == D("800000.00")
    assert AuditEvent.objects.filter(action="budgets.reallocation.approved").count() == 1
    assert Reallocation.objects.get().status == "approved"


def test_two_requests_that_only_fit_one_at_a_time(postgres, departments, users, monkeypatch):
    a = approved_project(departments["edu"], amount="1000000.00", code="EDU-R3", name="校园安全")
    first = services.reallocation_request(actor=users["filer"], source=a, amount="400000.00", reason="一")
    second = services.reallocation_request(actor=users["filer"], source=a, amount="400000.00", reason="二")
    # Spent since: 600 000 could still move, enough for either request but not for both.
    SpendingRecord.objects.create(project=a, date=dt.date(2026, 5, 1), amount=D("400000.00"))
    calls = [
        lambda: services.reallocation_approve(reallocation=first, actor=users["finance"]),
        lambda: services.reallocation_approve(reallocation=second, actor=users["finance"]),
    ]
    results, errors = _race(calls, monkeypatch)
    assert len(results) == 1 and len(errors) == 1 and "amount" in errors[0].errors
    assert BudgetProject.objects.get(pk=a.pk).amount == D("600000.00")
    assert Reallocation.objects.filter(status="approved").count() == 1
