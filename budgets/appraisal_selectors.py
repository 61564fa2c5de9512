"""Reads of ex-ante assessments, work packages and key evaluations, scoped to the user.

Finance and the read-all roles see everything; a department sees the concluded work on its own
projects; a third-party evaluation firm sees only the work of its own packages (anything else is
"not found"), and uses it only while the package's period runs (services.appraisal_work).
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Prefetch, QuerySet

from core.numbers import q2
from core.roles import DEPARTMENT_ROLES, P, Role

from .models import (
    BudgetProject,
    ExAnteAssessment,
    ExAnteLine,
    KeyEvaluation,
    KeyLine,
    WorkPackage,
    WorkStatus,
)

ZERO = Decimal(0)


def _scope_work(qs: QuerySet, *, user) -> QuerySet:
    if not user.is_authenticated:
        return qs.none()
    if user.role == Role.EVALUATOR:
        return qs.filter(package__evaluator=user)
    if user.role in DEPARTMENT_ROLES:
        if not user.has_perm(P.READ_OWN_BUDGETS) or user.department_id is None:
            return qs.none()
        return qs.filter(project__department_id=user.department_id, status=WorkStatus.ACCEPTED)
    if user.has_perm(P.READ_ALL_BUDGETS):
        return qs
    return qs.none()


def can_read(user) -> bool:
    return user.is_authenticated and any(
        user.has_perm(p) for p in (P.READ_ALL_BUDGETS, P.READ_OWN_BUDGETS, P.EVALUATE_ASSIGNED)
    )


def packages_for_user(*, user, year: int | None = None) -> QuerySet[WorkPackage]:
    qs = WorkPackage.objects.select_related("evaluator", "department", "created_by").prefetch_related("projects")
    if user.role == Role.EVALUATOR:
        qs = qs.filter(evaluator=user)
    elif not user.has_perm(P.REVIEW_BUDGET):
        return qs.none()
    if year:
        qs = qs.filter(year=year)
    return qs.order_by("-year", "-starts_on", "id")


def package_get_for_user(*, user, pk: int) -> WorkPackage:
    return packages_for_user(user=user).get(pk=pk)


def package_projects(*, package: WorkPackage) -> QuerySet[BudgetProject]:
    """The projects a package covers: the named ones, or every project of the department's year."""
    if package.department_id:
        qs = BudgetProject.objects.filter(year=package.year, department_id=package.department_id)
    else:
        qs = package.projects.all()
    return qs.select_related("department").order_by("department__order", "code")


def exante_for_user(*, user, year: int | None = None, project: int | None = None, status: str = "") -> QuerySet:
    qs = _scope_work(
        ExAnteAssessment.objects.select_related(
            "project", "project__department", "package", "package__evaluator", "reviewed_by"
        ),
        user=user,
    )
    if year:
        qs = qs.filter(project__year=year)
    if project:
        qs = qs.filter(project_id=project)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-project__year", "project__department__order", "project__code", "-number")


def exante_get_for_user(*, user, pk: int) -> ExAnteAssessment:
    lines = ExAnteLine.objects.order_by("order").prefetch_related("evidence")
    return exante_for_user(user=user).prefetch_related(Prefetch("lines", queryset=lines)).get(pk=pk)


def keys_for_user(*, user, year: int | None = None, project: int | None = None, status: str = "") -> QuerySet:
    qs = _scope_work(
        KeyEvaluation.objects.select_related(
            "project", "project__department", "package", "package__evaluator", "self_evaluation", "reviewed_by"
        ),
        user=user,
    )
    if year:
        qs = qs.filter(project__year=year)
    if project:
        qs = qs.filter(project_id=project)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-project__year", "project__department__order", "project__code", "-number")


def key_get_for_user(*, user, pk: int) -> KeyEvaluation:
    lines = KeyLine.objects.order_by("order").prefetch_related("evidence")
    return keys_for_user(user=user).prefetch_related(Prefetch("lines", queryset=lines)).get(pk=pk)


def exante_of_project(*, project: BudgetProject, user) -> ExAnteAssessment | None:
    """The project's latest ex-ante assessment the user may see (the concluded one for a department)."""
    return exante_for_user(user=user, project=project.pk).first()


def key_of_project(*, project: BudgetProject, user) -> KeyEvaluation | None:
    return keys_for_user(user=user, project=project.pk).first()


def concluded_by_project(*, project_ids) -> dict[int, ExAnteAssessment]:
    """Each project's latest concluded (accepted) ex-ante assessment, for lists (one query)."""
    out: dict[int, ExAnteAssessment] = {}
    rows = ExAnteAssessment.objects.filter(project_id__in=list(project_ids), status=WorkStatus.ACCEPTED)
    for a in rows.order_by("project_id", "number"):
        out[a.project_id] = a
    return out


def gaps_by_department(*, year: int) -> list[dict]:
    """Per department: the accepted key evaluations of the year beside the self-evaluations they were
    compared with, the mean gap (self − key) and the mean absolute gap — how far a department's own
    scoring can be trusted."""
    keys = (
        KeyEvaluation.objects.filter(project__year=year, status=WorkStatus.ACCEPTED, self_evaluation__isnull=False)
        .select_related("project__department", "self_evaluation")
        .order_by("project__department__order", "project__code", "number")
    )
    latest: dict[int, KeyEvaluation] = {}
    for k in keys:
        latest[k.project_id] = k
    by_department: dict[int, dict] = {}
    for k in latest.values():
        dept = k.project.department
        row = by_department.setdefault(
            dept.pk,
            {"department": dept, "count": 0, "self": ZERO, "key": ZERO, "gap": ZERO, "abs_gap": ZERO, "items": []},
        )
        row["count"] += 1
        row["self"] += k.self_evaluation.total
        row["key"] += k.total
        row["gap"] += k.gap
        row["abs_gap"] += abs(k.gap)
        row["items"].append(k)
    out = []
    for row in by_department.values():
        n = row["count"]
        out.append(
            row
            | {
                "self": q2(row["self"] / n),
                "key": q2(row["key"] / n),
                "gap": q2(row["gap"] / n),
                "abs_gap": q2(row["abs_gap"] / n),
            }
        )
    out.sort(key=lambda r: (-r["abs_gap"], r["department"].order, r["department"].code))
    return out
