"""The key evaluation's four-dimension score sheet (docs/budgets.md §7, "Score sheets")."""

from __future__ import annotations

import datetime as dt
import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from budgets import services
from budgets.models import AppraisalEvidence, Evaluation, KeyEvaluation, Recommendation
from budgets.services.appraisal_work import AssignmentClosed, NotAssigned
from core.errors import ApplicationError, ConflictError

from .appraisal_world import TODAY, package
from .factories import approved_project, key_lines

pytestmark = pytest.mark.django_db
API = "/api/v1/budget-key-evaluations/"


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)
    return TODAY


def self_evaluated(department, total="95.00"):
    project = approved_project(department, year=2025)
    Evaluation.objects.create(
        project=project,
        number=1,
        total=Decimal(total),
        grade="excellent",
        amount=project.amount,
        spent=project.amount,
        execution_rate=Decimal(100),
        weights={},
        ledger=[],
        status="confirmed",
        confirmed_at=timezone.now(),
    )
    return project


def firm_key(departments, users, dept="water"):
    project = self_evaluated(departments[dept])
    return services.key_start(project=project, actor=users["evaluator"], package=package(users, [project], kind="key"))


def pdf(name="核查底稿.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")


def test_the_sheet_has_the_four_national_dimensions_with_the_years_points(departments, users):
    key = services.key_start(project=self_evaluated(departments["edu"]), actor=users["finance"])
    lines = list(key.lines.order_by("order"))
    assert [(line.dimension, line.points) for line in lines] == [
        ("decision", Decimal(20)),
        ("process", Decimal(20)),
        ("output", Decimal(30)),
        ("effect", Decimal(30)),
    ]
    assert all(line.criteria for line in lines) and key.weights["output"] == "30.00"
    assert not key.entered_as_total


def test_the_years_key_weights_are_set_on_the_policy_and_must_add_up_to_100(departments, users):
    with pytest.raises(ApplicationError) as exc:
        services.policy_save(
            year=2025,
            actor=users["finance"],
            data={"key_weights": {"decision": "25", "process": "25", "output": "25", "effect": "30"}},
        )
    assert "key_weights" in exc.value.errors
    weights = {"decision": "15", "process": "15", "output": "35", "effect": "35"}
    services.policy_save(year=2025, actor=users["finance"], data={"key_weights": weights})
    key = services.key_start(project=self_evaluated(departments["edu"]), actor=users["finance"])
    assert [line.points for line in key.lines.order_by("order")] == [Decimal(15), Decimal(15), Decimal(35), Decimal(35)]


def test_the_total_is_the_sum_of_the_sheet_and_graded_by_the_years_bands(departments, users):
    key = firm_key(departments, users)
    scores = {"decision": "18.25", "process": "17.50", "output": "26.00", "effect": "28.75"}
    half = {dim: {"score": scores[dim]} for dim in ("decision", "process")}
    key = services.key_save(key=key, actor=users["evaluator"], data={"lines": half})
    assert key.total is None and key.grade == ""  # not every line is scored yet
    full = {dim: {"score": v, "comment": "核查"} for dim, v in scores.items()}
    key = services.key_save(key=key, actor=users["evaluator"], data={"lines": full, "findings": "总体良好"})
    assert key.total == Decimal("90.50") and key.total.as_tuple().exponent == -2
    assert key.grade == "excellent"  # 90 and more
    full["effect"]["score"] = "28.24"
    key = services.key_save(key=key, actor=users["evaluator"], data={"lines": full})
    assert (key.total, key.grade) == (Decimal("89.99"), "good")


def test_a_bad_line_writes_nothing_and_names_its_field(departments, users):
    key = firm_key(departments, users)
    data = {"lines": {"decision": {"score": "10.00"}, "output": {"score": "30.01"}}, "findings": "x"}
    with pytest.raises(ApplicationError) as exc:
        services.key_save(key=key, actor=users["evaluator"], data=data)
    assert list(exc.value.errors) == ["score_output"]
    key.refresh_from_db()
    assert key.findings == "" and key.version == 1
    assert not key.lines.exclude(score=None).exists()
    with pytest.raises(ApplicationError) as exc:
        services.key_save(key=key, actor=users["evaluator"], data={"lines": {"decision": {"criteria": " "}}})
    assert "criteria_decision" in exc.value.errors
    with pytest.raises(ApplicationError) as exc:
        services.key_save(key=key, actor=users["evaluator"], data={"lines": {"necessity": {"score": "1"}}})
    assert "lines" in exc.value.errors


def test_a_stale_save_is_refused(departments, users):
    key = firm_key(departments, users)
    services.key_save(key=key, actor=users["evaluator"], data={"findings": "第一稿"}, expected_version=1)
    with pytest.raises(ConflictError):
        services.key_save(key=key, actor=users["evaluator"], data={"findings": "旧页面"}, expected_version=1)
    assert KeyEvaluation.objects.get(pk=key.pk).findings == "第一稿"


