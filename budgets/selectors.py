"""Reads of budget projects, scoped to the user (department users see their own department only)."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, ExtractQuarter

from core.numbers import q2
from core.roles import P, own_only
from organizations.models import Department
from organizations.selectors import scope_to_user

from .choices import BudgetDimension, ProjectStatus, RecommendationKind, RecommendationStatus
from .evaluation import DIMENSION_ORDER
from .models import (
    BudgetPolicy,
    BudgetProject,
    BudgetTarget,
    Evaluation,
    ProjectRevision,
    Recommendation,
    SpendingRecord,
    Tranche,
)

ZERO = Decimal(0)
MONEY_FIELD = DecimalField(max_digits=15, decimal_places=2)


def can_read(user) -> bool:
    return user.is_authenticated and (user.has_perm(P.READ_ALL_BUDGETS) or user.has_perm(P.READ_OWN_BUDGETS))


def scoped(qs: QuerySet, *, user, field: str = "department") -> QuerySet:
    """Department users: their own department's rows; READ_ALL_BUDGETS holders: every row."""
    return scope_to_user(qs, user=user, all_perm=P.READ_ALL_BUDGETS, own_perm=P.READ_OWN_BUDGETS, field=field)


def _spent_subquery():
    return Coalesce(
        Subquery(
            SpendingRecord.objects.filter(project=OuterRef("pk"))
            .order_by()
            .values("project")
            .annotate(s=Sum("amount"))
            .values("s"),
            output_field=MONEY_FIELD,
        ),
        Value(ZERO, output_field=MONEY_FIELD),
    )


def _latest_evaluation(field: str):
    return Subquery(
        Evaluation.objects.filter(project=OuterRef("pk")).order_by("-number").values(field)[:1],
    )


def projects_for_user(
    *, user, year: int | None = None, department: str = "", status: str = "", q: str = ""
) -> QuerySet[BudgetProject]:
    """Projects the user may see, with spent money, target count and the latest evaluation's grade."""
    qs = scoped(BudgetProject.objects.all(), user=user).select_related("department")
    if year:
        qs = qs.filter(year=year)
    if department:
        qs = qs.filter(department__code=department)
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__icontains=q))
    return qs.annotate(
        spent=_spent_subquery(),
        target_count=Count("targets", distinct=True),
        latest_total=_latest_evaluation("total"),
        latest_grade=_latest_evaluation("grade"),
    ).order_by("-year", "department__order", "code")


def project_get_for_user(*, user, pk: int, own: bool = False) -> BudgetProject:
    """The project if the user may see it; BudgetProject.DoesNotExist otherwise (404 on both doors).
    ``own``: only for the department's own filer or head, for what the department alone does."""
    projects = scoped(BudgetProject.objects.select_related("department", "submitted_by", "reviewed_by"), user=user)
    return (own_only(projects, user) if own else projects).get(pk=pk)


def targets_of(*, project: BudgetProject) -> list[BudgetTarget]:
    """The sheet's targets in dimension order (cost, output, effect, satisfaction), then their order."""
    targets = list(
        BudgetTarget.objects.filter(project=project).select_related(
            "indicator", "library_indicator", "actual_recorded_by"
        )
    )
    targets.sort(key=lambda t: (DIMENSION_ORDER.index(BudgetDimension(t.dimension)), t.order, t.pk))
    return targets


def sheet_by_dimension(*, project: BudgetProject, targets: list[BudgetTarget] | None = None) -> list[dict]:
    targets = targets_of(project=project) if targets is None else targets
    return [
        {"dimension": dim.value, "label": dim.label, "targets": [t for t in targets if t.dimension == dim.value]}
        for dim in DIMENSION_ORDER
    ]


def spent_of(*, project: BudgetProject) -> Decimal:
    return SpendingRecord.objects.filter(project=project).aggregate(s=Sum("amount"))["s"] or ZERO


def spending_of(*, project: BudgetProject) -> QuerySet[SpendingRecord]:
    return (
        SpendingRecord.objects.filter(project=project).select_related("tranche", "recorded_by").order_by("date", "id")
    )


def execution_by_quarter(*, project: BudgetProject) -> list[dict]:
    """Per quarter: money spent, cumulative spending and the cumulative execution rate (percent)."""
    rows = dict(
        SpendingRecord.objects.filter(project=project)
        .annotate(quarter=ExtractQuarter("date"))
        .order_by()
        .values("quarter")
        .annotate(s=Sum("amount"))
        .values_list("quarter", "s")
    )
    out, cumulative = [], ZERO
    for quarter in (1, 2, 3, 4):
        spent = rows.get(quarter) or ZERO
        cumulative += spent
        out.append(
            {
                "quarter": quarter,
                "period": f"Q{quarter}",
                "spent": spent,
                "cumulative": cumulative,
                "rate": q2(cumulative / project.amount * 100) if project.amount else ZERO,
            }
        )
    return out


def tranches_of(*, project: BudgetProject) -> QuerySet[Tranche]:
    return (
        Tranche.objects.filter(project=project)
        .select_related("released_by")
        .prefetch_related("condition_targets")
        .annotate(spent=Coalesce(Sum("spending__amount"), Value(ZERO, output_field=MONEY_FIELD)))
        .order_by("order", "id")
    )


