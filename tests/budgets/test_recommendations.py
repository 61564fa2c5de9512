"""Next year's recommendations: the policy, flags, finance's decisions, the table by department and its export."""

import io
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from audit.models import AuditEvent
from budgets import recommendation as rec
from budgets import services
from budgets.models import BudgetProject, Evaluation, Recommendation
from core.errors import ApplicationError

from .factories import ProjectFactory, add_targets, approved_project
from .test_money_units import money_units

pytestmark = pytest.mark.django_db


# --- the policy matrix (pure) ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("project_grade", "department_grade", "action", "percent"),
    [
        ("excellent", None, "priority", D("10")),
        ("excellent", "excellent", "priority", D("10")),
        ("excellent", "poor", "maintain", D("0")),
        ("good", "good", "maintain", D("0")),
        ("good", "poor", "cut", D("-10")),
        ("fair", "fair", "cut", D("-10")),
        ("fair", "poor", "cut", D("-20")),
        ("poor", "good", "cut", D("-50")),
        ("poor", "poor", "suspend", D("-100")),
        ("poor", "some-plan-code", "cut", D("-50")),  # an unknown grade code reads as "no grade"
    ],
)
def test_default_policy(project_grade, department_grade, action, percent):
    matrix, errors = rec.validate_matrix(rec.DEFAULT_MATRIX)
    assert errors == {}
    assert rec.recommend(matrix, project_grade, department_grade) == (action, percent)


@pytest.mark.parametrize(
    ("base", "percent", "amount"),
    [
        (D("2396300.00"), D("10"), D("2635930.00")),
        (D("2396300.00"), D("-10"), D("2156670.00")),
        (D("1000.01"), D("-50"), D("500.01")),  # 500.005 half up
        (D("1200000.00"), D("-100"), D("0.00")),
    ],
)
def test_recommended_amount_rounds_half_up(base, percent, amount):
    assert rec.recommended_amount(base, percent) == amount


@pytest.mark.parametrize(
    ("action", "percent"),
    [
        ("priority", "-5"),
        ("maintain", "5"),
        ("cut", "0"),
        ("cut", "-100"),
        ("suspend", "-50"),
        ("cut", "-101"),
        ("jump", "1"),
    ],
)
def test_inconsistent_cells_are_refused(action, percent):
    matrix = {pg: dict(row) for pg, row in rec.DEFAULT_MATRIX.items()}
    matrix["good"] = dict(matrix["good"], fair={"action": action, "percent": percent})
    _normalised, errors = rec.validate_matrix(matrix)
    assert "good.fair" in errors


# --- generating, deciding --------------------------------------------------------------------------------


def evaluated(department, *, grade, total, amount="1000000.00", name=None):
    project = approved_project(department, amount=amount, year=2025, name=name or f"{department.code} 2025")
    Evaluation.objects.create(
        project=project,
        number=1,
        total=D(total),
        grade=grade,
        amount=project.amount,
        spent=project.amount,
        execution_rate=D("100"),
        weights={},
        ledger=[],
        status="confirmed",
        confirmed_at=timezone.now(),
    )
    return project


@pytest.fixture
def year_2025(departments):
    edu = evaluated(departments["edu"], grade="excellent", total="95.00", amount="2396300.00")
    health = evaluated(departments["health"], grade="fair", total="70.00", amount="1000000.00")
    water = evaluated(departments["water"], grade="poor", total="50.00", amount="800000.00")
    # Money asked for without a target sheet.
    no_targets = ProjectFactory(department=departments["water"], year=2025, amount=D("300000.00"), name="无目标项目")
    # A sheet never approved, so never evaluated.
    unevaluated = ProjectFactory(department=departments["health"], year=2025, amount=D("50000.00"), status="returned")
    add_targets(unevaluated)
    return {"edu": edu, "health": health, "water": water, "no_targets": no_targets, "unevaluated": unevaluated}


def test_recommendations_follow_the_policy_with_explicit_department_grades(users, departments, year_2025):
    grades = {departments["edu"].pk: "good", departments["health"].pk: "poor", departments["water"].pk: "poor"}
    counts = services.recommendations_generate(year=2026, actor=users["finance"], department_grades=grades)
    assert counts == {"recommendations": 3, "flags": 2, "kept": 0}
    rows = {r.project_id: r for r in Recommendation.objects.filter(year=2026)}
    edu = rows[year_2025["edu"].pk]
    assert (edu.action, edu.percent, edu.recommended_amount) == ("priority", D("10.00"), D("2635930.00"))
    assert edu.department_grade_column == "good" and edu.project_grade == "excellent"
    health = rows[year_2025["health"].pk]  # 中 in a department graded poor: one step down, −20 %
    assert (health.action, health.percent, health.recommended_amount) == ("cut", D("-20.00"), D("800000.00"))
    water = rows[year_2025["water"].pk]  # 差 in a department graded poor: suspended
    assert (water.action, water.recommended_amount) == ("suspend", D("0.00"))
    flag = rows[year_2025["no_targets"].pk]
    assert flag.kind == "flag" and flag.flag_reason == "no_targets" and flag.recommended_amount is None
    assert rows[year_2025["unevaluated"].pk].flag_reason == "not_evaluated"
    assert AuditEvent.objects.filter(action="budgets.recommendation.generated").exists()


