"""Reporting health: coloured states linked to each report, filters, an xlsx export, and 催报."""

import datetime as dt
import io
import re

import pytest
from openpyxl import load_workbook

from assessments import services
from audit.models import AuditEvent
from core.errors import ApplicationError
from notifications.models import Notification

from .test_reports import fill, report  # noqa: F401  (the report fixture)


@pytest.fixture
def submitted(report, users):  # noqa: F811
    fill(report, users["filer"])
    services.report_submit(report=report, actor=users["filer"])
    return report


def test_each_state_is_coloured_and_links_to_its_report(submitted, client_for):
    html = client_for("supervisor").get("/assessments/health/?year=2026").content.decode()
    # 教育局's Q3 report was submitted on time: a green cell that opens the report
    assert re.search(rf'<td class="pg-health-on_time">\s*<a href="/assessments/reports/{submitted.pk}/">', html)
    assert "pg-health-missing" in html  # Q2, filed by nobody


def test_filters_keep_one_group_and_one_state(submitted, client_for):
    client = client_for("supervisor")
    html = client.get("/assessments/health/", {"year": 2026, "group": "urban"}).content.decode()
    assert "水利局" in html and "教育局" not in html
    html = client.get("/assessments/health/", {"year": 2026, "state": "on_time"}).content.decode()
    assert "教育局" in html and "水利局" not in html and "卫生健康委" not in html


def test_the_export_is_the_filtered_table(submitted, client_for):
    response = client_for("supervisor").get("/assessments/health/", {"year": 2026, "group": "social", "format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0][:3] == ("部门", "考核分组", "Q1")
    by_name = {r[0]: r for r in rows[1:]}
    assert set(by_name) == {"教育局", "卫生健康委"}
    assert by_name["教育局"][4] == "按时" and by_name["卫生健康委"][4] == "尚未报送"


def test_urging_notifies_the_chosen_departments_once_a_day(submitted, q3, users, departments, client_for):
    client = client_for("supervisor")
    water, health, edu = departments["water"], departments["health"], departments["edu"]
    response = client.post("/assessments/health/urge/", {"quarter": q3.pk, "departments": [water.pk, edu.pk]})
    assert response.status_code == 302
    # 水利局 has not submitted: its filer is reminded; 教育局 has submitted: nobody there is
    note = Notification.objects.get(user=users["filer2"], kind="report.urged")
    assert "2026 Q3" in note.title and note.link == "/assessments/report/2026/3/"
    assert not Notification.objects.filter(user=users["filer"], kind="report.urged").exists()
    event = AuditEvent.objects.get(action="assessments.report.urged")
    assert event.data["departments"] == ["water"] and event.actor_id == users["supervisor"].pk
    # the filer sees it in the notification centre
    assert "督查室催报" in client_for("filer2").get("/notifications/").content.decode()
    # the same day again: refused, nothing sent twice, the reason shown once
    page = client.post(
        "/assessments/health/urge/", {"quarter": q3.pk, "departments": [water.pk]}, follow=True
    ).content.decode()
    assert page.count("今天已催报过") == 1
    assert Notification.objects.filter(user=users["filer2"], kind="report.urged").count() == 1
    # a department not yet reminded today still can be, and nothing but a choice is accepted
    assert services.reports_urge(quarter=q3, department_ids=[health.pk], actor=users["supervisor"])
    with pytest.raises(ApplicationError):
        services.reports_urge(quarter=q3, department_ids=[], actor=users["supervisor"])


def test_urging_again_the_next_day_is_allowed(submitted, q3, users, departments, freeze):
    water = departments["water"]
    services.reports_urge(quarter=q3, department_ids=[water.pk], actor=users["supervisor"])
    freeze(dt.date(2026, 10, 6))
    services.reports_urge(quarter=q3, department_ids=[water.pk], actor=users["supervisor"])
    assert Notification.objects.filter(user=users["filer2"], kind="report.urged").count() == 2


def test_only_the_supervision_office_urges(q3, departments, client_for):
    response = client_for("leader").post(
        "/assessments/health/urge/", {"quarter": q3.pk, "departments": [departments["water"].pk]}
    )
    assert response.status_code == 403
    assert not Notification.objects.filter(kind="report.urged").exists()
