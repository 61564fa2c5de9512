"""The shared indicator library: search, benchmarks, the quality flags of a sheet and finance's grade."""

from decimal import Decimal

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from budgets import services, sheet_selectors
from budgets.models import LibraryIndicator, Sector, SheetReview
from core.errors import ApplicationError, ConflictError

from .factories import ProjectFactory, TargetFactory, approved_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def library(db):
    edu = Sector.objects.create(code="edu", name="教育", order=1)
    health = Sector.objects.create(code="health", name="卫生健康", order=2)
    return {
        "coverage": LibraryIndicator.objects.create(
            code="edu-out-01",
            sector=edu,
            dimension="output",
            subdimension="quantity",
            name="资助学生人数",
            unit="人",
            operator="ge",
        ),
        "satisfaction": LibraryIndicator.objects.create(
            code="edu-sat-01",
            sector=edu,
            dimension="satisfaction",
            subdimension="satisfaction",
            name="学生及家长满意度",
            unit="%",
            operator="ge",
        ),
        "beds": LibraryIndicator.objects.create(
            code="hl-out-01",
            sector=health,
            dimension="output",
            subdimension="quantity",
            name="新增床位数",
            unit="张",
            operator="ge",
        ),
    }


def _sheet(project, library, *, coverage="1000", reason=""):
    TargetFactory(
        project=project,
        dimension="cost",
        subdimension="cost",
        name="人均资助标准",
        operator="le",
        value=Decimal("2000"),
        unit="元/人",
    )
    TargetFactory(
        project=project,
        name="资助学生人数",
        value=Decimal(coverage),
        unit="人",
        library_indicator=library["coverage"],
        below_last_year_reason=reason,
    )
    TargetFactory(
        project=project,
        dimension="effect",
        subdimension="social",
        name="学生家庭负担进一步减轻",
        value=Decimal(1),
        unit="",
    )
    TargetFactory(
        project=project,
        dimension="effect",
        subdimension="social",
        name="受助学生评价",
        value=Decimal(90),
        unit="%",
        library_indicator=library["satisfaction"],
    )
    TargetFactory(
        project=project,
        dimension="satisfaction",
        subdimension="satisfaction",
        name="家长满意度",
        value=Decimal(90),
        unit="%",
    )


@pytest.fixture
def last_year(departments, library):
    p = approved_project(departments["edu"], year=2025, rows=[])
    TargetFactory(
        project=p,
        name="资助学生人数",
        value=Decimal("1100"),
        unit="人",
        actual=Decimal("1200"),
        library_indicator=library["coverage"],
    )
    return p


def test_flags_of_a_sheet_name_each_target(departments, library, last_year):
    project = ProjectFactory(department=departments["edu"], status="submitted")
    _sheet(project, library)
    flags = {(f.code, f.name) for f in sheet_selectors.flags_of(project=project)}
    assert flags == {
        ("below_last_year", "资助学生人数"),  # 1000 < last year's 1200, no reason
        ("vague", "学生家庭负担进一步减轻"),
        ("satisfaction_as_effect", "受助学生评价"),  # a satisfaction indicator used as effect
    }


def test_a_reason_clears_the_below_last_year_flag_and_another_department_does_not_count(
    departments, library, last_year
):
    project = ProjectFactory(department=departments["edu"], status="submitted")
    _sheet(project, library, reason="生源减少")
    assert "below_last_year" not in {f.code for f in sheet_selectors.flags_of(project=project)}
    water = ProjectFactory(department=departments["water"], status="submitted")
    _sheet(water, library)
    assert "below_last_year" not in {f.code for f in sheet_selectors.flags_of(project=water)}


