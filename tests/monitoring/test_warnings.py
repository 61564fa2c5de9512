"""Warnings with a response deadline: the job stores them once, the department responds, no response
by the deadline pauses the project's unreleased tranches once, finance lifts the pause."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from budgets import services as budget_services
from budgets.models import SpendingRecord, Tranche
from core.errors import ApplicationError, ConflictError
from monitoring import jobs, services
from monitoring.models import CalendarDay, MonitoringSchedule, MonitoringWarning
from notifications.models import Notification
from tests.budgets.factories import approved_project

pytestmark = pytest.mark.django_db
W = MonitoringWarning
CHECKPOINT = dt.date(2026, 6, 30)  # Tuesday
ISSUED = dt.date(2026, 7, 1)  # Wednesday


@pytest.fixture
def projects(departments):
    edu, water = departments["edu"], departments["water"]
    lagging = approved_project(edu, amount="1000000.00", code="EDU-1", name="校舍维修")
    SpendingRecord.objects.create(project=lagging, date=dt.date(2026, 5, 10), amount=D("399900.00"))  # 39.99 %
    on_time = approved_project(water, amount="1000000.00", code="WAT-1", name="河道整治")
    SpendingRecord.objects.create(project=on_time, date=dt.date(2026, 5, 10), amount=D("400000.00"))  # 40.00 %
    Tranche.objects.create(project=lagging, name="第二批", amount=D("300000.00"), status="open")
    Tranche.objects.create(project=lagging, name="第三批", amount=D("200000.00"), status="held")
    Tranche.objects.create(project=lagging, name="首批", amount=D("100000.00"), status="released")
    return {"lagging": lagging, "on_time": on_time}


def test_the_job_stores_one_warning_per_project_checkpoint_and_kind(projects, users):
    assert jobs.record_warnings(today=ISSUED) == 1  # one alert to 教育局
    assert jobs.record_warnings(today=ISSUED) == 0  # run again: nothing new
    assert jobs.record_warnings(today=ISSUED + dt.timedelta(days=1)) == 0
    warnings = list(W.objects.all())
    assert len(warnings) == 1  # exactly 40.00 % is no warning
    w = warnings[0]
    assert (w.project, w.kind, w.checkpoint) == (projects["lagging"], "execution", CHECKPOINT)
    assert w.execution_rate == D("39.99") and w.threshold == D("40.00")
    # Ten working days after Wednesday 1 July 2026: Wednesday 15 July.
    assert w.respond_by == dt.date(2026, 7, 15)
    assert Notification.objects.filter(user=users["filer"], kind="monitoring.warning").count() == 1
    assert not Notification.objects.filter(user=users["filer2"], kind="monitoring.warning").exists()


def test_the_deadline_skips_the_calendar_holidays_and_uses_the_years_setting(projects):
    MonitoringSchedule.objects.create(year=2026, response_days=3)
    CalendarDay.objects.create(date=dt.date(2026, 7, 2), kind="holiday", name="测试假日")
    jobs.record_warnings(today=ISSUED)
    # Thursday 2 July is a holiday; Friday 3, Monday 6, Tuesday 7 July are the three working days.
    assert W.objects.get().respond_by == dt.date(2026, 7, 7)


def _warning(projects):
    jobs.record_warnings(today=ISSUED)
    return W.objects.get(project=projects["lagging"])


def test_the_department_responds_with_a_reason(projects, users):
    w = _warning(projects)
    with pytest.raises(ApplicationError) as exc:
        services.warning_respond(warning=w, actor=users["filer"], response="continue", reason="  ")
    assert "reason" in exc.value.errors
    with pytest.raises(ApplicationError) as exc:
        services.warning_respond(warning=w, actor=users["filer"], response="adjust", reason="改目标")
    assert "adjustment" in exc.value.errors
    with pytest.raises(ApplicationError):  # another department
        services.warning_respond(warning=w, actor=users["filer2"], response="continue", reason="x")
    with pytest.raises(ConflictError):  # a stale page
        services.warning_respond(
            warning=w, actor=users["filer"], response="continue", reason="x", expected_version=w.version + 1
        )
    w.refresh_from_db()
    assert w.status == "open" and w.response == ""
    services.warning_respond(
        warning=w,
        actor=users["filer"],
        response="adjust",
        adjustment="reallocation",
        reason="工程延期,申请调剂资金。",
        expected_version=w.version,
    )
    w.refresh_from_db()
    assert (w.status, w.response, w.adjustment) == ("responded", "adjust", "reallocation")
    assert Notification.objects.filter(user=users["finance"], kind="monitoring.response").exists()
    event = AuditEvent.objects.get(action="monitoring.warning.responded")
    assert event.before["status"] == "open" and event.after["status"] == "responded"
    # A responded warning does not lapse.
    assert jobs.enforce_response_deadlines(today=dt.date(2026, 8, 1)) == 0
    assert not Tranche.objects.filter(paused_at__isnull=False).exists()


def test_no_response_by_the_deadline_pauses_unreleased_tranches_once(projects, users):
    w = _warning(projects)
    assert jobs.enforce_response_deadlines(today=w.respond_by) == 0  # the deadline day itself is still in time
    assert jobs.enforce_response_deadlines(today=w.respond_by + dt.timedelta(days=1)) == 1
    assert jobs.enforce_response_deadlines(today=w.respond_by + dt.timedelta(days=2)) == 0  # once
    w.refresh_from_db()
    assert w.status == "lapsed" and w.is_paused
    paused = set(Tranche.objects.filter(paused_at__isnull=False).values_list("name", flat=True))
    assert paused == {"第二批", "第三批"}  # the released one is left alone
    assert AuditEvent.objects.filter(action="budgets.tranches.paused").count() == 1
    assert AuditEvent.objects.filter(action="monitoring.warning.lapsed").count() == 1
    for role in ("filer", "finance"):
        assert Notification.objects.filter(user=users[role], kind="monitoring.paused").count() == 1
    # A paused tranche cannot be drawn on or released.
    second = Tranche.objects.get(name="第二批")
    with pytest.raises(ApplicationError) as exc:
        budget_services.spending_record(
            project=projects["lagging"], actor=users["finance"], date=dt.date(2026, 7, 20), amount="1", tranche=second
        )
    assert "tranche" in exc.value.errors
    with pytest.raises(ApplicationError):
        budget_services.tranche_release(tranche=Tranche.objects.get(name="第三批"), actor=users["finance"], note="x")


def test_finance_lifts_the_pause_with_a_reason(projects, users):
    w = _warning(projects)
    jobs.enforce_response_deadlines(today=w.respond_by + dt.timedelta(days=1))
    w.refresh_from_db()
    with pytest.raises(ApplicationError):
        services.pause_lift(warning=w, actor=users["filer"], reason="x")
    with pytest.raises(ApplicationError) as exc:
        services.pause_lift(warning=w, actor=users["finance"], reason="")
    assert "reason" in exc.value.errors
    assert Tranche.objects.filter(paused_at__isnull=False).count() == 2
    services.pause_lift(warning=w, actor=users["finance"], reason="部门已说明情况并整改。", expected_version=w.version)
    assert not Tranche.objects.filter(paused_at__isnull=False).exists()
    w.refresh_from_db()
    assert not w.is_paused and w.lift_reason == "部门已说明情况并整改。"
    assert AuditEvent.objects.filter(action="budgets.tranches.resumed").exists()
    # A late response is still recorded after the pause.
    services.warning_respond(warning=w, actor=users["filer"], response="continue", reason="加快支付进度。")


def test_pages_scope_and_forms(projects, users, client_for):
    w = _warning(projects)
    assert client_for("filer").get(reverse("monitoring:warning_list")).status_code == 200
    assert client_for("filer2").get(reverse("monitoring:warning_detail", args=[w.pk])).status_code == 404
    page = client_for("filer").get(reverse("monitoring:warning_detail", args=[w.pk]))
    assert page.status_code == 200 and "respond_form" in page.context
    bad = client_for("filer").post(reverse("monitoring:warning_respond", args=[w.pk]), {"response": "continue"})
    assert bad.status_code == 400 and bad.context["respond_form"].errors["reason"]
    ok = client_for("filer").post(
        reverse("monitoring:warning_respond", args=[w.pk]),
        {"response": "continue", "reason": "加快进度", "version": w.version},
    )
    assert ok.status_code == 302
    w.refresh_from_db()
    assert w.status == "responded"


def test_api_lists_and_responds(projects, users, api_for):
    w = _warning(projects)
    assert api_for("filer2").get("/api/v1/monitoring/warnings/").json()["count"] == 0
    data = api_for("finance").get("/api/v1/monitoring/warnings/").json()
    assert data["count"] == 1 and data["results"][0]["respond_by"] == "2026-07-15"
    bad = api_for("filer").post(f"/api/v1/monitoring/warnings/{w.pk}/respond/", {"response": "x"}, format="json")
    assert bad.status_code == 400 and "response" in bad.json()["errors"]
    assert api_for("filer2").post(f"/api/v1/monitoring/warnings/{w.pk}/respond/", {}, format="json").status_code == 404
    ok = api_for("filer").post(
        f"/api/v1/monitoring/warnings/{w.pk}/respond/", {"response": "cancel", "reason": "项目取消"}, format="json"
    )
    assert ok.status_code == 200 and ok.json()["status"] == "responded"


def test_an_adjust_by_revision_answer_leads_the_department_to_the_target_revision(projects, users, client_for):
    jobs.record_warnings(today=ISSUED)
    w = W.objects.get()
    services.warning_respond(
        warning=w, actor=users["filer"], response="adjust", adjustment="revision", reason="目标偏高，申请调整"
    )
    link = reverse("budgets:adjustment_create", args=[w.project_id])
    assert link in client_for("filer").get(reverse("monitoring:warning_detail", args=[w.pk])).content.decode()
    assert link not in client_for("finance").get(reverse("monitoring:warning_detail", args=[w.pk])).content.decode()
    assert client_for("filer").get(link).status_code == 200  # the revision form of the approved sheet


def test_an_adjust_by_reallocation_answer_offers_no_target_revision(projects, users, client_for):
    jobs.record_warnings(today=ISSUED)
    w = W.objects.get()
    services.warning_respond(
        warning=w, actor=users["filer"], response="adjust", adjustment="reallocation", reason="调整资金用途"
    )
    page = client_for("filer").get(reverse("monitoring:warning_detail", args=[w.pk])).content.decode()
    assert reverse("budgets:adjustment_create", args=[w.project_id]) not in page
