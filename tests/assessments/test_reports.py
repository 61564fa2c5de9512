"""Filing, submitting and reviewing quarterly reports, in the browser and through the services."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from assessments import services
from assessments.models import Entry, Report, ReportRevision
from audit.models import AuditEvent
from core.errors import ApplicationError, ConflictError
from notifications.models import Notification

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def fill(report, actor, **overrides):
    """Fill every entry so that the report can be submitted (on track)."""
    for e in report.entries.select_related("assignment__indicator"):
        data = {"narrative": "按计划推进"}
        code = e.assignment.indicator.code
        if code == "roads":
            data["actual_value"] = "225"  # Q3 plan: 75 % of 300
        elif code == "rate":
            data["actual_value"] = "95"
        else:
            data["completion_pct"] = "80"
        data.update(overrides.get(code, {}))
        services.entry_save(entry=e, data=data, actor=actor)


@pytest.fixture
def report(q3, users, departments, freeze):
    freeze(dt.date(2026, 10, 5))
    return services.report_open(quarter=q3, department=departments["edu"])


def test_report_has_an_entry_per_reportable_assignment(report):
    assert sorted(report.entries.values_list("assignment__indicator__code", flat=True)) == [
        "party",
        "rate",
        "roads",
        "safe",
    ]


def test_draft_saved_and_found_again(report, users, client_for):
    client = client_for("filer")
    entry = report.entries.get(assignment__indicator__code="roads")
    response = client.post(
        f"/assessments/reports/{report.pk}/entries/{entry.pk}/",
        {"actual_value": "120", "narrative": "完成 120 公里", "version": entry.version},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "pg-status-at_risk" in html  # 120 of 225 planned: at risk, computed as the user types
    # leave and come back: the page shows what was typed
    page = client.get(f"/assessments/reports/{report.pk}/").content.decode()
    assert 'value="120"' in page and "完成 120 公里" in page


def test_field_errors_name_the_field_and_lose_nothing(report, users, client_for):
    client = client_for("filer")
    entry = report.entries.get(assignment__indicator__code="roads")
    services.entry_save(entry=entry, data={"actual_value": "100"}, actor=users["filer"])
    entry.refresh_from_db()
    response = client.post(
        f"/assessments/reports/{report.pk}/entries/{entry.pk}/",
        {"actual_value": "一百", "version": entry.version},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert f'id="entry-{entry.pk}-actual_value-error"' in html
    assert "数字" in html or "number" in html
    entry.refresh_from_db()
    assert entry.actual_value == D(100)  # nothing lost


@pytest.mark.parametrize(
    ("field", "value"),
    [("actual_value", "-5"), ("actual_value", "1e20"), ("completion_pct", "101"), ("narrative", "字" * 4001)],
)
def test_absurd_values_are_refused(report, users, field, value):
    entry = report.entries.get(assignment__indicator__code="roads" if field == "actual_value" else "party")
    with pytest.raises(ApplicationError) as exc:
        services.entry_save(entry=entry, data={field: value}, actor=users["filer"])
    assert field in exc.value.errors


def test_submission_needs_an_explanation_for_lagging_entries(report, users):
    fill(report, users["filer"], roads={"actual_value": "120"})
    with pytest.raises(ApplicationError) as exc:
        services.report_submit(report=report, actor=users["filer"])
    roads = report.entries.get(assignment__indicator__code="roads")
    assert f"entry-{roads.pk}-explanation" in exc.value.errors
    assert Report.objects.get(pk=report.pk).status == "draft"
    services.entry_save(entry=roads, data={"explanation": "征地拆迁滞后,已协调加快。"}, actor=users["filer"])
    report = services.report_submit(report=Report.objects.get(pk=report.pk), actor=users["filer"])
    assert report.status == "submitted" and report.revision == 1


def test_submission_through_the_browser_shows_the_problems(report, users, client_for):
    fill(report, users["filer"], roads={"actual_value": "120"})
    response = client_for("filer").post(f"/assessments/reports/{report.pk}/submit/", {"version": report.version})
    assert response.status_code == 400
    assert "农村公路里程" in response.content.decode()
    assert Report.objects.get(pk=report.pk).status == "draft"


def test_full_cycle_return_fix_resubmit_approve(report, users, client_for, django_capture_on_commit_callbacks):
    filer, supervisor = client_for("filer"), client_for("supervisor")
    fill(report, users["filer"])
    assert filer.post(f"/assessments/reports/{report.pk}/submit/").status_code == 302
    report.refresh_from_db()
    assert report.status == "submitted"
    rate = report.entries.get(assignment__indicator__code="rate")
    # the supervisor returns one entry with a reason, the rest approved
    assert (
        supervisor.post(
            f"/assessments/reports/{report.pk}/entries/{rate.pk}/review/", {"decision": "returned", "comment": ""}
        ).status_code
        == 302
    )
    assert Entry.objects.get(pk=rate.pk).review_state == "pending"  # a return needs a reason
    supervisor.post(
        f"/assessments/reports/{report.pk}/entries/{rate.pk}/review/",
        {"decision": "returned", "comment": "办结率与台账不一致,请核实。"},
    )
    for e in report.entries.exclude(pk=rate.pk):
        supervisor.post(f"/assessments/reports/{report.pk}/entries/{e.pk}/review/", {"decision": "approved"})
    supervisor.post(f"/assessments/reports/{report.pk}/decision/", {"action": "complete"})
    report.refresh_from_db()
    assert report.status == "returned"
    # the filer sees the reason in the notification centre and beside the entry
    note = Notification.objects.filter(user=users["filer"], kind="report.returned").latest("created_at")
    assert "办结率与台账不一致" in note.body
    assert "办结率与台账不一致" in filer.get(f"/assessments/reports/{report.pk}/").content.decode()
    # fix and resubmit: a new revision, the first kept as it was
    services.entry_save(entry=rate, data={"actual_value": "93"}, actor=users["filer"])
    assert filer.post(f"/assessments/reports/{report.pk}/submit/").status_code == 302
    report.refresh_from_db()
    assert report.status == "submitted" and report.revision == 2
    # only the changed entry awaits review again
    assert set(report.entries.values_list("review_state", flat=True)) == {"approved", "pending"}
    with django_capture_on_commit_callbacks(execute=True):
        assert supervisor.post(f"/assessments/reports/{report.pk}/decision/", {"action": "approve"}).status_code == 302
    report.refresh_from_db()
    assert report.status == "approved"
    r1, r2 = ReportRevision.objects.filter(report=report).order_by("number")
    assert r1.entries[str(rate.assignment_id)]["actual_value"] == "95.0000"
    assert r2.entries[str(rate.assignment_id)]["actual_value"] == "93.0000"
    assert (r1.decision, r2.decision) == ("returned", "approved")
    page = filer.get(f"/assessments/reports/{report.pk}/revisions/2/").content.decode()
    # the numbers as people write them, the status by its name
    assert "pg-diff-changed" in page and "<td>93</td>" in page and "<td>95</td>" in page
    assert "0000" not in page and "on_track" not in page
    actions = set(AuditEvent.objects.filter(object_type="assessments.report").values_list("action", flat=True))
    assert {"assessments.report.submitted", "assessments.report.returned", "assessments.report.approved"} <= actions


def test_a_submitted_report_cannot_be_edited(report, users):
    fill(report, users["filer"])
    services.report_submit(report=report, actor=users["filer"])
    entry = report.entries.first()
    with pytest.raises(ApplicationError) as exc:
        services.entry_save(entry=entry, data={"narrative": "改"}, actor=users["filer"])
    assert exc.value.code == "not_editable"


@pytest.mark.parametrize(
    ("moment", "late"),
    [
        (dt.datetime(2026, 10, 10, 23, 59, 59), False),  # 23:59 on the deadline day is on time
        (dt.datetime(2026, 10, 11, 0, 0, 0), True),  # 00:00 the next day is late
    ],
)
def test_deadline_boundary_in_local_time(report, users, freeze, moment, late):
    fill(report, users["filer"])
    freeze(moment)
    report = services.report_submit(report=report, actor=users["filer"])
    assert report.is_late is late
    assert report.revisions.get().is_late is late


def test_deadline_is_judged_in_asia_shanghai_not_utc(report, users, freeze):
    fill(report, users["filer"])
    # 16:30 UTC on the 10th is 00:30 on the 11th in Shanghai: late
    freeze(dt.datetime(2026, 10, 10, 16, 30, tzinfo=dt.UTC))
    assert services.report_submit(report=report, actor=users["filer"]).is_late is True


def test_a_closed_quarter_refuses_a_save_until_reopened(report, users, freeze):
    entry = report.entries.get(assignment__indicator__code="roads")
    freeze(dt.date(2026, 10, 21))  # deadline 10-10 + 10 days: closed from the 21st
    with pytest.raises(ApplicationError) as exc:
        services.entry_save(entry=entry, data={"actual_value": "200"}, actor=users["filer"])
    assert exc.value.code == "closed"
    services.quarter_reopen(
        quarter=report.quarter, until=dt.date(2026, 10, 25), actor=users["supervisor"], reason="系统故障,延期填报"
    )
    services.entry_save(entry=entry, data={"actual_value": "200"}, actor=users["filer"])
    assert Entry.objects.get(pk=entry.pk).actual_value == D(200)
    assert AuditEvent.objects.filter(action="assessments.quarter.reopened").exists()


def test_a_stale_save_is_refused(report, users, client_for):
    entry = report.entries.get(assignment__indicator__code="roads")
    opened = entry.version
    services.entry_save(entry=entry, data={"actual_value": "200"}, actor=users["dept_head"])
    with pytest.raises(ConflictError):
        services.entry_save(entry=entry, data={"actual_value": "100"}, actor=users["filer"], expected_version=opened)
    assert Entry.objects.get(pk=entry.pk).actual_value == D(200)
    response = client_for("filer").post(
        f"/assessments/reports/{report.pk}/entries/{entry.pk}/",
        {"actual_value": "50", "version": opened},
        HTTP_HX_REQUEST="true",
    )
    assert 'role="alert"' in response.content.decode()
    assert Entry.objects.get(pk=entry.pk).actual_value == D(200)


def test_another_department_cannot_see_or_touch_the_report(report, users, client_for, api_for):
    entry = report.entries.first()
    other = client_for("filer2")  # 水利局
    assert other.get(f"/assessments/reports/{report.pk}/").status_code == 404
    assert other.post(f"/assessments/reports/{report.pk}/entries/{entry.pk}/", {"actual_value": "1"}).status_code == 404
    assert other.post(f"/assessments/reports/{report.pk}/submit/").status_code == 404
    api = api_for("filer2")
    assert api.get(f"/api/v1/reports/{report.pk}/").status_code == 404
    assert api.patch(f"/api/v1/entries/{entry.pk}/", {"narrative": "x"}, format="json").status_code == 404
    assert api.post(f"/api/v1/reports/{report.pk}/submit/", {}, format="json").status_code == 404
    assert report.pk not in [r["id"] for r in api.get("/api/v1/reports/").json()["results"]]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("virus.exe", b"MZ\x90\x00binary"),
        ("report.pdf", b"MZ\x90\x00not really a pdf"),  # extension lies about the content
        ("notes.html", b"<script>alert(1)</script>"),
    ],
)
def test_disallowed_uploads_are_refused(report, client_for, name, content):
    entry = report.entries.first()
    response = client_for("filer").post(
        f"/assessments/reports/{report.pk}/entries/{entry.pk}/evidence/",
        {"evidence": SimpleUploadedFile(name, content)},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "invalid-feedback" in response.content.decode()
    assert not entry.evidence.exists()


def test_oversized_upload_is_refused(report, users, settings):
    settings.UPLOAD_MAX_BYTES = 100
    with pytest.raises(ApplicationError) as exc:
        services.evidence_add(
            entry=report.entries.first(), upload=SimpleUploadedFile("a.pdf", PDF * 10), actor=users["filer"]
        )
    assert "evidence" in exc.value.errors


def test_evidence_is_served_only_after_an_access_check(report, users, client_for, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    evidence = services.evidence_add(
        entry=report.entries.first(), upload=SimpleUploadedFile("依据.pdf", PDF), actor=users["filer"]
    )
    ok = client_for("filer").get(f"/assessments/evidence/{evidence.pk}/")
    assert ok.status_code == 200 and b"".join(ok.streaming_content) == PDF
    assert "attachment" in ok["Content-Disposition"]
    assert client_for("filer2").get(f"/assessments/evidence/{evidence.pk}/").status_code == 404
    assert client_for("supervisor").get(f"/assessments/evidence/{evidence.pk}/").status_code == 200
    assert str(tmp_path) in evidence.file.path  # outside the web root (MEDIA_ROOT), random name
    assert "依据" not in evidence.file.name


def test_head_signoff_when_the_plan_asks_for_it(report, users):
    plan = report.quarter.plan
    plan.head_signoff = True
    plan.save()
    fill(report, users["filer"])
    report = services.report_submit(report=Report.objects.get(pk=report.pk), actor=users["filer"])
    assert report.status == "pending_head"
    assert Notification.objects.filter(user=users["dept_head"], kind="report.signoff").exists()
    with pytest.raises(ApplicationError):
        services.report_approve(report=report, actor=users["supervisor"])
    report = services.report_signoff(report=report, actor=users["dept_head"])
    assert report.status == "submitted"
    assert report.revisions.get().signed_off_by == users["dept_head"]


def test_review_queue_and_health_for_the_supervisor(report, users, client_for):
    fill(report, users["filer"])
    services.report_submit(report=report, actor=users["filer"])
    html = client_for("supervisor").get(f"/assessments/review/?quarter={report.quarter.pk}").content.decode()
    assert "教育局" in html
    html = (
        client_for("supervisor")
        .get("/assessments/review/", {"quarter": report.quarter.pk, "lateness": "missing"})
        .content.decode()
    )
    assert "水利局" in html and "教育局" not in html
    health = client_for("supervisor").get("/assessments/health/?year=2026")
    assert health.status_code == 200
    assert client_for("filer").get("/assessments/health/").status_code == 403