def test_evidence_goes_on_a_line_is_audited_and_moves_the_version(departments, users, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    key = firm_key(departments, users)
    line = key.lines.get(dimension="process")
    evidence = services.key_evidence_add(line=line, upload=pdf(), actor=users["evaluator"])
    assert evidence.key_line == line and evidence.line is None and evidence.sheet_line == line
    assert KeyEvaluation.objects.get(pk=key.pk).version == 2
    event = AuditEvent.objects.get(action="budgets.key.evidence_uploaded")
    assert event.data["dimension"] == "process" and event.data["evaluation"] == key.pk
    with pytest.raises(ApplicationError) as exc:
        services.key_evidence_add(
            line=line,
            upload=SimpleUploadedFile("x.exe", b"MZ\x90\x00", content_type="application/x-msdownload"),
            actor=users["evaluator"],
        )
    assert "evidence" in exc.value.errors
    assert AppraisalEvidence.objects.count() == 1


def test_the_firm_writes_only_its_assigned_key_work_while_the_period_runs(departments, users, monkeypatch):
    key = firm_key(departments, users)
    other = services.key_start(project=self_evaluated(departments["edu"]), actor=users["finance"])
    with pytest.raises(NotAssigned):
        services.key_save(key=other, actor=users["evaluator"], data={"lines": key_lines("80")})
    with pytest.raises(NotAssigned):
        services.key_evidence_add(line=other.lines.first(), upload=pdf(), actor=users["evaluator"])
    with pytest.raises(ApplicationError) as exc:  # finance does not write the firm's sheet
        services.key_save(key=key, actor=users["finance"], data={"lines": key_lines("80")})
    assert exc.value.code == "not_yours"
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY + dt.timedelta(days=31))
    with pytest.raises(AssignmentClosed):
        services.key_save(key=key, actor=users["evaluator"], data={"lines": key_lines("80")})


def test_finance_returns_with_reasons_then_accepts_and_each_step_is_audited(departments, users):
    key = firm_key(departments, users)
    with pytest.raises(ApplicationError) as exc:
        services.key_submit(key=key, actor=users["evaluator"])
    assert {"score_decision", "score_process", "score_output", "score_effect", "findings"} == set(exc.value.errors)
    services.key_save(key=key, actor=users["evaluator"], data={"lines": key_lines("70.00"), "findings": "初稿"})
    services.key_submit(key=key, actor=users["evaluator"])
    with pytest.raises(ApplicationError) as exc:  # editing submitted work is refused
        services.key_save(key=key, actor=users["evaluator"], data={"findings": "改"})
    assert exc.value.code == "not_editable"
    with pytest.raises(ApplicationError) as exc:
        services.key_review(key=key, actor=users["finance"], decision="return", reason=" ")
    assert "reason" in exc.value.errors
    key = services.key_review(key=key, actor=users["finance"], decision="return", reason="过程指标依据不足。")
    assert key.status == "returned"
    services.key_save(key=key, actor=users["evaluator"], data={"lines": key_lines("72.00")})
    services.key_submit(key=key, actor=users["evaluator"])
    key = services.key_review(key=key, actor=users["finance"], decision="accept")
    assert (key.status, key.total, key.gap) == ("accepted", Decimal("72.00"), Decimal("23.00"))
    saved = AuditEvent.objects.filter(action="budgets.key.saved").order_by("id").last()
    assert saved.before["total"] == "70.00" and saved.after["total"] == "72.00"
    assert [line["score"] for line in saved.after["lines"]] == ["14.40", "14.40", "21.60", "21.60"]
    actions = list(AuditEvent.objects.filter(object_id=str(key.pk)).values_list("action", flat=True))
    assert {"budgets.key.returned", "budgets.key.accepted", "budgets.key.submitted"} <= set(actions)


def test_the_recommendation_follows_the_sheets_total(departments, users):
    project = self_evaluated(departments["water"], total="95.00")
    key = services.key_start(project=project, actor=users["finance"])
    services.key_save(key=key, actor=users["finance"], data={"lines": key_lines("59.99"), "findings": "目标未完成。"})
    services.key_submit(key=key, actor=users["finance"])
    services.recommendations_generate(year=2026, actor=users["finance"], department_grades={})
    rec = Recommendation.objects.get(project=project)
    assert rec.key_evaluation_id == key.pk and rec.project_grade == "poor"


def _legacy(project, *, status, total):
    """A key evaluation as it was before the sheet: a total, no lines."""
    key = KeyEvaluation.objects.create(
        project=project, number=1, assessor_kind="finance", status=status, total=total, grade="", findings="旧"
    )
    migration = importlib.import_module("budgets.migrations.0008_key_evaluation_sheet")
    migration.mark_entered_as_total(apps, None)
    key.refresh_from_db()
    return key


