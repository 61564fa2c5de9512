"""The benchmark's workload generator (``manage.py generate_city``) on PostgreSQL, the only database
it writes to: every big table is written with COPY, so a column added to a model without a value
there breaks the benchmark — this test finds it first."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.services


def test_city_s_is_generated_with_every_table_filled(postgres):
    from assessments.models import Entry
    from budgets.models import BudgetProject
    from satisfaction.models import Answer
    from workloads.city import SIZES, generate

    result = generate(size="S", seed=7, score=False)
    size = SIZES["S"]
    assert result["departments"] == size.departments
    assert result["assignments"] == size.assignments
    assert result["entries"] > 0 and Entry.objects.count() == result["entries"]
    assert Answer.objects.count() == result["answers"] > 0
    assert BudgetProject.objects.count() == result["projects"] == size.projects
    assert not Entry.objects.exclude(outlier={}).exists()  # generated values are usual ones
