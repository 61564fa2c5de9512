"""Narrow row locks of the budgets app (budgets.locking), on PostgreSQL with two connections.

While one transaction holds a budget project (as every project service does for its length),
another connection may still change the project's department and insert rows that reference
the project: only the project's own row is locked, FOR NO KEY UPDATE. Locking the joined rows
(select_for_update with select_related) or FOR UPDATE would make both wait.
"""

import contextlib
import threading

import pytest
from django.db import connection, transaction

from budgets.locking import lock_project, lock_recommendation
from budgets.models import BudgetTarget, Recommendation
from organizations.models import Department
from tests.assessments.test_locks import hold_open

from .factories import ProjectFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_a_held_project_leaves_its_department_and_new_targets_free(postgres):
    project = ProjectFactory()
    started, release, errors = threading.Event(), threading.Event(), []
    holder = threading.Thread(target=hold_open, args=(lambda: lock_project(project.pk), started, release, errors))
    holder.start()
    try:
        assert started.wait(timeout=30) and not errors
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '2s'")  # a wait on a locked row fails here
        Department.objects.filter(pk=project.department_id).update(name="改名后的部门")
        BudgetTarget.objects.create(
            project=project, dimension="output", subdimension="quantity", name="新目标", operator="ge", value=1
        )
    finally:
        release.set()
        holder.join(timeout=30)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = 0")
    assert not errors
    assert BudgetTarget.objects.filter(project=project, name="新目标").exists()


def test_the_locks_are_of_one_row_and_no_key(postgres):
    """The SQL itself: FOR NO KEY UPDATE OF the table's own row, nothing joined."""
    from django.test.utils import CaptureQueriesContext

    project = ProjectFactory()
    with transaction.atomic(), CaptureQueriesContext(connection) as captured:
        lock_project(project.pk)
        with contextlib.suppress(Recommendation.DoesNotExist):  # only the SQL is looked at
            lock_recommendation(0)
    locks = [q["sql"] for q in captured.captured_queries if "FOR" in q["sql"]]
    assert len(locks) == 2
    for sql in locks:
        assert sql.rstrip().endswith(
            ('FOR NO KEY UPDATE OF "budgets_budgetproject"', 'FOR NO KEY UPDATE OF "budgets_recommendation"')
        )
