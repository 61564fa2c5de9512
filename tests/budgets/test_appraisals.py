"""Ex-ante assessments, the evaluation firm's scope and key evaluations: the rules of docs/budgets.md §5–7."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from audit.models import AuditEvent
from budgets import appraisal_selectors as aps
from budgets import services
from budgets.models import (
    Evaluation,
    ExAnteAssessment,
    KeyEvaluation,
    Recommendation,
    WorkPackage,
)
from core.errors import ApplicationError, ConflictError

from .appraisal_world import TODAY, concluded, fill, large_project, package
from .factories import ProjectFactory, add_targets, approved_project, key_lines

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)
    return TODAY


# --- the threshold and the refusal at submission ---------------------------------------------------------


def test_at_the_threshold_submission_is_refused_without_an_assessment(departments, users):
    project = large_project(departments["edu"], amount="5000000.00")
    with pytest.raises(ApplicationError) as exc:
        services.project_submit(project=project, actor=users["filer"])
    assert exc.value.code == "exante_required"
    assert "exante" in exc.value.errors
    assert "5,000,000.00" in exc.value.errors["exante"][0]
    project.refresh_from_db()
    assert project.status == "draft"
    assert project.revision == 0


def test_one_cent_under_the_threshold_needs_no_assessment(departments, users):
    project = large_project(departments["edu"], amount="4999999.99")
    services.project_submit(project=project, actor=users["filer"])
    project.refresh_from_db()
    assert project.status == "submitted"


def test_a_continuing_project_needs_no_assessment(departments, users):
    project = large_project(departments["edu"], amount="9000000.00", is_continuing=True)
    services.project_submit(project=project, actor=users["filer"])
    assert ExAnteAssessment.objects.count() == 0
    project.refresh_from_db()
    assert project.status == "submitted"


def test_the_threshold_is_the_years_policy(departments, users):
    services.policy_save(year=2026, actor=users["finance"], data={"exante_threshold": Decimal("3000000.00")})
    project = large_project(departments["edu"], amount="3000000.00")
    with pytest.raises(ApplicationError):
        services.project_submit(project=project, actor=users["filer"])
    cheaper = large_project(departments["edu"], amount="2999999.99")
    services.project_submit(project=cheaper, actor=users["filer"])


@pytest.mark.parametrize(("conclusion", "changes"), [("support", ""), ("adjust", "压减培训费用")])
def test_a_supporting_conclusion_lets_the_project_be_submitted(departments, users, conclusion, changes):
    project = large_project(departments["edu"])
    concluded(project, users, conclusion=conclusion, changes=changes)
    services.project_submit(project=project, actor=users["filer"])
    project.refresh_from_db()
    assert project.status == "submitted"


def test_not_supported_is_refused_with_its_reason(departments, users):
    project = large_project(departments["edu"])
    concluded(project, users, conclusion="reject", summary="与在建项目重复建设。")
    with pytest.raises(ApplicationError) as exc:
        services.project_submit(project=project, actor=users["filer"])
    assert exc.value.code == "exante_rejected"
    assert "与在建项目重复建设。" in exc.value.errors["exante"][0]
    project.refresh_from_db()
    assert project.status == "draft"


def test_an_assessment_not_yet_accepted_does_not_count(departments, users):
    project = large_project(departments["edu"])
    pkg = package(users, [project])
    assessment = services.exante_start(project=project, actor=users["evaluator"], package=pkg)
    fill(assessment, users["evaluator"])
    services.exante_submit(assessment=assessment, actor=users["evaluator"])  # waiting for finance
    with pytest.raises(ApplicationError) as exc:
        services.project_submit(project=project, actor=users["filer"])
    assert exc.value.code == "exante_required"


def test_the_threshold_and_weights_are_validated_on_the_policy(users):
    with pytest.raises(ApplicationError) as exc:
        services.policy_save(
            year=2026,
            actor=users["finance"],
            data={"exante_weights": {"necessity": "30", "economy": "20", "targets": "20", "feasibility": "20"}},
        )
    assert "exante_weights" in exc.value.errors
    with pytest.raises(ApplicationError) as exc:
        services.policy_save(year=2026, actor=users["finance"], data={"exante_threshold": Decimal("0")})
    assert "exante_threshold" in exc.value.errors


# --- the sheet -----------------------------------------------------------------------------------------------


def test_the_sheet_takes_the_years_weights(departments, users):
    weights = {"necessity": "30", "economy": "20", "targets": "20", "feasibility": "20", "funding": "10"}
    services.policy_save(year=2026, actor=users["finance"], data={"exante_weights": weights})
    assessment = services.exante_start(project=large_project(departments["edu"]), actor=users["finance"])
    points = {line.dimension: line.points for line in assessment.lines.all()}
    assert points == {k: Decimal(v) for k, v in weights.items()}
    assert assessment.assessor_kind == "finance"


def test_a_score_above_its_points_is_refused_and_nothing_written(departments, users):
    assessment = services.exante_start(project=large_project(departments["edu"]), actor=users["finance"])
    with pytest.raises(ApplicationError) as exc:
        services.exante_save(
            assessment=assessment,
            actor=users["finance"],
            data={"lines": {"necessity": {"score": "20"}, "funding": {"score": "15.01"}}},
        )
    assert "score_funding" in exc.value.errors
    assert assessment.lines.get(dimension="necessity").score is None


def test_support_after_changes_needs_the_changes(departments, users):
    assessment = services.exante_start(project=large_project(departments["edu"]), actor=users["finance"])
    with pytest.raises(ApplicationError) as exc:
        services.exante_save(assessment=assessment, actor=users["finance"], data={"conclusion": "adjust"})
    assert "required_changes" in exc.value.errors


def test_submission_names_what_the_sheet_lacks(departments, users):
    assessment = services.exante_start(project=large_project(departments["edu"]), actor=users["finance"])
    services.exante_save(assessment=assessment, actor=users["finance"], data={"lines": {"necessity": {"score": "20"}}})
    with pytest.raises(ApplicationError) as exc:
        services.exante_submit(assessment=assessment, actor=users["finance"])
    assert {"score_economy", "conclusion", "summary"} <= set(exc.value.errors)
    assert "score_necessity" not in exc.value.errors


def test_finance_concludes_its_own_assessment_at_once(departments, users):
    assessment = services.exante_start(project=large_project(departments["edu"]), actor=users["finance"])
    fill(assessment, users["finance"])
    done = services.exante_submit(assessment=assessment, actor=users["finance"])
    assert done.status == "accepted"
    assert done.total == Decimal("87.00")
    assert AuditEvent.objects.filter(action="budgets.exante.concluded", object_id=str(done.pk)).exists()


def test_a_stale_sheet_is_refused(departments, users):
    assessment = services.exante_start(project=large_project(departments["edu"]), actor=users["finance"])
    services.exante_save(assessment=assessment, actor=users["finance"], data={"summary": "一"})
    with pytest.raises(ConflictError):
        services.exante_save(assessment=assessment, actor=users["finance"], data={"summary": "二"}, expected_version=1)
    assessment.refresh_from_db()
    assert assessment.summary == "一"


def test_evidence_goes_through_the_upload_checks(departments, users, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    assessment = services.exante_start(project=large_project(departments["edu"]), actor=users["finance"])
    line = assessment.lines.get(dimension="economy")
    fake = SimpleUploadedFile("报价.pdf", b"not a pdf", content_type="application/pdf")
    with pytest.raises(ApplicationError) as exc:
        services.exante_evidence_add(line=line, upload=fake, actor=users["finance"])
    assert "evidence" in exc.value.errors
    good = SimpleUploadedFile("报价.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    evidence = services.exante_evidence_add(line=line, upload=good, actor=users["finance"])
    assert evidence.original_name == "报价.pdf"
    assert line.evidence.count() == 1


# --- the evaluation firm's scope and the review ---------------------------------------------------------------


def test_the_firm_cannot_touch_a_project_it_is_not_assigned(departments, users):
    assigned = large_project(departments["edu"])
    other = large_project(departments["edu"])
    pkg = package(users, [assigned])
    with pytest.raises(services.NotAssigned):
        services.exante_start(project=other, actor=users["evaluator"], package=pkg)
    with pytest.raises(services.NotAssigned):
        services.exante_start(project=other, actor=users["evaluator"])
    theirs = services.exante_start(project=other, actor=users["finance"])
    with pytest.raises(services.NotAssigned):
        services.exante_save(assessment=theirs, actor=users["evaluator"], data={"summary": "x"})
    assert not aps.exante_for_user(user=users["evaluator"]).filter(pk=theirs.pk).exists()


def test_a_departments_whole_spending_covers_each_of_its_projects(departments, users):
    edu, water = large_project(departments["edu"]), large_project(departments["water"])
    pkg = services.package_create(
        actor=users["finance"],
        data={
            "evaluator": users["evaluator"],
            "kind": "ex_ante",
            "year": 2026,
            "name": "教育局整体",
            "department": departments["edu"],
            "starts_on": TODAY,
            "ends_on": TODAY,
        },
    )
    assert services.exante_start(project=edu, actor=users["evaluator"], package=pkg).package == pkg
    with pytest.raises(ApplicationError):
        services.exante_start(project=water, actor=users["evaluator"], package=pkg)


def test_after_the_period_the_firm_is_refused(departments, users, monkeypatch):
    project = large_project(departments["edu"])
    pkg = package(users, [project], ends=TODAY)
    assessment = services.exante_start(project=project, actor=users["evaluator"], package=pkg)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY + dt.timedelta(days=1))
    with pytest.raises(services.AssignmentClosed) as exc:
        services.exante_save(assessment=assessment, actor=users["evaluator"], data={"summary": "迟到"})
    assert exc.value.status_code == 403
    assessment.refresh_from_db()
    assert assessment.summary == ""
    # Finance extends the period: the firm works again.
    services.package_update(
        package=pkg, actor=users["finance"], data={"ends_on": TODAY + dt.timedelta(days=5)}, expected_version=1
    )
    services.exante_save(assessment=assessment, actor=users["evaluator"], data={"summary": "补正"})


def test_before_the_period_the_firm_is_refused(departments, users):
    project = large_project(departments["edu"])
    pkg = package(users, [project], starts=TODAY + dt.timedelta(days=1), ends=TODAY + dt.timedelta(days=9))
    with pytest.raises(services.AssignmentClosed):
        services.exante_start(project=project, actor=users["evaluator"], package=pkg)


def test_finance_does_not_write_the_firms_work(departments, users):
    project = large_project(departments["edu"])
    assessment = services.exante_start(project=project, actor=users["evaluator"], package=package(users, [project]))
    with pytest.raises(ApplicationError) as exc:
        services.exante_save(assessment=assessment, actor=users["finance"], data={"summary": "改"})
    assert exc.value.code == "not_yours"


def test_a_package_names_an_evaluation_firm_and_a_sane_period(departments, users):
    project = large_project(departments["edu"])
    base = {"kind": "ex_ante", "year": 2026, "name": "任务", "projects": [project], "starts_on": TODAY}
    with pytest.raises(ApplicationError) as exc:
        services.package_create(actor=users["finance"], data=base | {"evaluator": users["surveyor"], "ends_on": TODAY})
    assert "evaluator" in exc.value.errors
    with pytest.raises(ApplicationError) as exc:
        services.package_create(
            actor=users["finance"],
            data=base | {"evaluator": users["evaluator"], "ends_on": TODAY - dt.timedelta(days=1)},
        )
    assert "ends_on" in exc.value.errors
    with pytest.raises(ApplicationError) as exc:
        services.package_create(
            actor=users["finance"],
            data=base | {"evaluator": users["evaluator"], "ends_on": TODAY, "projects": []},
        )
    assert "projects" in exc.value.errors
    assert WorkPackage.objects.count() == 0


def test_finance_returns_with_reasons_and_the_firm_resubmits(departments, users):
    project = large_project(departments["edu"])
    assessment = services.exante_start(project=project, actor=users["evaluator"], package=package(users, [project]))
    fill(assessment, users["evaluator"])
    services.exante_submit(assessment=assessment, actor=users["evaluator"])
    with pytest.raises(ApplicationError) as exc:
        services.exante_review(assessment=assessment, actor=users["finance"], decision="return", reason=" ")
    assert "reason" in exc.value.errors
    returned = services.exante_review(
        assessment=assessment, actor=users["finance"], decision="return", reason="投入经济性评分依据不足"
    )
    assert returned.status == "returned"
    assert users["evaluator"].notifications.filter(kind="budgets.exante.returned").exists()
    fill(returned, users["evaluator"], summary="补充了比价材料。")
    services.exante_submit(assessment=returned, actor=users["evaluator"])
    accepted = services.exante_review(assessment=returned, actor=users["finance"], decision="accept")
    assert accepted.status == "accepted"
    actions = list(
        AuditEvent.objects.filter(object_id=str(assessment.pk), object_type="budgets.exanteassessment")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "budgets.exante.started",
        "budgets.exante.saved",
        "budgets.exante.submitted",
        "budgets.exante.returned",
        "budgets.exante.saved",
        "budgets.exante.submitted",
        "budgets.exante.accepted",
    ]
    event = AuditEvent.objects.get(action="budgets.exante.returned")
    assert event.before["status"] == "submitted" and event.after["status"] == "returned"


def test_only_submitted_work_is_reviewed(departments, users):
    project = large_project(departments["edu"])
    assessment = services.exante_start(project=project, actor=users["evaluator"], package=package(users, [project]))
    with pytest.raises(ApplicationError) as exc:
        services.exante_review(assessment=assessment, actor=users["finance"], decision="accept")
    assert exc.value.code == "invalid_state"


def test_departments_read_only_concluded_work_on_their_own_projects(departments, users):
    project = large_project(departments["edu"])
    pkg = package(users, [project])
    draft = services.exante_start(project=project, actor=users["evaluator"], package=pkg)
    assert not aps.exante_for_user(user=users["filer"]).exists()
    fill(draft, users["evaluator"])
    services.exante_submit(assessment=draft, actor=users["evaluator"])
    services.exante_review(assessment=draft, actor=users["finance"], decision="accept")
    assert aps.exante_for_user(user=users["filer"]).count() == 1
    assert not aps.exante_for_user(user=users["filer2"]).exists()


# --- key evaluations -------------------------------------------------------------------------------------------


def _self_evaluated(department, total="95.00", grade="excellent", year=2025):
    project = approved_project(department, year=year)
    Evaluation.objects.create(
        project=project,
        number=1,
        total=Decimal(total),
        grade=grade,
        amount=project.amount,
        spent=project.amount,
        execution_rate=Decimal(100),
        weights={},
        ledger=[],
        status="confirmed",
        confirmed_at=timezone.now(),
    )
    return project


def test_key_evaluation_stands_beside_the_self_evaluation_with_its_gap(departments, users):
    project = _self_evaluated(departments["water"], total="95.00")
    pkg = package(users, [project], kind="key")
    key = services.key_start(project=project, actor=users["evaluator"], package=pkg)
    services.key_save(
        key=key, actor=users["evaluator"], data={"lines": key_lines("71.50"), "findings": "工程未按期完工。"}
    )
    services.key_submit(key=key, actor=users["evaluator"])
    key = services.key_review(key=key, actor=users["finance"], decision="accept")
    assert key.grade == "fair"
    assert key.self_total == Decimal("95.00")
    assert key.gap == Decimal("23.50")
    rows = aps.gaps_by_department(year=2025)
    assert [(r["department"].code, r["gap"], r["abs_gap"]) for r in rows] == [
        ("water", Decimal("23.50"), Decimal("23.50"))
    ]


def test_gaps_average_per_department_by_absolute_size(departments, users):
    for total, key_total in (("90.00", "80.00"), ("70.00", "76.00")):
        project = _self_evaluated(departments["edu"], total=total, grade="good")
        key = services.key_start(project=project, actor=users["finance"])
        services.key_save(key=key, actor=users["finance"], data={"lines": key_lines(key_total), "findings": "核查"})
        services.key_submit(key=key, actor=users["finance"])
    (row,) = aps.gaps_by_department(year=2025)
    assert row["count"] == 2
    assert row["gap"] == Decimal("2.00")  # (10 − 6) ÷ 2
    assert row["abs_gap"] == Decimal("8.00")  # (10 + 6) ÷ 2


def test_the_recommendation_follows_the_key_evaluation(departments, users):
    project = _self_evaluated(departments["water"], total="95.00")
    services.recommendations_generate(year=2026, actor=users["finance"], department_grades={})
    rec = Recommendation.objects.get(project=project)
    assert (rec.project_grade, rec.action) == ("excellent", "priority")
    key = services.key_start(project=project, actor=users["finance"])
    services.key_save(
        key=key, actor=users["finance"], data={"lines": key_lines("55.00"), "findings": "目标大多未完成。"}
    )
    services.key_submit(key=key, actor=users["finance"])
    services.recommendations_generate(year=2026, actor=users["finance"], department_grades={})
    rec.refresh_from_db()
    assert rec.key_evaluation_id == key.pk
    assert (rec.project_grade, rec.action) == ("poor", "cut")
    assert rec.evaluation.total == Decimal("95.00")  # the self-evaluation stays beside it


def test_a_key_evaluation_not_accepted_does_not_drive_the_recommendation(departments, users):
    project = _self_evaluated(departments["water"], total="95.00")
    key = services.key_start(project=project, actor=users["evaluator"], package=package(users, [project], kind="key"))
    services.key_save(key=key, actor=users["evaluator"], data={"lines": key_lines("55.00"), "findings": "x"})
    services.key_submit(key=key, actor=users["evaluator"])
    services.recommendations_generate(year=2026, actor=users["finance"], department_grades={})
    rec = Recommendation.objects.get(project=project)
    assert rec.key_evaluation_id is None and rec.project_grade == "excellent"


def test_key_evaluation_needs_an_approved_project_and_a_valid_score(departments, users):
    draft = ProjectFactory(department=departments["edu"])
    add_targets(draft)
    with pytest.raises(ApplicationError) as exc:
        services.key_start(project=draft, actor=users["finance"])
    assert exc.value.code == "invalid_state"
    key = services.key_start(project=_self_evaluated(departments["edu"]), actor=users["finance"])
    for bad in ("20.01", "-1", "abc", "10.123"):  # decision has 20 points
        with pytest.raises(ApplicationError) as exc:
            services.key_save(key=key, actor=users["finance"], data={"lines": {"decision": {"score": bad}}})
        assert "score_decision" in exc.value.errors
    with pytest.raises(ApplicationError) as exc:  # the total is the sheet's, never typed in
        services.key_save(key=key, actor=users["finance"], data={"total": "80.00"})
    assert "total" in exc.value.errors
    assert KeyEvaluation.objects.get(pk=key.pk).total is None
    assert not KeyEvaluation.objects.get(pk=key.pk).lines.exclude(score=None).exists()
    with pytest.raises(ApplicationError) as exc:
        services.key_submit(key=key, actor=users["finance"])
    assert {"score_decision", "score_process", "score_output", "score_effect", "findings"} == set(exc.value.errors)


def test_the_firm_does_key_work_only_in_a_key_package(departments, users):
    project = _self_evaluated(departments["edu"])
    exante_pkg = package(users, [project], kind="ex_ante")
    with pytest.raises(ApplicationError) as exc:
        services.key_start(project=project, actor=users["evaluator"], package=exante_pkg)
    assert "package" in exc.value.errors
