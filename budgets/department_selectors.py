"""Reads of department-wide spending performance and of disclosure decisions (docs/budgets.md, 5–6).

Internal reads are scoped to the user like every budget read (department users see their own
department). The public reads (``public_*``) return only what is disclosed: approved sheets and
projects for the targets, published evaluations for the final accounts, and every withheld item
as its reason alone — never its values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet, Sum

from core.numbers import q2
from core.roles import own_only

from .choices import EvaluationStatus, ProjectStatus
from .department_evaluation import DepartmentDimension
from .models import (
    BudgetProject,
    BudgetTarget,
    DepartmentEvaluation,
    DepartmentSheet,
    DepartmentTarget,
    DepartmentWidePolicy,
    Disclosure,
    DisclosurePart,
    Evaluation,
    KeyEvaluation,
    SpendingRecord,
    WorkStatus,
)
from .selectors import scoped

ZERO = Decimal(0)
DIMENSION_ORDER = list(DepartmentDimension.values)


def policy_for_year(*, year: int) -> DepartmentWidePolicy:
    """The year's department-wide policy, or the defaults (unsaved) when finance has set none."""
    return DepartmentWidePolicy.objects.filter(year=year).select_related("assessment_indicator").first() or (
        DepartmentWidePolicy(year=year)
    )


def sheets_for_user(*, user, year: int | None = None, department: str = "", status: str = "") -> QuerySet:
    qs = scoped(DepartmentSheet.objects.select_related("department"), user=user)
    if year:
        qs = qs.filter(year=year)
    if department:
        qs = qs.filter(department__code=department)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-year", "department__order", "department__code")


def sheet_get_for_user(*, user, pk: int, own: bool = False) -> DepartmentSheet:
    """The sheet if the user may see it; DepartmentSheet.DoesNotExist otherwise (404 on both doors).
    ``own``: only for the department's own filer or head, for what the department alone does."""
    sheets = scoped(DepartmentSheet.objects.select_related("department", "submitted_by", "reviewed_by"), user=user)
    return (own_only(sheets, user) if own else sheets).get(pk=pk)


def targets_of(*, sheet: DepartmentSheet) -> list[DepartmentTarget]:
    """The sheet's targets in dimension order, then their own order."""
    targets = list(DepartmentTarget.objects.filter(sheet=sheet))
    targets.sort(key=lambda t: (DIMENSION_ORDER.index(t.dimension), t.order, t.pk))
    return targets


def by_dimension(targets: list[DepartmentTarget]) -> list[dict]:
    return [
        {"dimension": d, "label": label, "targets": [t for t in targets if t.dimension == d]}
        for d, label in DepartmentDimension.choices
    ]


def department_budget(*, department_id: int, year: int) -> tuple[Decimal, Decimal, int]:
    """(amount, spent, projects): the department's approved projects of the year, summed.

    The department's budget for its department-wide evaluation is what its approved projects add
    up to, and its spending what was recorded against them; nothing is entered twice.
    """
    projects = BudgetProject.objects.filter(department_id=department_id, year=year, status=ProjectStatus.APPROVED)
    agg = projects.aggregate(amount=Sum("amount"))
    spent = SpendingRecord.objects.filter(project__in=projects).aggregate(s=Sum("amount"))["s"] or ZERO
    return q2(agg["amount"] or ZERO), q2(spent), projects.count()


def evaluations_of(*, sheet: DepartmentSheet) -> QuerySet[DepartmentEvaluation]:
    return sheet.evaluations.select_related("computed_by", "confirmed_by", "published_by").order_by("-number")


def latest_evaluation(*, sheet: DepartmentSheet) -> DepartmentEvaluation | None:
    return evaluations_of(sheet=sheet).first()


def evaluations_for_user(*, user, year: int | None = None, status: str = "") -> QuerySet[DepartmentEvaluation]:
    qs = scoped(DepartmentEvaluation.objects.select_related("sheet__department"), user=user, field="sheet__department")
    if year:
        qs = qs.filter(sheet__year=year)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-sheet__year", "sheet__department__order", "-number")


