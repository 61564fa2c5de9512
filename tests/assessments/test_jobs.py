"""Reminders, overdue alerts with escalation, lag warnings and the late-report deduction.

Each job is idempotent: run twice, it sends once."""

import datetime as dt

import pytest

from assessments import jobs, services
from assessments.models import ScoreEvent
from notifications.models import AlertKey, Notification

from .test_reports import fill


def kinds(user, kind):
    return Notification.objects.filter(user=user, kind=kind).count()


def test_reminders_go_only_to_departments_that_have_not_submitted(plan, q3, users, departments, freeze):
    freeze(dt.date(2026, 10, 8))  # two days before the 10-10 deadline, reminder window 3 days
    report = services.report_open(quarter=q3, department=departments["edu"])
    fill(report, users["filer"])
    services.report_submit(report=report, actor=users["filer"])
    assert jobs.send_deadline_reminders() == 2  # health and water
    assert kinds(users["filer"], "report.reminder") == 0
    assert kinds(users["filer2"], "report.reminder") == 1
    assert jobs.send_deadline_reminders() == 0  # a second run sends nothing
    assert kinds(users["filer2"], "report.reminder") == 1


def test_no_reminder_before_the_window(plan, users, freeze):
    freeze(dt.date(2026, 10, 6))
    assert jobs.send_deadline_reminders() == 0


def test_overdue_alert_once_then_escalation_to_the_supervision_office(plan, q3, users, freeze):
    freeze(dt.date(2026, 10, 11))  # the day after the deadline
    assert jobs.send_overdue_alerts() > 0
    assert jobs.send_overdue_alerts() == 0
    overdue = Notification.objects.filter(user=users["filer2"], kind="report.overdue")
    assert overdue.filter(title__contains="Q3").count() == 1  # Q1 and Q2 are overdue too, once each
    assert overdue.count() == 3
    assert not Notification.objects.filter(
        user=users["supervisor"], kind="report.escalated", title__contains="Q3"
    ).exists()
    freeze(dt.date(2026, 10, 15))  # escalation after 5 days
    jobs.send_overdue_alerts()
    jobs.send_overdue_alerts()
    escalations = Notification.objects.filter(user=users["supervisor"], kind="report.escalated", title__contains="Q3")
    assert escalations.filter(title__contains="水利局").count() == 1
    assert overdue.count() == 3


def test_the_late_report_deduction_is_recorded_once(plan, q3, users, freeze, django_capture_on_commit_callbacks):
    freeze(dt.date(2026, 10, 12))
    with django_capture_on_commit_callbacks(execute=True):
        jobs.send_overdue_alerts()
        jobs.send_overdue_alerts()
    events = ScoreEvent.objects.filter(source="late_report", department__code="water")
    # Q1–Q3 are past their deadlines without reports in this test year: one event each, once
    assert sorted(events.values_list("source_key", flat=True)) == ["late:2026Q1", "late:2026Q2", "late:2026Q3"]
    annual = plan.scores.get(department__code="water", period="annual")
    assert annual.lines.filter(rule__code="late").count() == 3
    assert not annual.lines.filter(key__startswith="cap:evt").exists()  # 3 × 0.5 = 1.5, under the cap of 2
    # a quarter's score is "as of" its end: Q3's own lateness (dated 10-11) is not in it yet
    q3_score = plan.scores.get(department__code="water", period="Q3")
    assert q3_score.lines.filter(rule__code="late").count() == 2


def test_on_time_reports_get_no_deduction(plan, q3, users, departments, freeze):
    freeze(dt.date(2026, 10, 9))
    report = services.report_open(quarter=q3, department=departments["edu"])
    fill(report, users["filer"])
    services.report_submit(report=report, actor=users["filer"])
    freeze(dt.date(2026, 10, 12))
    jobs.send_overdue_alerts()
    assert not ScoreEvent.objects.filter(department=departments["edu"], source_key="late:2026Q3").exists()
    assert kinds(users["filer"], "report.overdue") >= 1  # Q1 and Q2 were never submitted


def test_lag_warning_reaches_department_and_supervisor_once(plan, q3, users, departments, freeze):
    freeze(dt.date(2026, 10, 9))
    report = services.report_open(quarter=q3, department=departments["edu"])
    # planned 75 % of 300 = 225; 165 done = 55 %: lag exactly 20 points — "以上" includes the bound
    fill(report, users["filer"], roads={"actual_value": "165", "explanation": "征地滞后"})
    services.report_submit(report=report, actor=users["filer"])
    assert report.entries.get(assignment__indicator__code="roads").lag == 20
    assert jobs.send_lag_warnings() == 1
    assert jobs.send_lag_warnings() == 0
    assert kinds(users["filer"], "progress.lag") == 1
    assert kinds(users["supervisor"], "progress.lag") == 1
    assert "农村公路里程" in Notification.objects.get(user=users["filer"], kind="progress.lag").body


def test_lag_just_under_the_threshold_does_not_warn(plan, q3, users, departments, freeze):
    freeze(dt.date(2026, 10, 9))
    report = services.report_open(quarter=q3, department=departments["edu"])
    fill(report, users["filer"], roads={"actual_value": "165.03", "explanation": "征地滞后"})  # lag 19.99
    services.report_submit(report=report, actor=users["filer"])
    assert jobs.send_lag_warnings() == 0


def test_two_workers_claiming_the_same_alerts_send_once(plan, departments):
    from notifications.services import claim_alerts

    key = ("overdue", departments["water"].pk, "2026Q3", "department", "")
    first = claim_alerts([key])
    second = claim_alerts([key])
    assert first == {key} and second == set()
    assert AlertKey.objects.count() == 1


@pytest.mark.parametrize("command", ["send_deadline_reminders", "send_overdue_alerts", "send_lag_warnings"])
def test_each_job_is_a_management_command(plan, users, command):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command(command, "--date", "2026-10-12", stdout=out)
    assert "alert" in out.getvalue()


def test_every_job_is_in_the_beat_schedule():
    from perfgov.celery import app

    app.loader.import_default_modules()
    tasks = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert {
        "assessments.tasks.send_deadline_reminders",
        "assessments.tasks.send_overdue_alerts",
        "assessments.tasks.send_lag_warnings",
        "assessments.tasks.process_recompute_requests",
    } <= tasks
    assert tasks <= set(app.tasks)  # every scheduled task exists