def test_existing_key_evaluations_keep_their_total_entered_as_a_total(departments, users, client_for):
    project = self_evaluated(departments["water"])
    with_sheet = services.key_start(project=approved_project(departments["edu"], year=2025), actor=users["finance"])
    key = _legacy(project, status="accepted", total=Decimal("71.50"))
    assert key.entered_as_total and key.total == Decimal("71.50") and not key.lines.exists()
    assert not KeyEvaluation.objects.get(pk=with_sheet.pk).entered_as_total
    page = client_for("finance").get(reverse("budgets:key_detail", args=[key.pk])).content.decode()
    assert "71.50" in page
    report = client_for("finance").get(reverse("budgets:key_report", args=[key.pk]))
    assert report.status_code == 200 and "71.50" in report.content.decode()


def test_a_legacy_key_evaluation_still_in_draft_moves_on_to_the_sheet(departments, users):
    key = _legacy(self_evaluated(departments["water"]), status="draft", total=Decimal("80.00"))
    key = services.key_save(key=key, actor=users["finance"], data={"lines": {"decision": {"score": "18"}}})
    assert not key.entered_as_total and key.lines.count() == 4 and key.total is None
    services.key_save(key=key, actor=users["finance"], data={"lines": key_lines("81.00"), "findings": "复核"})
    assert services.key_submit(key=key, actor=users["finance"]).total == Decimal("81.00")


# --- pages and API ------------------------------------------------------------------------------------------------


def test_the_page_keeps_what_was_typed_and_marks_the_bad_field(departments, users, client_for):
    key = firm_key(departments, users)
    firm = client_for("evaluator")
    data = {"version": key.version, "findings": "工程延期", "score_decision": "25", "criteria_decision": "立项"}
    for dim in ("process", "output", "effect"):
        data[f"criteria_{dim}"] = "标准"
    response = firm.post(reverse("budgets:key_edit", args=[key.pk]), data)
    assert response.status_code == 400
    assert "score_decision" in response.context["form"].errors
    assert "工程延期" in response.content.decode()
    data["score_decision"] = "16.5"
    assert firm.post(reverse("budgets:key_edit", args=[key.pk]), data).status_code == 302
    stale = firm.post(reverse("budgets:key_edit", args=[key.pk]), data)  # the same page again: its version is old
    assert stale.status_code == 409
    assert KeyEvaluation.objects.get(pk=key.pk).lines.get(dimension="decision").score == Decimal("16.50")


def test_the_pages_upload_evidence_and_print_the_report(departments, users, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    key = firm_key(departments, users)
    firm = client_for("evaluator")
    response = firm.post(reverse("budgets:key_evidence", args=[key.pk]), {"dimension": "output", "evidence": pdf()})
    assert response.status_code == 302
    evidence = AppraisalEvidence.objects.get(key_line__evaluation=key)
    assert client_for("finance").get(reverse("budgets:appraisal_evidence", args=[evidence.pk])).status_code == 200
    services.key_save(key=key, actor=users["evaluator"], data={"lines": key_lines("76.00"), "findings": "见底稿"})
    report = client_for("finance").get(reverse("budgets:key_report", args=[key.pk])).content.decode()
    assert "76.00" in report and "核查底稿.pdf" in report and "19.00" in report  # the gap 95 − 76


def test_the_api_writes_the_sheet_and_refuses_a_typed_total(departments, users, api_for):
    key = firm_key(departments, users)
    firm = api_for("evaluator")
    response = firm.patch(f"{API}{key.pk}/", {"total": "80.00"}, format="json")
    assert response.status_code == 400 and "total" in response.json()["errors"]
    response = firm.patch(
        f"{API}{key.pk}/", {"lines": {"output": {"score": "31"}}, "version": key.version}, format="json"
    )
    assert response.status_code == 400 and "score_output" in response.json()["errors"]
    response = firm.patch(
        f"{API}{key.pk}/", {"lines": key_lines("88.00"), "findings": "良好", "version": key.version}, format="json"
    )
    body = response.json()
    assert response.status_code == 200, body
    assert body["total"] == "88.00" and body["grade"] == "good" and body["gap"] == "7.00"
    assert [line["dimension"] for line in body["lines"]] == ["decision", "process", "output", "effect"]
    stale = firm.patch(f"{API}{key.pk}/", {"findings": "旧", "version": key.version}, format="json")
    assert stale.status_code == 409


def test_the_schema_documents_the_sheet(client_for):
    schema = client_for("finance").get("/api/schema/", {"format": "json"}).json()
    props = schema["components"]["schemas"]["Key"]["properties"]
    assert {"lines", "weights", "entered_as_total"} <= set(props)
    assert "/api/v1/budget-key-evaluations/{id}/evidence/" in schema["paths"]
    assert "lines" in schema["components"]["schemas"]["PatchedKeyWriteRequest"]["properties"]
