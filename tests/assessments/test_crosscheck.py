"""Satisfaction beside objective indicators, for the reviewer's cross-check."""

import datetime as dt
from decimal import Decimal as D

import pytest

from assessments import services
from assessments.selectors import crosscheck

from .test_reports import fill


@pytest.fixture
def approved(plan, q3, users, departments, freeze):
    freeze(dt.date(2026, 10, 9))
    report = services.report_open(quarter=q3, department=departments["edu"])
    fill(report, users["filer"], roads={"actual_value": "320"})  # beyond the annual 300: met
    services.report_submit(report=report, actor=users["filer"])
    services.report_approve(report=report, actor=users["supervisor"])
    return report


def test_objective_indicators_with_their_approved_values(plan, approved):
    data = crosscheck(plan=plan)
    edu = next(r for r in data["rows"] if r["department"].code == "edu")
    roads = next(i for i in edu["indicators"] if i["assignment"].indicator.code == "roads")
    assert roads["actual"] == D(320) and roads["met"] is True and roads["quarter"] == 3
    assert edu["reported"] == 2 and edu["met"] == 2  # roads 320 ≥ 300, rate 95 ≥ 90
    water = next(r for r in data["rows"] if r["department"].code == "water")
    assert water["reported"] == 0 and water["flag"] == ""
    assert data["survey"] is None  # no survey in this year


def test_the_page_for_reviewers_only(plan, approved, client_for):
    page = client_for("supervisor").get("/assessments/crosscheck/?year=2026&department=edu")
    assert page.status_code == 200
    assert "农村公路里程" in page.content.decode()
    assert client_for("leader").get("/assessments/crosscheck/").status_code == 200
    assert client_for("filer").get("/assessments/crosscheck/").status_code == 403
    assert client_for("surveyor").get("/assessments/crosscheck/").status_code == 403


@pytest.mark.parametrize(
    ("rate", "n", "flag"),
    [
        ("92", 200, ""),  # satisfied and targets met: consistent
        ("70", 200, "facts_above_perception"),  # targets met, residents less satisfied
        ("70", 5, ""),  # too few answers to say anything
    ],
)
def test_flags_compare_perception_with_facts(plan, approved, monkeypatch, rate, n, flag):
    import satisfaction.selectors as sat
    from satisfaction.stats import Estimate

    monkeypatch.setattr(sat, "department_estimates", lambda *, year: ("survey", {"edu": Estimate(n=n, rate=D(rate))}))
    edu = next(r for r in crosscheck(plan=plan)["rows"] if r["department"].code == "edu")
    assert edu["flag"] == flag


def test_perception_above_facts(plan, q3, users, departments, freeze, monkeypatch):
    import satisfaction.selectors as sat
    from satisfaction.stats import Estimate

    freeze(dt.date(2026, 10, 9))
    report = services.report_open(quarter=q3, department=departments["edu"])
    fill(
        report,
        users["filer"],
        roads={"actual_value": "100", "explanation": "滞后"},
        rate={"actual_value": "80", "explanation": "滞后"},
    )
    services.report_submit(report=report, actor=users["filer"])
    services.report_approve(report=report, actor=users["supervisor"])
    monkeypatch.setattr(sat, "department_estimates", lambda *, year: ("survey", {"edu": Estimate(n=300, rate=D("95"))}))
    edu = next(r for r in crosscheck(plan=plan)["rows"] if r["department"].code == "edu")
    assert (edu["met"], edu["reported"], edu["flag"]) == (0, 2, "perception_above_facts")