def disclosures_for_user(*, user, year: int | None = None) -> QuerySet[Disclosure]:
    """Every disclosure decision the user may read (finance, supervision, leaders; departments their own)."""
    from django.db.models import Q

    qs = Disclosure.objects.select_related("project__department", "department_sheet__department", "decided_by")
    if not user.is_authenticated:
        return qs.none()
    own = scoped(BudgetProject.objects.all(), user=user).values("pk")
    own_sheets = scoped(DepartmentSheet.objects.all(), user=user).values("pk")
    qs = qs.filter(Q(project__in=own) | Q(department_sheet__in=own_sheets))
    if year:
        qs = qs.filter(Q(project__year=year) | Q(department_sheet__year=year))
    return qs.order_by("-id")


# --- Public disclosure ------------------------------------------------------------------------


@dataclass
class PublicItem:
    """One item of a disclosure page: its values, or (withheld) its reason and nothing else."""

    department: str
    subject: str  # the project's name, or "" for the department's whole budget
    kind: str  # "project" | "department"
    withheld: bool = False
    reason: str = ""
    amount: Decimal | None = None
    total: Decimal | None = None
    grade: str = ""
    execution_rate: Decimal | None = None
    published_at: object = None
    targets: list = field(default_factory=list)  # (dimension label, name, target text)


def withheld_map(part: str, *, projects=(), sheets=()) -> tuple[dict[int, str], dict[int, str]]:
    """(project id → reason, sheet id → reason) of the items withheld for ``part``."""
    rows = Disclosure.objects.filter(part=part, withheld=True)
    by_project = dict(rows.filter(project__in=projects).values_list("project_id", "reason")) if projects else {}
    by_sheet = (
        dict(rows.filter(department_sheet__in=sheets).values_list("department_sheet_id", "reason")) if sheets else {}
    )
    return by_project, by_sheet


def withheld_project_ids(*, year: int, part: str) -> set[int]:
    """Projects of the year whose ``part`` is withheld (other public pages leave them out)."""
    return set(
        Disclosure.objects.filter(part=part, withheld=True, project__year=year).values_list("project_id", flat=True)
    )


def _dept_label(department) -> str:
    return department.name


def public_targets(*, year: int) -> list[PublicItem]:
    """Performance targets published with the budget: approved department-wide sheets, then approved projects."""
    from .choices import BudgetDimension

    sheets = list(
        DepartmentSheet.objects.filter(year=year, status=ProjectStatus.APPROVED, department__is_active=True)
        .select_related("department")
        .order_by("department__order", "department__code")
    )
    projects = list(
        BudgetProject.objects.filter(year=year, status=ProjectStatus.APPROVED, department__is_active=True)
        .select_related("department")
        .order_by("department__order", "department__code", "code")
    )
    withheld_p, withheld_s = withheld_map(DisclosurePart.TARGETS, projects=projects, sheets=sheets)
    dept_targets: dict[int, list] = {}
    for t in DepartmentTarget.objects.filter(sheet__in=[s for s in sheets if s.pk not in withheld_s]):
        dept_targets.setdefault(t.sheet_id, []).append(t)
    proj_targets: dict[int, list] = {}
    for t in BudgetTarget.objects.filter(project__in=[p for p in projects if p.pk not in withheld_p]):
        proj_targets.setdefault(t.project_id, []).append(t)
    labels = dict(BudgetDimension.choices)
    budgets: dict[int, Decimal] = {}
    for p in projects:
        budgets[p.department_id] = budgets.get(p.department_id, ZERO) + p.amount
    items = []
    for s in sheets:
        item = PublicItem(department=_dept_label(s.department), subject="", kind="department")
        if s.pk in withheld_s:
            item.withheld, item.reason = True, withheld_s[s.pk]
        else:
            item.amount = budgets.get(s.department_id)
            ts = sorted(dept_targets.get(s.pk, []), key=lambda t: (DIMENSION_ORDER.index(t.dimension), t.order, t.pk))
            item.targets = [(t.get_dimension_display(), t.name, t.target_text) for t in ts]
        items.append(item)
    from .evaluation import DIMENSION_ORDER as PROJECT_ORDER

    order = [d.value for d in PROJECT_ORDER]
    for p in projects:
        item = PublicItem(department=_dept_label(p.department), subject=p.name, kind="project")
        if p.pk in withheld_p:
            item.withheld, item.reason = True, withheld_p[p.pk]
        else:
            item.amount = p.amount
            ts = sorted(proj_targets.get(p.pk, []), key=lambda t: (order.index(t.dimension), t.order, t.pk))
            item.targets = [(str(labels.get(t.dimension, "")), t.name, t.target_text) for t in ts]
        items.append(item)
    return items


