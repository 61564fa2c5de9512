"""The monitoring lists' query parameters (monitoring.api.filters): warnings by year, status and
department within the caller's department; calendar days by year and kind. A year that is not a
whole number answers 400 on ``year``; a status or kind that does not exist filters nothing."""

import datetime as dt

import pytest

from monitoring.models import CalendarDay, MonitoringWarning
from tests.budgets.factories import ProjectFactory

pytestmark = pytest.mark.django_db
WARNINGS = "/api/v1/monitoring/warnings/"
CALENDAR = "/api/v1/monitoring/calendar/"


@pytest.fixture
def warnings(departments):
    def warning(department, year, status):
        project = ProjectFactory(department=department, year=year, status="approved")
        return MonitoringWarning.objects.create(
            project=project,
            department=department,
            year=year,
            checkpoint=dt.date(year, 6, 30),
            kind="execution",
            issued_on=dt.date(year, 7, 1),
            respond_by=dt.date(year, 7, 15),
            status=status,
        )

    edu, water = departments["edu"], departments["water"]
    return {
        "edu_open": warning(edu, 2026, "open"),
        "edu_old": warning(edu, 2025, "responded"),
        "water_open": warning(water, 2026, "open"),
    }


def _ids(client, path, **params):
    response = client.get(path, params)
    assert response.status_code == 200, response.content
    return sorted(r["id"] for r in response.json()["results"])


def test_warnings_are_narrowed_by_year_status_and_department(api_for, warnings):
    w = {name: warning.pk for name, warning in warnings.items()}
    finance = api_for("finance")
    assert _ids(finance, WARNINGS) == sorted(w.values())
    assert _ids(finance, WARNINGS, year="2025") == [w["edu_old"]]
    assert _ids(finance, WARNINGS, status="open") == sorted([w["edu_open"], w["water_open"]])
    assert _ids(finance, WARNINGS, department="water") == [w["water_open"]]
    assert _ids(finance, WARNINGS, year="2026", status="open", department="edu") == [w["edu_open"]]
    # A status that does not exist, or empty parameters, filter nothing.
    assert _ids(finance, WARNINGS, status="nonsense") == sorted(w.values())
    assert _ids(finance, WARNINGS, year="", status="", department="") == sorted(w.values())


def test_a_department_sees_its_own_warnings_whatever_the_filters(api_for, warnings):
    filer = api_for("filer")  # 教育局
    assert _ids(filer, WARNINGS) == sorted([warnings["edu_open"].pk, warnings["edu_old"].pk])
    assert _ids(filer, WARNINGS, department="water") == []


def test_a_warning_year_that_is_not_a_whole_number_is_a_400_on_the_field(api_for, warnings):
    response = api_for("finance").get(WARNINGS, {"year": "2026x"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["errors"] == {"year": ["Enter a whole number."]}


@pytest.fixture
def days(db):
    return [
        CalendarDay.objects.create(date=dt.date(2026, 10, 1), kind="holiday", name="国庆节"),
        CalendarDay.objects.create(date=dt.date(2026, 9, 27), kind="workday", name="国庆调休"),
        CalendarDay.objects.create(date=dt.date(2025, 10, 1), kind="holiday", name="国庆节"),
    ]


def _dates(client, **params):
    response = client.get(CALENDAR, params)
    assert response.status_code == 200, response.content
    return [r["date"] for r in response.json()["results"]]


def test_calendar_days_are_narrowed_by_year_and_kind(api_for, days):
    reader = api_for("supervisor")
    assert _dates(reader) == ["2025-10-01", "2026-09-27", "2026-10-01"]
    assert _dates(reader, year="2026") == ["2026-09-27", "2026-10-01"]
    assert _dates(reader, kind="holiday") == ["2025-10-01", "2026-10-01"]
    assert _dates(reader, year="2026", kind="workday") == ["2026-09-27"]
    assert _dates(reader, kind="nonsense") == _dates(reader, year="", kind="") == _dates(reader)


@pytest.mark.parametrize(
    ("year", "message"),
    [("abc", "Enter a whole number."), ("1999", "Give a year between 2000 and 2100."), ("99999", None)],
)
def test_a_calendar_year_outside_2000_to_2100_is_a_400_on_the_field(api_for, days, year, message):
    response = api_for("supervisor").get(CALENDAR, {"year": year}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["errors"] == {"year": [message or "Give a year between 2000 and 2100."]}