def test_grade_is_stored_with_flags_audited_and_refused_when_stale(departments, library, last_year, users):
    project = ProjectFactory(department=departments["edu"], status="submitted")
    _sheet(project, library)
    finance = users["finance"]
    review = services.sheet_grade(project=project, actor=finance, grade="fair", comment="表述不清", expected_version=0)
    assert review.grade == "fair" and {f["code"] for f in review.flags} == {
        "below_last_year",
        "vague",
        "satisfaction_as_effect",
    }
    with pytest.raises(ConflictError):
        services.sheet_grade(project=project, actor=users["finance"], grade="good", expected_version=0)
    services.sheet_grade(project=project, actor=users["finance"], grade="good", expected_version=1)
    event = AuditEvent.objects.filter(action="budgets.sheet.graded").order_by("-pk").first()
    assert event.before["grade"] == "fair" and event.after["grade"] == "good"
    with pytest.raises(ApplicationError) as exc:
        services.sheet_grade(project=project, actor=users["finance"], grade="A")
    assert "grade" in exc.value.errors
    assert SheetReview.objects.get(project=project).grade == "good"


def test_a_draft_is_not_graded(departments, library, users):
    project = ProjectFactory(department=departments["edu"])
    with pytest.raises(ApplicationError):
        services.sheet_grade(project=project, actor=users["finance"], grade="good")


def test_benchmarks_history_and_similar_projects(departments, library, last_year, users):
    other = approved_project(departments["water"], year=2025, rows=[], category="livelihood", name="水利资助")
    TargetFactory(
        project=other,
        name="资助人数",
        value=Decimal("500"),
        unit="人",
        actual=Decimal("600"),
        library_indicator=library["coverage"],
    )
    project = ProjectFactory(department=departments["edu"], category="livelihood")
    bench = sheet_selectors.benchmarks(indicator=library["coverage"], user=users["finance"], project=project)
    assert [(y.year, y.count, y.minimum, y.maximum, y.mean) for y in bench.history] == [
        (2025, 2, Decimal("600"), Decimal("1200"), Decimal("900.00"))
    ]
    assert bench.similar[0].project == "水利资助" and bench.similar[0].same_category  # same category first
    # A department user sees another department's figures without its project's name.
    seen = sheet_selectors.benchmarks(indicator=library["coverage"], user=users["filer"], project=project)
    assert {(s.department, s.project) for s in seen.similar} == {("水利局", ""), ("教育局", last_year.name)}


def test_library_search_page_and_api(client_for, api_for, library):
    page = client_for("filer").get(reverse("budgets:library") + "?sector=health").content.decode()
    assert "新增床位数" in page and "资助学生人数" not in page
    body = api_for("filer").get("/api/v1/budget-library-indicators/?q=满意度").json()
    assert [r["code"] for r in body["results"]] == ["edu-sat-01"]
    assert body["results"][0]["level2"]
    detail = api_for("filer").get(f"/api/v1/budget-library-indicators/{library['coverage'].pk}/").json()
    assert "history" in detail and "similar" in detail


def test_target_form_offers_the_library_and_shows_benchmarks(client_for, departments, library, last_year):
    project = ProjectFactory(department=departments["edu"])
    url = reverse("budgets:target_create", args=[project.pk]) + f"?library={library['coverage'].pk}"
    html = client_for("filer").get(url).content.decode()
    assert 'value="资助学生人数"' in html  # pre-filled from the library
    assert "1200" in html  # last year's actual as a benchmark


def test_quality_page_and_api(client_for, api_for, departments, library, last_year):
    project = ProjectFactory(department=departments["edu"], status="submitted")
    _sheet(project, library)
    html = client_for("filer").get(reverse("budgets:sheet_quality", args=[project.pk])).content.decode()
    assert 'data-flag="vague"' in html and "<form" not in html.split("grade-h")[1]  # a department reads only
    response = client_for("finance").post(
        reverse("budgets:sheet_quality", args=[project.pk]), {"grade": "poor", "comment": "", "version": 0}
    )
    assert response.status_code == 302
    body = api_for("filer").get(f"/api/v1/budget-sheet-reviews/?project={project.pk}").json()
    assert body["results"][0]["grade"] == "poor" and len(body["results"][0]["flags"]) == 3
    flags = api_for("finance").get(f"/api/v1/budget-sheet-reviews/flags/?project={project.pk}").json()
    assert {f["code"] for f in flags} == {"below_last_year", "vague", "satisfaction_as_effect"}
    bad = api_for("finance").post("/api/v1/budget-sheet-reviews/", {"project": project.pk, "grade": "x"}, format="json")
    assert bad.status_code == 400 and "grade" in bad.json()["errors"]