def test_without_department_grades_the_none_column_applies(users, year_2025, monkeypatch):
    from budgets import selectors

    monkeypatch.setattr(selectors, "department_grades", lambda *, year: None)
    services.recommendations_generate(year=2026, actor=users["finance"])
    edu = Recommendation.objects.get(project=year_2025["edu"])
    assert edu.department_grade_column == "none" and edu.department_grade == ""
    assert edu.action == "priority" and edu.percent == D("10.00")


def test_override_keeps_the_original_beside_the_new_value_and_the_reason(client_for, users, year_2025):
    services.recommendations_generate(year=2026, actor=users["finance"], department_grades={})
    row = Recommendation.objects.get(project=year_2025["water"])  # 差: cut 50 % → 400,000.00
    assert row.recommended_amount == D("400000.00")
    url = reverse("budgets:recommendation_decide", args=[row.pk])
    finance = client_for("finance")
    response = finance.post(url, {"decision": "override", "final_action": "cut", "final_amount": "600000"})
    assert response.status_code == 400  # no reason
    assert "reason" in response.context["decide_form"].errors
    response = finance.post(
        url,
        {
            "decision": "override",
            "final_action": "cut",
            "final_amount": "600000",
            "reason": "列入市级民生实事,压减 25%。",
            "version": row.version,
        },
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.status == "overridden"
    assert (row.action, row.percent, row.recommended_amount) == ("cut", D("-50.00"), D("400000.00"))  # kept
    assert (row.final_action, row.final_amount, row.reason) == ("cut", D("600000.00"), "列入市级民生实事,压减 25%。")
    assert row.effective_amount == D("600000.00")
    event = AuditEvent.objects.get(action="budgets.recommendation.overridden")
    assert event.before["status"] == "proposed" and event.after["final_amount"] == "600000.00"
    html = client_for("leader").get(reverse("budgets:recommendation_list") + "?year=2026").content.decode()
    assert "列入市级民生实事" in html
    assert money_units(html) == {"元"}  # the departments' table and the projects' table in one unit

    # Regenerating leaves the decision alone.
    counts = services.recommendations_generate(year=2026, actor=users["finance"], department_grades={})
    assert counts["kept"] == 1
    row.refresh_from_db()
    assert row.status == "overridden" and row.final_amount == D("600000.00")


def test_accept_copies_the_recommendation(users, year_2025):
    services.recommendations_generate(year=2026, actor=users["finance"], department_grades={})
    row = Recommendation.objects.get(project=year_2025["edu"])
    row = services.recommendation_decide(recommendation=row, actor=users["finance"], decision="accept")
    assert row.status == "accepted" and row.final_amount == row.recommended_amount == D("2635930.00")
    assert AuditEvent.objects.filter(action="budgets.recommendation.accepted").exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"final_action": "", "final_amount": "1", "reason": "r"}, "final_action"),
        ({"final_action": "cut", "final_amount": None, "reason": "r"}, "final_amount"),
        ({"final_action": "cut", "final_amount": "-1", "reason": "r"}, "final_amount"),
        ({"final_action": "cut", "final_amount": "1", "reason": "x" * 2001}, "reason"),
    ],
)
def test_override_field_errors(users, year_2025, data, field):
    services.recommendations_generate(year=2026, actor=users["finance"], department_grades={})
    row = Recommendation.objects.get(project=year_2025["edu"])
    with pytest.raises(ApplicationError) as exc:
        services.recommendation_decide(recommendation=row, actor=users["finance"], decision="override", **data)
    assert field in exc.value.errors
    row.refresh_from_db()
    assert row.status == "proposed"


def test_table_by_department_and_xlsx_export(client_for, users, departments, year_2025):
    services.recommendations_generate(year=2026, actor=users["finance"], department_grades={})
    water_row = Recommendation.objects.get(project=year_2025["water"])
    services.recommendation_decide(
        recommendation=water_row,
        actor=users["finance"],
        decision="override",
        final_action="cut",
        final_amount=D("600000"),
        reason="r",
    )
    from budgets.selectors import recommendation_summary

    summary = {r["department"].code: r for r in recommendation_summary(year=2026)}
    assert summary["water"]["base"] == D("800000.00")  # the flagged project is counted apart
    assert summary["water"]["recommended"] == D("400000.00")
    assert summary["water"]["decided"] == D("600000.00")
    assert summary["water"]["flags"] == 1 and summary["water"]["flagged_amount"] == D("300000.00")
    assert summary["edu"]["decided"] == D("2635930.00")

    response = client_for("finance").get(reverse("budgets:recommendation_export") + "?year=2026")
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    sheet = wb.worksheets[0]
    rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["水利局"][4] == 60  # 600,000 yuan after decisions = 60.00 万元
    assert len(list(wb.worksheets[1].iter_rows(min_row=2))) == 5


def test_page_says_when_department_grades_are_not_available(client_for, users, year_2025, monkeypatch):
    from budgets import selectors

    monkeypatch.setattr(selectors, "department_grades", lambda *, year: None)
    html = client_for("finance").get(reverse("budgets:recommendation_list") + "?year=2026").content.decode()
    assert "department-grades-unavailable" in html


def test_generate_from_the_page(client_for, users, year_2025, monkeypatch):
    from budgets import selectors

    monkeypatch.setattr(selectors, "department_grades", lambda *, year: {})
    response = client_for("finance").post(reverse("budgets:recommendation_generate"), {"year": 2026})
    assert response.status_code == 302
    assert Recommendation.objects.filter(year=2026).count() == 5
    assert BudgetProject.objects.filter(year=2025).count() == 5
