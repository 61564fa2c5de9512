"""The query parameters of the assessments' lists (docs/api.md), declared."""

from __future__ import annotations

from core.filters import FilterSet, FlagFilter, TextFilter, WholeNumberFilter, period_filter, quarter_filter

from ..models import Assignment, Exemption, Publication, Report, Score, ScoreEvent

DEPARTMENT = "Department code"


class AssignmentFilter(FilterSet):
    year = WholeNumberFilter(field_name="plan__year")
    department = TextFilter(field_name="department__code", label=DEPARTMENT)
    indicator = TextFilter(field_name="indicator__code")

    class Meta:
        model = Assignment
        fields = []


class ReportFilter(FilterSet):
    year = WholeNumberFilter(field_name="quarter__plan__year")
    period = quarter_filter()
    department = TextFilter(field_name="department__code", label=DEPARTMENT)
    status = TextFilter(field_name="status")
    late = FlagFilter(field_name="is_late", only_true=True)

    class Meta:
        model = Report
        fields = []


class ScoreFilter(FilterSet):
    year = WholeNumberFilter(field_name="plan__year")
    period = period_filter()
    department = TextFilter(field_name="department__code", label=DEPARTMENT)
    group = TextFilter(field_name="group__code")
    published = FlagFilter(field_name="published")

    class Meta:
        model = Score
        fields = []


class EventFilter(FilterSet):
    year = WholeNumberFilter(field_name="plan__year")
    department = TextFilter(field_name="department__code", label=DEPARTMENT)

    class Meta:
        model = ScoreEvent
        fields = []


class PublicationFilter(FilterSet):
    year = WholeNumberFilter(field_name="plan__year")

    class Meta:
        model = Publication
        fields = []


class ExemptionFilter(FilterSet):
    year = WholeNumberFilter(field_name="assignment__plan__year")
    department = TextFilter(field_name="assignment__department__code")

    class Meta:
        model = Exemption
        fields = []
