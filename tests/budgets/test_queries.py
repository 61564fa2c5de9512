"""Lists run a constant number of queries, whatever the number of projects."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from budgets import services
from budgets.models import Evaluation

from .factories import approved_project

pytestmark = pytest.mark.django_db


def _make(departments, users, n):
    for i in range(n):
        project = approved_project(departments["edu"], year=2025, code=f"q-{n}-{i}")
        Evaluation.objects.create(
            project=project,
            number=1,
            total=Decimal("85"),
            grade="good",
            amount=project.amount,
            spent=project.amount,
            execution_rate=Decimal(100),
            weights={},
            ledger=[],
            status="confirmed",
            confirmed_at=timezone.now(),
        )
    services.recommendations_generate(year=2026, actor=users["finance"], department_grades={})


def _count(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = fn()
        assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "get",
    [
        lambda c, a: c.get(reverse("budgets:project_list")),
        lambda c, a: c.get(reverse("budgets:evaluation_list") + "?year=2025"),
        lambda c, a: c.get(reverse("budgets:recommendation_list") + "?year=2026"),
        lambda c, a: a.get("/api/v1/budget-projects/"),
        lambda c, a: a.get("/api/v1/budget-targets/"),
        lambda c, a: a.get("/api/v1/budget-evaluations/"),
        lambda c, a: a.get("/api/v1/budget-recommendations/?year=2026"),
    ],
)
def test_query_count_does_not_grow_with_the_projects(client_for, api_for, users, departments, get):
    client, api = client_for("finance"), api_for("finance")
    _make(departments, users, 2)
    few = _count(lambda: get(client, api))
    _make(departments, users, 12)
    many = _count(lambda: get(client, api))
    assert many == few
