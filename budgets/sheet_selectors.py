"""Reads of sheet versions, the indicator library and its benchmarks, and a sheet's quality flags.

Shared by the pages, the API and the services (docs/budgets.md, "Mid-year target revision" and
"Indicator library"). Projects are found through ``budgets.selectors`` (scoped to the user); the
benchmarks here are figures of the library indicator across projects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Avg, Count, Max, Min, Q, QuerySet

from core.numbers import q2

from . import selectors, targetrules
from .choices import ProjectStatus
from .models import (
    AdjustmentStatus,
    BudgetProject,
    BudgetTarget,
    LibraryIndicator,
    ProjectRevision,
    Sector,
    SheetReview,
    TargetAdjustment,
)

# ---- versions -----------------------------------------------------------------------------


def adjustments_of(*, project: BudgetProject) -> QuerySet[TargetAdjustment]:
    return TargetAdjustment.objects.filter(project=project).select_related("requested_by", "decided_by")


def pending_adjustment(*, project: BudgetProject) -> TargetAdjustment | None:
    return adjustments_of(project=project).filter(status=AdjustmentStatus.PENDING).first()


def adjustment_in_force(*, project: BudgetProject) -> TargetAdjustment | None:
    """The approved revision that made the sheet in force; None while version 1 (as approved) stands."""
    return (
        TargetAdjustment.objects.filter(project=project, status=AdjustmentStatus.APPROVED)
        .order_by("-sheet_version")
        .first()
    )


def version_in_force(*, project: BudgetProject) -> int:
    """1 for the sheet as approved; each approved revision adds one."""
    adjustment = adjustment_in_force(project=project)
    return adjustment.sheet_version if adjustment else 1


@dataclass
class SheetVersion:
    number: int
    targets: list[dict]
    adjustment: TargetAdjustment | None = None  # the revision that made it (None: as approved)
    at: object = None
    in_force: bool = False


def versions_of(*, project: BudgetProject) -> list[SheetVersion]:
    """Every version of an approved sheet, oldest first; the last one is in force."""
    if project.status != ProjectStatus.APPROVED:
        return []
    approved = list(adjustments_of(project=project).filter(status=AdjustmentStatus.APPROVED).order_by("sheet_version"))
    first_approval = (
        ProjectRevision.objects.filter(project=project, kind="approved").order_by("number").only("at").first()
    )
    if approved:
        first = SheetVersion(1, approved[0].before, None, first_approval.at if first_approval else None)
    else:
        first = SheetVersion(
            1, sheet_rows(project=project), None, first_approval.at if first_approval else project.reviewed_at
        )
    versions = [first] + [SheetVersion(a.sheet_version, a.after, a, a.decided_at) for a in approved]
    versions[-1].in_force = True
    return versions


def sheet_rows(*, project: BudgetProject) -> list[dict]:
    """The sheet in force as stored rows (as a revision keeps it)."""
    from .services.common import sheet_snapshot

    return sheet_snapshot(project)["targets"]


# ---- library and benchmarks -----------------------------------------------------------------


def library_search(
    *,
    q: str = "",
    sector: str = "",
    dimension: str = "",
    subdimension: str = "",
    active_only: bool = True,
    state: str = "",
) -> QuerySet[LibraryIndicator]:
    """``state``: "retired" (retired only), "all", or as ``active_only`` says (in use only by default)."""
    qs = LibraryIndicator.objects.select_related("sector").annotate(uses=Count("targets"))
    if state == "retired":
        qs = qs.filter(is_active=False)
    elif state != "all" and active_only:
        qs = qs.filter(is_active=True)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__icontains=q) | Q(definition__icontains=q))
    if sector:
        qs = qs.filter(sector__code=sector)
    if dimension:
        qs = qs.filter(dimension=dimension)
    if subdimension:
        qs = qs.filter(subdimension=subdimension)
    return qs.order_by("sector__order", "sector__code", "code")


def sectors() -> QuerySet[Sector]:
    return Sector.objects.order_by("order", "code")


@dataclass
class YearFigures:
    year: int
    count: int
    minimum: Decimal | None
    mean: Decimal | None
    maximum: Decimal | None
    target_mean: Decimal | None


@dataclass
class SimilarValue:
    year: int
    department: str
    project: str
    category: str
    target_text: str
    actual: Decimal | None
    own: bool
    same_category: bool


@dataclass
class Benchmarks:
    history: list[YearFigures] = field(default_factory=list)
    similar: list[SimilarValue] = field(default_factory=list)


def _approved_targets(indicator: LibraryIndicator) -> QuerySet[BudgetTarget]:
    return BudgetTarget.objects.filter(library_indicator=indicator, project__status=ProjectStatus.APPROVED)


def benchmarks(
    *, indicator: LibraryIndicator, user, project: BudgetProject | None = None, limit: int = 12
) -> Benchmarks:
    """Past years' actuals of targets that used the indicator, and the values of similar projects.

    History: per year, the actuals recorded on approved sheets (count, lowest, mean, highest) and
    the mean target. Similar projects: other approved projects using the indicator, those of the
    same category as ``project`` first. A department user sees other departments' figures without
    their project names.
    """
    history = [
        YearFigures(
            year=row["project__year"],
            count=row["n"],
            minimum=row["lo"],
            mean=q2(row["avg"]) if row["avg"] is not None else None,
            maximum=row["hi"],
            target_mean=q2(row["tavg"]) if row["tavg"] is not None else None,
        )
        for row in _approved_targets(indicator)
        .values("project__year")
        .annotate(n=Count("actual"), lo=Min("actual"), avg=Avg("actual"), hi=Max("actual"), tavg=Avg("value"))
        .order_by("-project__year")
    ]
    qs = _approved_targets(indicator).select_related("project", "project__department")
    if project is not None:
        qs = qs.exclude(project=project)
    rows = list(qs.order_by("-project__year", "project__code")[:200])
    own_department = user.department_id if getattr(user, "is_department_user", False) else None
    category = project.category if project is not None else None
    rows.sort(key=lambda t: (t.project.category != category, -t.project.year, t.project.code))
    similar = []
    for t in rows[:limit]:
        hidden = own_department is not None and t.project.department_id != own_department
        similar.append(
            SimilarValue(
                year=t.project.year,
                department=t.project.department.name,
                project="" if hidden else t.project.name,
                category=t.project.get_category_display(),
                target_text=t.target_text,
                actual=t.actual,
                own=not hidden,
                same_category=category is not None and t.project.category == category,
            )
        )
    return Benchmarks(history=history, similar=similar)


def last_year_actuals(*, project: BudgetProject, library_ids) -> dict[int, Decimal]:
    """Library indicator → the department's actual of the year before (the mean where it had several)."""
    ids = [i for i in library_ids if i]
    if not ids:
        return {}
    rows = (
        BudgetTarget.objects.filter(
            library_indicator_id__in=ids,
            project__department_id=project.department_id,
            project__year=project.year - 1,
            actual__isnull=False,
        )
        .values("library_indicator_id")
        .annotate(avg=Avg("actual"))
    )
    return {r["library_indicator_id"]: q2(r["avg"]) for r in rows}


