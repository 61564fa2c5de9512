"""The API's list filters are declared (core.filters): the OpenAPI schema lists them with their types,
and a bad value answers 400 on its field exactly as the hand-written checks did (docs/api.md)."""

from __future__ import annotations

import pytest
from drf_spectacular.generators import SchemaGenerator

pytestmark = pytest.mark.django_db

# Each list and the filters its FilterSet declares, with the schema type of each.
DECLARED = {
    "/api/v1/assignments/": {"year": "integer", "department": "string", "indicator": "string"},
    "/api/v1/reports/": {
        "year": "integer",
        "period": "string",
        "department": "string",
        "status": "string",
        "late": "boolean",
    },
    "/api/v1/scores/": {
        "year": "integer",
        "period": "string",
        "department": "string",
        "group": "string",
        "published": "boolean",
    },
    "/api/v1/events/": {"year": "integer", "department": "string"},
    "/api/v1/publications/": {"year": "integer"},
    "/api/v1/exemptions/": {"year": "integer", "department": "string"},
    "/api/v1/surveys/": {"year": "integer", "status": "string"},
    "/api/v1/survey-questions/": {"survey": "string"},
    "/api/v1/categories/": {"year": "integer"},
    "/api/v1/grade-bands/": {"year": "integer"},
    "/api/v1/rules/": {"year": "integer", "kind": "string", "indicator": "string"},
    "/api/v1/indicators/": {
        "year": "integer",
        "q": "string",
        "category": "string",
        "method": "string",
        "kind": "string",
        "applicability": "string",
        "department": "string",
        "code": "string",
        "include_retired": "boolean",
    },
    "/api/v1/notifications/": {"unread": "boolean"},
    "/api/v1/budget-projects/": {"year": "integer", "department": "string", "status": "string", "q": "string"},
    "/api/v1/budget-targets/": {"project": "integer"},
    "/api/v1/budget-spending/": {"project": "integer"},
    "/api/v1/budget-tranches/": {"project": "integer"},
    "/api/v1/budget-evaluations/": {"year": "integer", "department": "string", "project": "integer", "all": "boolean"},
    "/api/v1/budget-recommendations/": {
        "year": "integer",
        "department": "string",
        "status": "string",
        "kind": "string",
    },
    "/api/v1/budget-work-packages/": {"year": "integer"},
    "/api/v1/budget-exante-assessments/": {"year": "integer", "project": "integer", "status": "string"},
    "/api/v1/budget-key-evaluations/": {"year": "integer", "project": "integer", "status": "string"},
    "/api/v1/budget-library-indicators/": {
        "q": "string",
        "sector": "string",
        "dimension": "string",
        "subdimension": "string",
        "state": "string",
    },
    "/api/v1/budget-target-revisions/": {"project": "integer"},
    "/api/v1/budget-sheet-reviews/": {"project": "integer", "year": "integer"},
    "/api/v1/budget-reallocations/": {
        "year": "integer",
        "status": "string",
        "department": "string",
        "project": "integer",
    },
    "/api/v1/department-sheets/": {"year": "integer", "department": "string", "status": "string"},
    "/api/v1/department-targets/": {"sheet": "integer"},
    "/api/v1/department-evaluations/": {"year": "integer", "status": "string"},
    "/api/v1/budget-disclosures/": {"year": "integer"},
    "/api/v1/monitoring/warnings/": {"year": "integer", "status": "string", "department": "string"},
    "/api/v1/monitoring/calendar/": {"year": "integer", "kind": "string"},
    "/api/v1/rectification-items/": {
        "year": "integer",
        "source": "string",
        "status": "string",
        "department": "string",
        "overdue": "boolean",
    },
}


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


@pytest.mark.parametrize("path", sorted(DECLARED))
def test_the_schema_lists_each_lists_filters_with_their_types(schema, path):
    query = {p["name"]: p for p in schema["paths"][path]["get"]["parameters"] if p["in"] == "query"}
    declared = {name: query[name]["schema"]["type"] for name in DECLARED[path] if name in query}
    assert declared == DECLARED[path]
    assert {"page", "page_size"} <= set(query)


