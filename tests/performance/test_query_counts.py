"""Query-count guards: a page, an API list or a job runs as many queries for 30 departments (or 60
assignments) as for 3 (or 6). A query per row would make the counts differ and fail the test
(the batches of one bulk insert count once, see ``statements``).

The timings themselves are measured by ``make bench`` on city-sized data, never here.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments import jobs
from assessments.models import Report
from assessments.recompute import process_recompute_requests
from assessments.services.publication import scores_publish

from .factories import YEAR, add_departments, build_year, fill, scored
from .queries import statements

pytestmark = pytest.mark.django_db


def count(fn) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as ctx:
        result = fn()
    return statements(ctx.captured_queries), result


def get(client, url) -> tuple[int, object]:
    n, response = count(lambda: client.get(url))
    assert response.status_code == 200, (url, response.status_code)
    return n, response


@pytest.fixture
def year(departments, users):
    plan = build_year(supervisor=users["supervisor"])
    fill(plan)
    return scored(plan)


def grow(plan, users, n=27):
    # In the other ranking group than 教育局's, so its rank among its own group does not change.
    add_departments(plan, n, supervisor=users["supervisor"], group="urban")
    fill(plan)
    return scored(plan)


# --- Pages and the API ------------------------------------------------------------------------


def _draft_report(plan, department):
    """The department's Q3 report (a draft), with Q3 reopened so the filer gets the editable form."""
    q3 = plan.quarters.get(number=3)
    q3.reopened_until = timezone.localdate() + dt.timedelta(days=30)
    q3.save(update_fields=["reopened_until"])
    return Report.objects.get(quarter=q3, department=department)


def test_filers_report_form_costs_the_same_for_6_and_60_assignments(departments, users, client_for):
    small = build_year(supervisor=users["supervisor"], indicators=6)
    fill(small)
    report = _draft_report(small, departments["edu"])
    client = client_for("filer")
    client.get(f"/assessments/reports/{report.pk}/")
    few, response = get(client, f"/assessments/reports/{report.pk}/")
    assert response.content.count(b'class="pg-card pg-entry"') == 6
    assert b"<form" in response.content  # the editable form, not the read-only view

    # Another year with ten times the indicators, the same filer and the same kind of report.
    large = build_year(supervisor=users["supervisor"], indicators=60, year=YEAR + 1)
    fill(large)
    report = _draft_report(large, departments["edu"])
    many, response = get(client, f"/assessments/reports/{report.pk}/")
    assert response.content.count(b'class="pg-card pg-entry"') == 60
    assert many == few
    assert few <= 12  # bench/README.md: the filer's report page in at most 12 queries


def test_scores_list_api_costs_the_same_for_3_and_30_departments(year, users, api_for):
    api = api_for("api_client")
    url = f"/api/v1/scores/?year={YEAR}&period=annual&page_size=200"
    few, response = get(api, url)
    assert response.json()["count"] == 3
    grow(year, users)
    many, response = get(api, url)
    assert response.json()["count"] == 30
    assert many == few


def test_review_queue_costs_the_same_for_3_and_30_departments(year, users, client_for):
    client = client_for("supervisor")
    q2 = year.quarters.get(number=2)
    url = f"/assessments/review/?year={YEAR}&quarter={q2.pk}"
    client.get(url)
    few, response = get(client, url)
    assert response.content.count(b"/assessments/reports/") >= 3
    grow(year, users)
    many, response = get(client, url)
    assert response.content.count(b"/assessments/reports/") >= 30
    assert many == few


def test_reporting_health_costs_the_same_for_3_and_30_departments(year, users, client_for, api_for):
    client, api = client_for("supervisor"), api_for("supervisor")
    client.get(f"/assessments/health/?year={YEAR}")
    few_page, _r = get(client, f"/assessments/health/?year={YEAR}")
    few_api, response = get(api, f"/api/v1/reporting-health/?year={YEAR}")
    assert len(response.json()["departments"]) == 3
    grow(year, users)
    many_page, _r = get(client, f"/assessments/health/?year={YEAR}")
    many_api, response = get(api, f"/api/v1/reporting-health/?year={YEAR}")
    assert len(response.json()["departments"]) == 30
    assert (many_page, many_api) == (few_page, few_api)


