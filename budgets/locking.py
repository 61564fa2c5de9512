"""Row locks of the budgets app: only the row meant (docs/architecture.md, "Row locks").

``select_for_update()`` with ``select_related()`` would also lock the joined rows on PostgreSQL
(the project's department, a recommendation's project), so a finance decision would make every
write touching the department wait. Each helper here locks one table's row (``of=("self",)``)
with FOR NO KEY UPDATE (``no_key=True``): rows that merely reference it (a tranche, a target, an
evaluation of the project) can still be inserted while it is held. Related rows are read, not
locked. The order, where a service takes both, is project then recommendation; a reallocation locks
its projects in id order (``lock_projects``), then the request.
"""

from __future__ import annotations

from .models import BudgetProject, Evaluation, Recommendation


def lock_project(pk: int) -> BudgetProject:
    """The project, locked for this transaction and fresh from the database, its department read."""
    return BudgetProject.objects.select_for_update(of=("self",), no_key=True).select_related("department").get(pk=pk)


def lock_projects(pks) -> list[BudgetProject]:
    """Several projects locked in id order (one statement), their departments read."""
    return list(
        BudgetProject.objects.select_for_update(of=("self",), no_key=True)
        .select_related("department")
        .filter(pk__in=list(pks))
        .order_by("pk")
    )


def lock_recommendation(pk: int) -> Recommendation:
    return Recommendation.objects.select_for_update(of=("self",), no_key=True).select_related("project").get(pk=pk)


def lock_evaluation(pk: int) -> Evaluation:
    return Evaluation.objects.select_for_update(of=("self",), no_key=True).get(pk=pk)
