"""The working calendar over the API: read by every signed-in user, written by the system
administrator with the administration site's checks, audited, stale versions refused."""

import datetime as dt

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from core.roles import BUSINESS_ROLES, Role
from monitoring.models import CalendarDay

pytestmark = pytest.mark.django_db
LIST = "monitoring-calendar-list"


@pytest.fixture
def days(db):
    return {
        "national": CalendarDay.objects.create(date=dt.date(2026, 10, 1), kind="holiday", name="国庆节"),
        "makeup": CalendarDay.objects.create(date=dt.date(2026, 9, 27), kind="workday", name="国庆调休"),  # Sunday
        "old": CalendarDay.objects.create(date=dt.date(2025, 10, 1), kind="holiday", name="国庆节"),
    }


@pytest.mark.parametrize("role", sorted(BUSINESS_ROLES))
def test_every_business_role_reads_the_year(days, api_for, role):
    r = api_for(role).get(reverse(LIST) + "?year=2026")
    assert r.status_code == 200
    rows = r.json()["results"]
    assert [(d["date"], d["kind"]) for d in rows] == [("2026-09-27", "workday"), ("2026-10-01", "holiday")]


@pytest.mark.parametrize("role", sorted(set(Role) - BUSINESS_ROLES))
def test_the_security_and_audit_administrators_read_no_calendar(days, api_for, role):
    assert api_for(role).get(reverse(LIST) + "?year=2026").status_code == 403
    assert api_for(role).get(reverse("monitoring-calendar-deadline") + "?start=2026-09-30&days=1").status_code == 403


def test_anonymous_reads_nothing(days, api_for):
    assert api_for(None).get(reverse(LIST)).status_code == 401


def test_the_deadline_and_working_days_helpers(days, api_for):
    api = api_for("filer")
    # From Wednesday 30 September 2026: Thursday 1 October is a holiday; Friday 2 is a working day.
    r = api.get(reverse("monitoring-calendar-deadline") + "?start=2026-09-30&days=1")
    assert r.status_code == 200 and r.json()["deadline"] == "2026-10-02"
    # From Friday 25 September: Sunday 27 is a make-up working day.
    assert api.get(reverse("monitoring-calendar-deadline") + "?start=2026-09-25&days=1").json()["deadline"] == (
        "2026-09-27"
    )
    r = api.get(reverse("monitoring-calendar-working-days") + "?start=2026-09-25&end=2026-10-02")
    # 27 (make-up), 28, 29, 30 September and 2 October; the 1st is a holiday, the 26th a Saturday.
    assert r.json()["working_days"] == 5
    bad = api.get(reverse("monitoring-calendar-deadline") + "?start=2026-13-01&days=-1")
    assert bad.status_code == 400 and {"start", "days"} <= set(bad.json()["errors"])


def test_the_administrator_writes_with_the_sites_checks_and_audit(days, api_for, users):
    admin = api_for("admin")
    r = admin.post(reverse(LIST), {"date": "2026-10-02", "kind": "holiday", "name": "国庆节"}, format="json")
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    event = AuditEvent.objects.get(action="monitoring.calendar.added")
    assert event.actor == users["admin"] and event.after["name"] == "国庆节"
    # The same date twice, a make-up working day on a weekday, no name: field errors.
    dup = admin.post(reverse(LIST), {"date": "2026-10-02", "kind": "holiday", "name": "x"}, format="json")
    assert dup.status_code == 400 and "date" in dup.json()["errors"]
    weekday = admin.post(reverse(LIST), {"date": "2026-10-09", "kind": "workday", "name": "调休"}, format="json")
    assert weekday.status_code == 400 and "kind" in weekday.json()["errors"]
    assert (
        admin.post(reverse(LIST), {"date": "2026-10-10", "kind": "workday", "name": ""}, format="json").status_code
        == 400
    )
    assert (
        admin.post(reverse(LIST), {"date": "2026-10-10", "kind": "workday", "name": "调休"}, format="json").status_code
        == 201
    )
    detail = reverse("monitoring-calendar-detail", args=[pk])
    stale = admin.patch(detail, {"name": "国庆假期", "version": 7}, format="json")
    assert stale.status_code == 409
    ok = admin.patch(detail, {"name": "国庆假期", "version": 1}, format="json")
    assert ok.status_code == 200 and ok.json()["version"] == 2
    changed = AuditEvent.objects.get(action="monitoring.calendar.changed")
    assert (changed.before["name"], changed.after["name"]) == ("国庆节", "国庆假期")
    assert admin.delete(detail).status_code == 204
    assert AuditEvent.objects.filter(action="monitoring.calendar.removed").count() == 1
    assert not CalendarDay.objects.filter(pk=pk).exists()


@pytest.mark.parametrize("role", ["filer", "finance", "supervisor", "security_admin", "api_client"])
def test_others_do_not_write(days, api_for, role):
    api = api_for(role)
    assert (
        api.post(reverse(LIST), {"date": "2026-10-02", "kind": "holiday", "name": "x"}, format="json").status_code
        == 403
    )
    detail = reverse("monitoring-calendar-detail", args=[days["national"].pk])
    assert api.delete(detail).status_code == 403
    assert CalendarDay.objects.count() == 3


def test_the_administration_site_saves_through_the_same_checks_and_audit(days, client_for):
    admin = client_for("admin")
    url = reverse("admin:monitoring_calendarday_add")
    r = admin.post(url, {"date": "2026-10-08", "kind": "workday", "name": "调休"})  # a Thursday
    assert r.status_code == 200 and not CalendarDay.objects.filter(date=dt.date(2026, 10, 8)).exists()
    r = admin.post(url, {"date": "2026-10-10", "kind": "workday", "name": "调休"})  # a Saturday
    assert r.status_code == 302
    assert AuditEvent.objects.filter(action="monitoring.calendar.added").count() == 1