def facts(target: BudgetTarget) -> targetrules.TargetFacts:
    lib = target.library_indicator if target.library_indicator_id else None
    return targetrules.TargetFacts(
        id=target.pk,
        name=target.name,
        dimension=target.dimension,
        operator=target.operator,
        value=target.value,
        unit=target.unit,
        library_id=target.library_indicator_id,
        library_dimension=lib.dimension if lib else None,
        below_reason=target.below_last_year_reason,
    )


def flags_of(*, project: BudgetProject, targets: list[BudgetTarget] | None = None) -> list[targetrules.Flag]:
    """The quality flags of the sheet as it is now."""
    targets = selectors.targets_of(project=project) if targets is None else targets
    last = last_year_actuals(project=project, library_ids={t.library_indicator_id for t in targets})
    return targetrules.sheet_flags([facts(t) for t in targets], last)


def review_of(*, project: BudgetProject) -> SheetReview | None:
    return SheetReview.objects.filter(project=project).select_related("reviewed_by").first()


def reviews_for_user(*, user, year: int | None = None) -> QuerySet[SheetReview]:
    qs = selectors.scoped(
        SheetReview.objects.select_related("project", "project__department"), user=user, field="project__department"
    )
    if year:
        qs = qs.filter(project__year=year)
    return qs.order_by("-project__year", "project__code")
