"""The budget lists' query parameters (budgets.api.filters): each narrows its list as the hand-written
reading did, within the caller's department for department users; a year or id that is not a whole
number lists nothing or answers 400 on its field, as docs/api.md says of each list."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Q

from budgets import selectors
from budgets.api import filters as f
from budgets.models import (
    DepartmentEvaluation,
    DepartmentSheet,
    Disclosure,
    Evaluation,
    ExAnteAssessment,
    KeyEvaluation,
    LibraryIndicator,
    Reallocation,
    Recommendation,
    SheetReview,
    SpendingRecord,
    Tranche,
    WorkPackage,
)

from .factories import ProjectFactory, TargetFactory

pytestmark = pytest.mark.django_db
API = "/api/v1/"


@pytest.fixture(autouse=True)
def _frozen_today(monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2026, 12, 31))


def _sql(qs) -> str:
    return str(qs.query)


# Each FilterSet with parameters, and the queryset the hand-written reading built from them.
SAME_AS = [
    (f.EvaluationFilter, {}, lambda: selectors.latest_evaluations(Evaluation.objects.all())),
    (f.EvaluationFilter, {"all": "false"}, lambda: selectors.latest_evaluations(Evaluation.objects.all())),
    (f.EvaluationFilter, {"all": "1"}, lambda: Evaluation.objects.all()),
    (
        f.EvaluationFilter,
        {"all": "true", "year": "2026", "department": "edu", "project": "7"},
        lambda: Evaluation.objects.filter(project=7).filter(project__year=2026).filter(project__department__code="edu"),
    ),
    (f.EvaluationFilter, {"all": "true", "project": "x"}, lambda: Evaluation.objects.none()),
    (f.RecommendationFilter, {}, lambda: Recommendation.objects.filter(year=2026)),
    (f.RecommendationFilter, {"year": "0"}, lambda: Recommendation.objects.filter(year=2026)),
    (
        f.RecommendationFilter,
        {"year": "2027", "department": "edu", "status": "proposed", "kind": "flag"},
        lambda: (
            Recommendation.objects.filter(year=2027)
            .filter(department__code="edu")
            .filter(status="proposed")
            .filter(kind="flag")
        ),
    ),
    (f.WorkPackageFilter, {"year": "2026"}, lambda: WorkPackage.objects.filter(year=2026)),
    (
        f.ExAnteFilter,
        {"year": "2026", "project": "3", "status": "submitted"},
        lambda: ExAnteAssessment.objects.filter(project__year=2026).filter(project=3).filter(status="submitted"),
    ),
    (f.KeyEvaluationFilter, {"status": "nonsense"}, lambda: KeyEvaluation.objects.all()),
    (f.KeyEvaluationFilter, {"status": "accepted"}, lambda: KeyEvaluation.objects.filter(status="accepted")),
    (f.LibraryIndicatorFilter, {}, lambda: LibraryIndicator.objects.filter(is_active=True)),
    (f.LibraryIndicatorFilter, {"state": "retired"}, lambda: LibraryIndicator.objects.filter(is_active=False)),
    (f.LibraryIndicatorFilter, {"state": "all"}, lambda: LibraryIndicator.objects.all()),
    (
        f.LibraryIndicatorFilter,
        {"q": "率", "sector": "edu", "dimension": "output", "subdimension": "quantity", "state": "x"},
        lambda: (
            LibraryIndicator.objects.filter(
                Q(name__icontains="率") | Q(code__icontains="率") | Q(definition__icontains="率")
            )
            .filter(sector__code="edu")
            .filter(dimension="output")
            .filter(subdimension="quantity")
            .filter(is_active=True)
        ),
    ),
    (f.SheetReviewFilter, {"project": "x"}, lambda: SheetReview.objects.none()),
    (f.SheetReviewFilter, {"year": "2026"}, lambda: SheetReview.objects.filter(project__year=2026)),
    (
        f.ReallocationFilter,
        {"year": "2026", "status": "pending", "department": "edu", "project": "5"},
        lambda: (
            Reallocation.objects.filter(year=2026)
            .filter(status="pending")
            .filter(department__code="edu")
            .filter(Q(source_id=5) | Q(target_id=5))
        ),
    ),
    (f.ReallocationFilter, {"status": "lost"}, lambda: Reallocation.objects.all()),
    (
        f.DepartmentSheetFilter,
        {"year": "2026", "department": "edu", "status": "draft"},
        lambda: DepartmentSheet.objects.filter(year=2026).filter(department__code="edu").filter(status="draft"),
    ),
    (f.DepartmentSheetFilter, {"year": "x"}, lambda: DepartmentSheet.objects.none()),
    (
        f.DepartmentEvaluationFilter,
        {"year": "2026", "status": "confirmed"},
        lambda: DepartmentEvaluation.objects.filter(sheet__year=2026).filter(status="confirmed"),
    ),
    (
        f.DisclosureFilter,
        {"year": "2026"},
        lambda: Disclosure.objects.filter(Q(project__year=2026) | Q(department_sheet__year=2026)),
    ),
    (f.SpendingFilter, {"project": "4"}, lambda: SpendingRecord.objects.filter(project=4)),
    (f.TrancheFilter, {"project": "", "unknown": "x"}, lambda: Tranche.objects.all()),
]


@pytest.mark.parametrize(("filterset", "params", "expected"), SAME_AS)
def test_each_filter_narrows_as_the_hand_written_reading_did(filterset, params, expected):
    expected = expected()
    made = filterset(params, queryset=expected.model.objects.all())
    assert made.is_valid(), made.errors
    if not expected.query.is_empty():
        assert _sql(made.qs) == _sql(expected)
    else:
        assert made.qs.query.is_empty()


@pytest.fixture
def projects(departments):
    edu, water = departments["edu"], departments["water"]
    return {
        "school": ProjectFactory(department=edu, year=2026, code="EDU-1", name="校舍维修", status="approved"),
        "books": ProjectFactory(department=edu, year=2025, code="EDU-2", name="图书采购", status="draft"),
        "river": ProjectFactory(department=water, year=2026, code="WAT-1", name="河道整治", status="approved"),
    }


def _codes(client, path, **params):
    response = client.get(API + path, params)
    assert response.status_code == 200, response.content
    return sorted(r["code"] for r in response.json()["results"])


def test_projects_are_narrowed_by_year_department_status_and_text(api_for, projects):
    finance = api_for("finance")
    assert _codes(finance, "budget-projects/") == ["EDU-1", "EDU-2", "WAT-1"]
    assert _codes(finance, "budget-projects/", year="2026") == ["EDU-1", "WAT-1"]
    assert _codes(finance, "budget-projects/", department="edu") == ["EDU-1", "EDU-2"]
    assert _codes(finance, "budget-projects/", status="draft") == ["EDU-2"]
    assert _codes(finance, "budget-projects/", q="河道") == ["WAT-1"]
    assert _codes(finance, "budget-projects/", q="edu-") == ["EDU-1", "EDU-2"]
    assert _codes(finance, "budget-projects/", year="", department="", status="", q="") == ["EDU-1", "EDU-2", "WAT-1"]
    # A year that is not a whole number lists nothing (no error).
    assert _codes(finance, "budget-projects/", year="2026x") == []
    long = ProjectFactory(department=projects["river"].department, code="WAT-2", name="河" * 120)
    assert _codes(finance, "budget-projects/", q="河" * 100 + "x") == [long.code]  # the first 100 characters


def test_a_department_user_stays_within_its_department_whatever_the_filters(api_for, projects):
    filer = api_for("filer")  # 教育局
    assert _codes(filer, "budget-projects/") == ["EDU-1", "EDU-2"]
    assert _codes(filer, "budget-projects/", department="water") == []
    assert _codes(filer, "budget-projects/", q="河道") == []
    river = projects["river"].pk
    assert filer.get(API + "budget-targets/", {"project": river}).json()["count"] == 0


def test_targets_spending_and_tranches_are_narrowed_by_project(api_for, projects):
    school, river = projects["school"], projects["river"]
    for project in (school, river):
        TargetFactory(project=project)
        SpendingRecord.objects.create(project=project, date=dt.date(2026, 5, 1), amount=Decimal("10.00"))
        Tranche.objects.create(project=project, name="首批", amount=Decimal("100.00"))
    finance = api_for("finance")
    for path in ("budget-targets/", "budget-spending/", "budget-tranches/"):
        assert finance.get(API + path).json()["count"] == 2, path
        rows = finance.get(API + path, {"project": school.pk}).json()["results"]
        assert [r["project"] for r in rows] == [school.pk], path
        assert finance.get(API + path, {"project": "abc"}).json()["count"] == 0, path  # lists nothing
        assert finance.get(API + path, {"project": ""}).json()["count"] == 2, path


# Where a year or id that is not a whole number answers 400 on its field.
REFUSED = [
    ("budget-evaluations/", "year"),
    ("budget-recommendations/", "year"),
    ("budget-work-packages/", "year"),
    ("budget-exante-assessments/", "year"),
    ("budget-exante-assessments/", "project"),
    ("budget-key-evaluations/", "year"),
    ("budget-key-evaluations/", "project"),
    ("budget-sheet-reviews/", "year"),
    ("budget-reallocations/", "year"),
    ("budget-reallocations/", "project"),
    ("department-evaluations/", "year"),
    ("budget-disclosures/", "year"),
]

# Where it lists nothing.
EMPTY = [
    ("budget-projects/", "year"),
    ("budget-targets/", "project"),
    ("budget-spending/", "project"),
    ("budget-tranches/", "project"),
    ("budget-evaluations/", "project"),
    ("budget-target-revisions/", "project"),
    ("budget-sheet-reviews/", "project"),
    ("department-sheets/", "year"),
    ("department-targets/", "sheet"),
]


@pytest.mark.parametrize(("path", "name"), REFUSED)
def test_a_year_or_id_that_is_not_a_whole_number_is_a_400_on_the_field(api_for, path, name):
    response = api_for("finance").get(API + path, {name: "2026x"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json() == {
        "detail": f"{name}: Enter a whole number.",
        "code": "invalid",
        "errors": {name: ["Enter a whole number."]},
    }
    assert api_for("finance").get(API + path, {name: ""}).status_code == 200


@pytest.mark.parametrize(("path", "name"), EMPTY)
def test_a_year_or_id_that_is_not_a_whole_number_lists_nothing_where_it_always_did(api_for, projects, path, name):
    response = api_for("finance").get(API + path, {name: "abc"})
    assert response.status_code == 200 and response.json()["count"] == 0


def test_the_detail_of_an_evaluation_or_recommendation_ignores_the_lists_parameters(api_for, users, projects):
    school = projects["school"]
    first, latest = (
        Evaluation.objects.create(
            project=school,
            number=number,
            total=Decimal("90"),
            grade="excellent",
            amount=school.amount,
            spent=school.amount,
            execution_rate=Decimal(100),
            weights={},
            ledger=[],
        )
        for number in (1, 2)
    )
    finance = api_for("finance")

    def ids(**params):
        return [r["id"] for r in finance.get(API + "budget-evaluations/", params).json()["results"]]

    assert ids() == [latest.pk]
    assert ids(all="true") == [latest.pk, first.pk]
    assert ids(year="2026", department="edu", project=school.pk) == [latest.pk]
    assert ids(year="2025") == ids(department="water") == ids(project=projects["river"].pk) == []
    assert finance.get(API + f"budget-evaluations/{first.pk}/", {"year": "2025"}).status_code == 200
    assert api_for("filer2").get(API + "budget-evaluations/", {"department": "edu"}).json()["count"] == 0


def test_actions_that_are_not_lists_do_not_show_the_lists_parameters():
    from drf_spectacular.generators import SchemaGenerator

    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]

    def query(path):
        return {p["name"] for p in paths[path]["get"].get("parameters", []) if p["in"] == "query"}

    assert query("/api/v1/budget-key-evaluations/gaps/") == {"year"}
    assert query("/api/v1/budget-recommendations/summary/") == {"year"}
    assert query("/api/v1/budget-library-indicators/sectors/") == set()
    assert query("/api/v1/budget-sheet-reviews/flags/") == {"project"}
    assert query("/api/v1/budget-target-revisions/versions/") == {"project"}
    assert query("/api/v1/budget-projects/{id}/revisions/") == set()
