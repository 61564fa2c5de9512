"""The periodic quota check (also a management command) and the demo data."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from audit.models import AuditEvent
from notifications.models import Notification
from perfgov.celery import app
from satisfaction import services, tasks
from satisfaction.models import Survey
from tests.factories import RegionFactory

from .factories import SurveyFactory, SurveyRegionFactory


@pytest.fixture
def survey(users):
    s = SurveyFactory(code="s2026", title="满意度调查")
    SurveyRegionFactory(survey=s, region=RegionFactory(code="east", name="东区"), quota=2, received=2)
    SurveyRegionFactory(survey=s, region=RegionFactory(code="west", name="西区"), quota=5, received=1)
    return s


def alerts(kind):
    return Notification.objects.filter(kind=kind)


def test_a_full_region_is_announced_once_to_surveyors_and_supervisors(survey, users):
    assert services.quota_check() == {"closed": 0, "alerts": 1}
    sent = alerts("satisfaction.quota_reached")
    assert {n.user.username for n in sent} == {"surveyor", "supervisor"}
    assert "东区" in sent.first().title
    assert sent.first().link == f"/satisfaction/{survey.pk}/quota/"
    assert services.quota_check() == {"closed": 0, "alerts": 0}
    assert alerts("satisfaction.quota_reached").count() == 2


def test_a_survey_past_its_date_is_closed_and_regions_short_are_reported(survey, users):
    Survey.objects.filter(pk=survey.pk).update(closes_on=timezone.localdate() - dt.timedelta(days=1))
    result = services.quota_check()
    assert result == {"closed": 1, "alerts": 1}
    survey.refresh_from_db()
    assert survey.status == "closed"
    event = AuditEvent.objects.get(action="satisfaction.survey.closed", object_id=str(survey.pk))
    assert event.actor is None and event.data["automatic"] is True
    short = alerts("satisfaction.closed_short")
    assert short.count() == 2 and "西区: 1 / 5" in short.first().body and "东区" not in short.first().body
    assert services.quota_check() == {"closed": 0, "alerts": 0}


def test_the_job_is_scheduled_and_runs_as_a_task_and_a_command(survey):
    entries = [e for e in app.conf.beat_schedule.values() if e["task"] == "satisfaction.tasks.quota_check"]
    assert len(entries) == 1
    assert tasks.quota_check.delay().get() == {"closed": 0, "alerts": 1}
    out = StringIO()
    call_command("survey_quota_check", stdout=out)
    assert "alerts sent: 0" in out.getvalue()


@pytest.mark.django_db
def test_demo_is_idempotent_and_rates_every_department():
    from organizations import demo as org_demo
    from satisfaction import demo, selectors

    org_demo.seed()
    first = demo.seed()
    assert first["surveys_created"] == 3
    assert first["answers_created"] > 50_000
    second = demo.seed()
    assert second["surveys_created"] == 0 and second["answers_created"] == 0
    assert second["demo_code_links"] == first["demo_code_links"]
    year = timezone.localdate().year
    last = Survey.objects.get(code=f"s{year - 1}")
    assert last.status == "closed" and last.areas.count() == 10 and last.regions.count() == 13
    params = {"scope": "department", "measure": "rate"}
    from organizations.models import Department

    for dept in Department.objects.all():
        value = selectors.indicator_value(year=year - 1, params=params, department_code=dept.code)
        assert value is not None and 30 < value < 100, dept.code
    current = Survey.objects.get(code=f"s{year}")
    assert current.status == "open"
    assert current.regions.filter(received__gte=1).count() == 13
    assert current.regions.get(region__code="qingxi").is_full
    # The printed demo links: one opens the survey, the other meets a full region.
    open_link, full_link = (link.split(" ")[0] for link in first["demo_code_links"])
    client = Client()
    assert client.get(open_link).status_code == 200
    assert client.get(full_link).status_code == 409
