"""Execution monitoring from the database: spending, linked targets' reported progress, scope, page and API."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.urls import reverse

from assessments.models import Assignment, Entry, Plan, Quarter, Report
from budgets.models import BudgetTarget, SpendingRecord
from monitoring import selectors
from monitoring.models import MonitoringSchedule
from tests.budgets.factories import approved_project
from tests.factories import IndicatorFactory, LibraryFactory

pytestmark = pytest.mark.django_db
ON = dt.date(2026, 6, 30)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: ON)


def spend(project, amount, day=dt.date(2026, 5, 10)):
    SpendingRecord.objects.create(project=project, date=day, amount=D(amount), recorded_by=None)


@pytest.fixture
def world(departments, users):
    edu, water = departments["edu"], departments["water"]
    lib = LibraryFactory(year=2026)
    ind_a, ind_b = IndicatorFactory(library=lib), IndicatorFactory(library=lib)
    plan = Plan.objects.create(year=2026, library=lib)
    q1 = Quarter.objects.create(plan=plan, number=1, deadline=dt.date(2026, 4, 10))
    q2 = Quarter.objects.create(plan=plan, number=2, deadline=dt.date(2026, 7, 10))
    a = Assignment.objects.create(plan=plan, department=edu, indicator=ind_a)
    b = Assignment.objects.create(plan=plan, department=edu, indicator=ind_b)
    r1 = Report.objects.create(quarter=q1, department=edu, status="approved")
    Entry.objects.create(report=r1, assignment=a, progress_pct=D("60"))
    Entry.objects.create(report=r1, assignment=b, progress_pct=D("45"))
    # Q2's deadline lies after ON: its figures do not count yet.
    r2 = Report.objects.create(quarter=q2, department=edu, status="submitted")
    Entry.objects.create(report=r2, assignment=a, progress_pct=D("99"))
    linked = approved_project(edu, amount="1000000.00", code="EDU-1", name="校舍维修")
    first = linked.targets.all()[0]
    second = linked.targets.all()[1]
    BudgetTarget.objects.filter(pk=first.pk).update(indicator=ind_a)
    BudgetTarget.objects.filter(pk=second.pk).update(indicator=ind_b)
    spend(linked, "400000.00")  # 40.00 %: meets the June threshold; completion (60+45)/2 = 52.50: gap 12.50
    plain = approved_project(edu, amount="500000.00", code="EDU-2", name="教师培训")
    spend(plain, "199500.00")  # 39.90 %: below 40, no linked target
    other = approved_project(water, amount="800000.00", code="WAT-1", name="河道整治")
    spend(other, "320000.00")  # 40.00 %: green
    return {"linked": linked, "plain": plain, "other": other}


def test_rows_compute_execution_completion_gap_and_colour(world, users):
    rows, depts = selectors.monitoring_rows(user=users["finance"], year=2026, on=ON)
    by_code = {r.project.code: r.result for r in rows}
    assert by_code["EDU-1"].execution_rate == D("40.00")
    assert by_code["EDU-1"].completion_rate == D("52.50")
    assert by_code["EDU-1"].gap == D("12.50") and by_code["EDU-1"].colour == "yellow"
    assert by_code["EDU-2"].below_threshold and by_code["EDU-2"].completion_rate is None
    assert by_code["WAT-1"].colour == "green"
    dept = {d.department.code: d for d in depts}
    # 教育局: (400000 + 199500) / 1500000 = 39.966.. → 39.97 % < 40; completion 52.50 → gap 12.53
    assert dept["edu"].result.execution_rate == D("39.97")
    assert dept["edu"].result.gap == D("12.53")
    assert dept["edu"].result.colour == "red"
    assert dept["water"].result.colour == "green"


def test_the_year_schedule_is_used(world, users):
    MonitoringSchedule.objects.create(year=2026, checkpoints=[[6, 30, "39.90"]], gap_points=D("13"))
    rows, _ = selectors.monitoring_rows(user=users["finance"], year=2026, on=ON)
    by_code = {r.project.code: r.result for r in rows}
    assert by_code["EDU-2"].below_threshold is False  # 39.90 meets 39.90
    assert by_code["EDU-1"].gap_exceeded is False  # 12.50 ≤ 13


def test_a_department_sees_only_its_own_projects(world, users, client_for, api_for):
    rows, depts = selectors.monitoring_rows(user=users["filer2"], year=2026, on=ON)
    assert [r.project.code for r in rows] == ["WAT-1"] and [d.department.code for d in depts] == ["water"]
    page = client_for("filer2").get(reverse("monitoring:execution"), {"year": 2026})
    assert page.status_code == 200
    assert "河道整治" in page.content.decode() and "校舍维修" not in page.content.decode()
    data = api_for("filer2").get("/api/v1/monitoring/execution/", {"year": 2026}).json()
    assert [p["project_code"] for p in data["projects"]] == ["WAT-1"]


def test_finance_page_and_api_show_the_colours(world, client_for, api_for):
    page = client_for("finance").get(reverse("monitoring:execution"), {"year": 2026})
    html = page.content.decode()
    assert page.status_code == 200 and "校舍维修" in html and "pg-status-at_risk" in html
    resp = api_for("finance").get("/api/v1/monitoring/execution/", {"year": 2026, "on": "2026-06-30"})
    assert resp.status_code == 200
    projects = {p["project_code"]: p for p in resp.json()["projects"]}
    assert projects["EDU-1"]["gap"] == "12.50" and projects["EDU-1"]["gap_exceeded"] is True
    assert projects["EDU-2"]["colour"] == "yellow" and projects["EDU-2"]["checkpoint_threshold"] == "40.00"


def test_bad_api_parameters_name_the_field(world, api_for):
    resp = api_for("finance").get("/api/v1/monitoring/execution/", {"year": "20x6", "on": "2026-13-01"})
    assert resp.status_code == 400 and set(resp.json()) == {"year", "on"}


def test_a_bad_schedule_is_refused_with_a_field_error():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        MonitoringSchedule(year=2026, checkpoints=[[2, 30, "25"]]).full_clean()
    assert "checkpoints" in exc.value.message_dict


def test_queries_do_not_grow_with_projects(world, users, django_assert_max_num_queries, departments):
    for i in range(10):
        spend(approved_project(departments["health"], amount="100000.00", code=f"H-{i}"), "1000.00")
    with django_assert_max_num_queries(4):
        rows, _ = selectors.monitoring_rows(user=users["finance"], year=2026, on=ON)
    assert len(rows) == 13


def test_leader_dashboard_summary_counts_departments_by_colour(world, users):
    from django.template import Context, Template

    html = Template("{% load monitoring %}{% monitoring_summary user 2026 %}").render(
        Context({"user": users["leader"]})
    )
    # 教育局 red, 水利局 green
    import re

    assert re.search(r'pg-status-at_risk">[^<]* 1<', html) and re.search(r'pg-status-on_track">[^<]* 1<', html)
    assert re.search(r'pg-status-behind">[^<]* 0<', html)
    assert 'pg-status-at_risk">' in html and "教育局" in html and "水利局" not in html.split("<ul")[1]
    assert (
        Template("{% load monitoring %}{% monitoring_summary user 2026 %}")
        .render(Context({"user": users["auditor"]}))
        .strip()
        == ""
    )