def test_leader_dashboard_costs_the_same_for_3_and_30_departments(year, users, client_for):
    client = client_for("leader")
    url = f"/dashboards/?year={YEAR}&period=annual"
    client.get(url)
    few, _response = get(client, url)
    grow(year, users)
    many, response = get(client, url)
    assert "更多部门" in response.content.decode()
    assert many == few


def test_public_disclosure_page_costs_the_same_for_3_and_30_departments(year, users, client):
    process_recompute_requests(plan_id=year.pk)
    scores_publish(plan=year, period="annual", actor=users["supervisor"], waiver="测试:数据不完整,先行公布。")
    cache.clear()  # the public page is cached: count building it
    few, _response = get(client, f"/public/{YEAR}/")
    grow(year, users)
    cache.clear()
    many, response = get(client, f"/public/{YEAR}/")
    assert "更多部门" in response.content.decode()
    assert many == few


# --- Jobs --------------------------------------------------------------------------------------

JOBS = [
    ("reminders", jobs.send_deadline_reminders, dt.date(YEAR, 10, 8)),
    ("overdue", jobs.send_overdue_alerts, dt.date(YEAR + 1, 2, 1)),
    ("lag", jobs.send_lag_warnings, dt.date(YEAR + 1, 2, 1)),
]


def run_job(fn, today) -> tuple[int, int]:
    """One run of the job, rolled back afterwards so each run finds the same work to do."""
    with transaction.atomic():
        n, sent = count(lambda: fn(today=today))
        transaction.set_rollback(True)
    return n, sent


@pytest.mark.parametrize("name, job, today", JOBS, ids=[j[0] for j in JOBS])
def test_monitoring_jobs_run_the_same_queries_for_3_and_30_departments(year, users, name, job, today):
    few, sent_few = run_job(job, today)
    grow(year, users)
    many, sent_many = run_job(job, today)
    assert sent_many > sent_few > 0  # more departments, more alerts: the work did grow
    assert many == few


# --- Recomputation ----------------------------------------------------------------------------


def test_recomputing_every_score_runs_the_same_queries_for_3_and_30_departments(year, users):
    from assessments.models import LedgerLine, Score

    def from_scratch():
        LedgerLine.objects.filter(score__plan=year).delete()
        Score.objects.filter(plan=year).delete()
        return count(lambda: scored(year))

    few, _plan = from_scratch()
    unchanged_few, _n = count(lambda: scored(year))
    grow(year, users)
    many, _plan = from_scratch()
    unchanged_many, _n = count(lambda: scored(year))
    assert Score.objects.filter(plan=year, period="annual").count() == 30
    assert many == few
    assert unchanged_many == unchanged_few


def test_recomputing_one_department_runs_the_same_queries_for_3_and_30_departments(year, users, departments):
    from assessments.models import Entry
    from assessments.recompute import recompute

    edu = departments["edu"]

    def change_and_recompute(factor):
        entry = Entry.objects.filter(
            report__department=edu, report__status="approved", assignment__indicator__method="proportional"
        ).first()
        Entry.objects.filter(pk=entry.pk).update(actual_value=entry.actual_value * factor)
        return count(lambda: recompute(plan=year, department_ids=[edu.pk]))

    # Up first (教育局 passes 卫生健康委, whose rank moves), then far down (they swap back): both
    # runs rewrite 教育局's score of the quarter whose value changed and move its group
    # neighbour's rank (no other period uses that quarter's value).
    few, written_few = change_and_recompute(2)
    grow(year, users)
    scored(year)
    many, written_many = change_and_recompute(D("0.1"))
    assert written_few == written_many >= 2
    assert many == few