def test_the_schema_lists_the_periods_a_filter_accepts(schema):
    def enum(path):
        (period,) = [p for p in schema["paths"][path]["get"]["parameters"] if p["name"] == "period"]
        return period["schema"]["enum"]

    assert enum("/api/v1/reports/") == ["Q1", "Q2", "Q3", "Q4"]
    assert enum("/api/v1/scores/") == ["Q1", "Q2", "Q3", "Q4", "annual"]


@pytest.mark.parametrize(
    ("path", "name", "values"),
    [
        ("/api/v1/budget-projects/", "status", "budgets.choices.ProjectStatus"),
        ("/api/v1/budget-exante-assessments/", "status", "budgets.models.WorkStatus"),
        ("/api/v1/budget-reallocations/", "status", "budgets.models.ReallocationStatus"),
        ("/api/v1/budget-library-indicators/", "dimension", "budgets.choices.BudgetDimension"),
        ("/api/v1/monitoring/warnings/", "status", "monitoring.models.WarningStatus"),
        ("/api/v1/monitoring/calendar/", "kind", "monitoring.models.DayKind"),
        ("/api/v1/rectification-items/", "source", "rectification.models.Source"),
        ("/api/v1/rectification-items/", "status", "rectification.models.Status"),
    ],
)
def test_the_schema_lists_the_values_a_text_filter_takes(schema, path, name, values):
    from django.utils.module_loading import import_string

    (param,) = [p for p in schema["paths"][path]["get"]["parameters"] if p["name"] == name]
    assert sorted(param["schema"]["enum"]) == sorted(import_string(values).values)


def _get(api_for, role, path, **params):
    return api_for(role).get(path, params, HTTP_ACCEPT_LANGUAGE="en")


@pytest.mark.parametrize("path", ["/api/v1/reports/", "/api/v1/scores/", "/api/v1/events/", "/api/v1/publications/"])
def test_a_year_that_is_not_a_whole_number_is_a_400_on_the_field(api_for, path):
    response = _get(api_for, "supervisor", path, year="abc")
    assert response.status_code == 400
    assert response.json() == {
        "detail": "year: Enter a whole number.",
        "code": "invalid",
        "errors": {"year": ["Enter a whole number."]},
    }


def test_a_period_outside_the_choices_is_a_400_naming_the_choices(api_for):
    response = _get(api_for, "supervisor", "/api/v1/reports/", period="annual")
    assert response.status_code == 400
    assert response.json()["errors"] == {"period": ["One of Q1, Q2, Q3, Q4."]}
    response = _get(api_for, "supervisor", "/api/v1/scores/", period="Q5")
    assert response.json()["errors"] == {"period": ["One of Q1, Q2, Q3, Q4, annual."]}
    assert _get(api_for, "supervisor", "/api/v1/scores/", period="annual").status_code == 200


def test_empty_parameters_and_unknown_flags_filter_nothing(api_for):
    for params in ({"year": ""}, {"period": ""}, {"late": "false"}, {"late": "maybe"}):
        assert _get(api_for, "supervisor", "/api/v1/reports/", **params).status_code == 200
    assert _get(api_for, "supervisor", "/api/v1/scores/", published="maybe").status_code == 200


def test_a_survey_or_library_year_that_is_not_a_number_lists_nothing(api_for):
    for path in ("/api/v1/surveys/", "/api/v1/indicators/", "/api/v1/categories/"):
        response = _get(api_for, "supervisor", path, year="abc")
        assert response.status_code == 200 and response.json()["count"] == 0


def test_flags_are_read_as_sent():
    from assessments.api.filters import ReportFilter, ScoreFilter
    from assessments.models import Report, Score

    def published(value):
        f = ScoreFilter({"published": value}, queryset=Score.objects.none())
        assert f.is_valid()
        return f.form.cleaned_data["published"]

    assert [published(v) for v in ("true", "1", "false", "0", "True", "yes", "")] == [
        True,
        True,
        False,
        False,
        None,
        None,
        None,
    ]
    late = ReportFilter({"late": "false"}, queryset=Report.objects.all())
    assert late.is_valid() and "WHERE" not in str(late.qs.query)
    late = ReportFilter({"late": "1"}, queryset=Report.objects.all())
    assert late.is_valid() and '"is_late"' in str(late.qs.query).split("WHERE")[1]