def revisions_of(*, project: BudgetProject) -> QuerySet[ProjectRevision]:
    return ProjectRevision.objects.filter(project=project).select_related("actor").order_by("-number")


def latest_evaluation(*, project: BudgetProject) -> Evaluation | None:
    return Evaluation.objects.filter(project=project).select_related("computed_by").order_by("-number").first()


def latest_evaluations(qs: QuerySet[Evaluation]) -> QuerySet[Evaluation]:
    """Of ``qs``, the evaluations that are the latest of their project."""
    latest = Evaluation.objects.filter(project=OuterRef("project")).order_by("-number").values("pk")[:1]
    return qs.filter(pk=Subquery(latest))


def evaluations_for_user(*, user, year: int | None = None, department: str = "") -> QuerySet[Evaluation]:
    """The latest evaluation of each project the user may see."""
    qs = latest_evaluations(scoped(Evaluation.objects.all(), user=user, field="project__department"))
    if year:
        qs = qs.filter(project__year=year)
    if department:
        qs = qs.filter(project__department__code=department)
    return qs.select_related("project", "project__department", "computed_by").order_by(
        "project__department__order", "project__code"
    )


def evaluation_get_for_user(*, user, pk: int) -> Evaluation:
    return scoped(
        Evaluation.objects.select_related("project", "project__department", "computed_by"),
        user=user,
        field="project__department",
    ).get(pk=pk)


def review_queue(*, user, year: int | None = None) -> QuerySet[BudgetProject]:
    return projects_for_user(user=user, year=year, status=ProjectStatus.SUBMITTED).order_by("submitted_at", "pk")


def policy_for_year(*, year: int) -> BudgetPolicy:
    """The year's policy, or the defaults (unsaved) when finance has not set one."""
    return BudgetPolicy.objects.filter(year=year).first() or BudgetPolicy(year=year)


def policies_list() -> QuerySet[BudgetPolicy]:
    return BudgetPolicy.objects.select_related("updated_by").order_by("-year")


def recommendations_list(*, year: int, department: str = "", status: str = "", kind: str = "") -> QuerySet:
    qs = Recommendation.objects.filter(year=year).select_related(
        "project", "department", "evaluation", "key_evaluation", "decided_by"
    )
    if department:
        qs = qs.filter(department__code=department)
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("department__order", "project__code")


def recommendation_summary(*, year: int) -> list[dict]:
    """Next year's recommended amounts by department (one aggregate query), flags counted apart."""
    effective = Coalesce("final_amount", "recommended_amount", output_field=MONEY_FIELD)
    is_rec = Q(kind=RecommendationKind.RECOMMENDATION)
    rows = (
        Recommendation.objects.filter(year=year)
        .order_by()
        .values("department")
        .annotate(
            projects=Count("pk"),
            base=Sum("base_amount", filter=is_rec),
            recommended=Sum("recommended_amount", filter=is_rec),
            # A decision stores its amount (accepting copies the recommendation); otherwise the recommendation.
            decided=Sum(effective),
            flags=Count("pk", filter=Q(kind=RecommendationKind.FLAG)),
            flagged_amount=Sum("base_amount", filter=Q(kind=RecommendationKind.FLAG)),
            pending=Count("pk", filter=Q(status=RecommendationStatus.PROPOSED)),
        )
    )
    departments = Department.objects.in_bulk([r["department"] for r in rows])
    out = []
    for r in rows:
        base = r["base"] or ZERO
        decided = r["decided"] or ZERO
        out.append(
            r
            | {
                "department": departments[r["department"]],
                "base": base,
                "recommended": r["recommended"] or ZERO,
                "decided": decided,
                "change": decided - base,
                "flagged_amount": r["flagged_amount"] or ZERO,
            }
        )
    out.sort(key=lambda r: (r["department"].order, r["department"].code))
    return out


def recommendation_years() -> list[int]:
    return list(Recommendation.objects.order_by("-year").values_list("year", flat=True).distinct())


def project_years() -> list[int]:
    return list(BudgetProject.objects.order_by("-year").values_list("year", flat=True).distinct())


def department_grades(*, year: int) -> dict[int, str] | None:
    """Department id → annual assessment grade code, from the assessments app; None until it offers them."""
    try:
        # The assessments app provides annual_grades(year=...) once its scoring exists; until then the
        # recommendation pages say so instead of failing. Only a missing module or function is caught.
        from assessments import selectors as assessment_selectors

        annual_grades = assessment_selectors.annual_grades
    except (ImportError, AttributeError):
        return None
    return annual_grades(year=year)


def approved_projects_with_spent(*, user, year: int) -> QuerySet[BudgetProject]:
    """The user's approved projects of a year with ``spent`` (sum of spending records), for monitoring."""
    return (
        scoped(BudgetProject.objects.filter(year=year, status=ProjectStatus.APPROVED), user=user)
        .select_related("department")
        .annotate(spent=_spent_subquery())
        .order_by("department__order", "department__code", "code")
    )


def approved_projects_with_spent_all(*, year: int) -> QuerySet[BudgetProject]:
    """Every approved project of a year with ``spent``, for the jobs that run without a user."""
    return (
        BudgetProject.objects.filter(year=year, status=ProjectStatus.APPROVED)
        .select_related("department")
        .annotate(spent=_spent_subquery())
        .order_by("department__order", "department__code", "code")
    )