def public_self_evaluations(*, year: int) -> list[PublicItem]:
    """Published with the final accounts: each department's latest published department-wide evaluation,
    then each project's latest published self-evaluation."""
    dept_evals: dict[int, DepartmentEvaluation] = {}
    for e in (
        DepartmentEvaluation.objects.filter(
            sheet__year=year, status=EvaluationStatus.PUBLISHED, sheet__department__is_active=True
        )
        .select_related("sheet__department")
        .order_by("sheet__department__order", "sheet__department__code", "-number")
    ):
        dept_evals.setdefault(e.sheet_id, e)
    proj_evals: dict[int, Evaluation] = {}
    for e in (
        Evaluation.objects.filter(
            project__year=year, status=EvaluationStatus.PUBLISHED, project__department__is_active=True
        )
        .select_related("project__department")
        .order_by("project__department__order", "project__department__code", "project__code", "-number")
    ):
        proj_evals.setdefault(e.project_id, e)
    withheld_p, withheld_s = withheld_map(
        DisclosurePart.SELF_EVALUATION, projects=list(proj_evals), sheets=list(dept_evals)
    )
    items = [
        _evaluation_item(e, e.sheet.department, "", "department", withheld_s.get(e.sheet_id))
        for e in dept_evals.values()
    ]
    items += [
        _evaluation_item(e, e.project.department, e.project.name, "project", withheld_p.get(e.project_id))
        for e in proj_evals.values()
    ]
    return items


def key_evaluation_rows(*, year: int) -> QuerySet[KeyEvaluation]:
    """The year's key evaluations (财政重点评价) disclosed with the final accounts: those finance
    accepted, of the year's projects (docs/budgets.md, sections 7 and 9)."""
    return KeyEvaluation.objects.filter(project__year=year, status=WorkStatus.ACCEPTED)


def public_key_evaluations(*, year: int) -> list[PublicItem]:
    """The latest accepted key evaluation of each project, or its reason where it is withheld."""
    latest: dict[int, KeyEvaluation] = {}
    for e in (
        key_evaluation_rows(year=year)
        .select_related("project__department", "self_evaluation")
        .order_by("project__department__order", "project__code", "-number")
    ):
        latest.setdefault(e.project_id, e)
    withheld_p, _sheets = withheld_map(DisclosurePart.KEY_EVALUATION, projects=list(latest))
    items = []
    for e in latest.values():
        item = PublicItem(department=_dept_label(e.project.department), subject=e.project.name, kind="project")
        reason = withheld_p.get(e.project_id)
        if reason is not None:
            item.withheld, item.reason = True, reason
        else:
            item.amount, item.total, item.grade = e.project.amount, e.total, e.grade
            item.execution_rate = e.self_evaluation.execution_rate if e.self_evaluation_id else None
            item.published_at = e.reviewed_at
        items.append(item)
    return items


def _evaluation_item(e, department, subject: str, kind: str, reason: str | None) -> PublicItem:
    item = PublicItem(department=_dept_label(department), subject=subject, kind=kind)
    if reason is not None:
        item.withheld, item.reason = True, reason
        return item
    item.amount, item.total, item.grade = e.amount, e.total, e.grade
    item.execution_rate, item.published_at = e.execution_rate, e.published_at
    return item
