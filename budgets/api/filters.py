"""The query parameters of the budget lists (docs/api.md), declared.

A year or id that is not a whole number lists nothing where the list always did so (projects,
department-wide sheets, and a sheet's or project's targets, spending, tranches, revisions and
reviews); elsewhere it answers 400 on its field, as in the other apps' lists.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field

from core.filters import (
    FilterSet,
    FlagFilter,
    LenientWholeNumberFilter,
    TextFilter,
    WholeNumberFilter,
    known_value_filter,
)

from .. import selectors
from ..choices import BudgetDimension, BudgetSubdimension, ProjectStatus
from ..models import (
    BudgetProject,
    BudgetTarget,
    DepartmentEvaluation,
    DepartmentSheet,
    DepartmentTarget,
    Disclosure,
    Evaluation,
    ExAnteAssessment,
    KeyEvaluation,
    LibraryIndicator,
    Reallocation,
    ReallocationStatus,
    Recommendation,
    SheetReview,
    SpendingRecord,
    TargetAdjustment,
    Tranche,
    WorkPackage,
    WorkStatus,
)

DEPARTMENT = "Department code"
PROJECT = "Project id"
YEAR = "Year of the projects"


def listed(made: TextFilter, values) -> TextFilter:
    """A text filter shown in the schema with the values it takes (any other value lists nothing)."""
    return extend_schema_field({"type": "string", "enum": list(values)})(made)


# --- projects and what hangs on them ------------------------------------------------------------


class ProjectFilter(FilterSet):
    year = LenientWholeNumberFilter(field_name="year", label=YEAR)
    department = TextFilter(field_name="department__code", label=DEPARTMENT)
    status = listed(TextFilter(field_name="status"), ProjectStatus.values)
    q = TextFilter(method="search", label="Text in name or code")

    class Meta:
        model = BudgetProject
        fields = []

    def search(self, queryset, name, value):
        value = value[:100]
        return queryset.filter(Q(name__icontains=value) | Q(code__icontains=value))


class OfProjectFilter(FilterSet):
    # A project that is not a whole number lists nothing.
    project = LenientWholeNumberFilter(field_name="project", label=PROJECT)


class TargetFilter(OfProjectFilter):
    class Meta:
        model = BudgetTarget
        fields = []


class SpendingFilter(OfProjectFilter):
    class Meta:
        model = SpendingRecord
        fields = []


class TrancheFilter(OfProjectFilter):
    class Meta:
        model = Tranche
        fields = []


class AdjustmentFilter(OfProjectFilter):
    class Meta:
        model = TargetAdjustment
        fields = []


class SheetReviewFilter(OfProjectFilter):
    year = WholeNumberFilter(field_name="project__year", label=YEAR)

    class Meta:
        model = SheetReview
        fields = []


# --- evaluations and recommendations ------------------------------------------------------------


class EveryEvaluationFilter(FlagFilter):
    """``all``: every evaluation; otherwise (``false`` too) only each project's latest."""

    def filter(self, qs, value):
        return qs if value is True else selectors.latest_evaluations(qs)


class EvaluationFilter(OfProjectFilter):
    year = WholeNumberFilter(field_name="project__year", label=YEAR)
    department = TextFilter(field_name="project__department__code", label=DEPARTMENT)
    all = EveryEvaluationFilter(label="Every evaluation, not only each project's latest")

    class Meta:
        model = Evaluation
        fields = []


@extend_schema_field({"type": "integer", "description": "Budget year (default: the current year)"})
class BudgetYearFilter(WholeNumberFilter):
    """The recommendations' budget year: the current year when not given."""

    def filter(self, qs, value):
        return super().filter(qs, value or timezone.localdate().year)


class RecommendationFilter(FilterSet):
    year = BudgetYearFilter(field_name="year")
    department = TextFilter(field_name="department__code", label=DEPARTMENT)
    status = TextFilter(field_name="status")
    kind = TextFilter(field_name="kind")

    class Meta:
        model = Recommendation
        fields = []


# --- ex-ante assessments, work packages and key evaluations -------------------------------------


class WorkPackageFilter(FilterSet):
    year = WholeNumberFilter(field_name="year", label=YEAR)

    class Meta:
        model = WorkPackage
        fields = []


class WorkFilter(FilterSet):
    # A status that does not exist filters nothing.
    year = WholeNumberFilter(field_name="project__year", label=YEAR)
    project = WholeNumberFilter(field_name="project", label=PROJECT)
    status = known_value_filter("status", values=WorkStatus.values)


class ExAnteFilter(WorkFilter):
    class Meta:
        model = ExAnteAssessment
        fields = []


class KeyEvaluationFilter(WorkFilter):
    class Meta:
        model = KeyEvaluation
        fields = []


# --- the indicator library ----------------------------------------------------------------------


@extend_schema_field(
    {
        "type": "string",
        "enum": ["retired", "all"],
        "description": "Retired indicators only, or all (default: in use)",
    }
)
class LibraryStateFilter(TextFilter):
    """``retired``: retired indicators only; ``all``: every one; anything else: those in use."""

    def filter(self, qs, value):
        if value == "all":
            return qs
        return qs.filter(is_active=value != "retired")


class LibraryIndicatorFilter(FilterSet):
    q = TextFilter(method="search", label="Text in name, code or definition")
    sector = TextFilter(field_name="sector__code", label="Sector code")
    dimension = listed(TextFilter(field_name="dimension"), BudgetDimension.values)
    subdimension = listed(TextFilter(field_name="subdimension"), BudgetSubdimension.values)
    state = LibraryStateFilter()

    class Meta:
        model = LibraryIndicator
        fields = []

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(code__icontains=value) | Q(definition__icontains=value))


# --- reallocations ------------------------------------------------------------------------------


class ReallocationFilter(FilterSet):
    # A status that does not exist filters nothing.
    year = WholeNumberFilter(field_name="year")
    status = known_value_filter("status", values=ReallocationStatus.values)
    department = TextFilter(field_name="department__code", label=DEPARTMENT)
    project = WholeNumberFilter(method="source_or_target", label="From or to this project")

    class Meta:
        model = Reallocation
        fields = []

    def source_or_target(self, queryset, name, value):
        return queryset.filter(Q(source_id=value) | Q(target_id=value))


# --- department-wide performance and disclosure -------------------------------------------------


class DepartmentSheetFilter(FilterSet):
    # A year that is not a whole number lists nothing.
    year = LenientWholeNumberFilter(field_name="year", label="Year of the sheets")
    department = TextFilter(field_name="department__code", label=DEPARTMENT)
    status = TextFilter(field_name="status")

    class Meta:
        model = DepartmentSheet
        fields = []


class DepartmentTargetFilter(FilterSet):
    # A sheet that is not a whole number lists nothing.
    sheet = LenientWholeNumberFilter(field_name="sheet", label="Department-wide sheet id")

    class Meta:
        model = DepartmentTarget
        fields = []


class DepartmentEvaluationFilter(FilterSet):
    year = WholeNumberFilter(field_name="sheet__year", label="Year of the sheets")
    status = TextFilter(field_name="status")

    class Meta:
        model = DepartmentEvaluation
        fields = []


class DisclosureFilter(FilterSet):
    year = WholeNumberFilter(method="of_year", label="Year of the project or department-wide sheet")

    class Meta:
        model = Disclosure
        fields = []

    def of_year(self, queryset, name, value):
        return queryset.filter(Q(project__year=value) | Q(department_sheet__year=value))
