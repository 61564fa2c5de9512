"""The query parameters of the survey lists, declared."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field

from core.filters import FilterSet, LenientWholeNumberFilter, TextFilter

from ..models import Question, Survey


class SurveyFilter(FilterSet):
    # A year that is not a whole number, or a status that does not exist, lists nothing.
    year = LenientWholeNumberFilter(field_name="year")
    status = extend_schema_field({"type": "string", "enum": list(Survey.Status.values)})(
        TextFilter(field_name="status")
    )

    class Meta:
        model = Survey
        fields = []


class QuestionFilter(FilterSet):
    survey = TextFilter(field_name="survey__code", label="Survey code")

    class Meta:
        model = Question
        fields = []
