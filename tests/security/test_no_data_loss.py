"""No data loss (docs/security.md): revisions stay readable, reference data that results depend on
cannot be deleted, imports write all rows or none.

Revisions of submitted reports, of published scores changed by an appeal and of budget sheets
are also proven in tests/assessments/test_reports.py, test_scores.py and tests/budgets; this file
adds what those do not cover: a published score changed by a recomputation, a decided appeal
that cannot be decided again, and every way reference data could be deleted (the admin site,
the API, the services, the database's own constraints).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
import tablib
from django.db import transaction
from django.db.models import ProtectedError
from django.test import Client

from assessments import services as assess
from assessments.models import Appeal, Assignment, Score, ScoreRevision
from assessments.recompute import recompute
from assessments.resources import AssignmentResource
from assessments.services.appeals import appeal_decide
from budgets.models import BudgetProject, SpendingRecord
from core.errors import ApplicationError
from indicators.models import Category, Indicator, Rule
from indicators.resources import CategoryResource, RuleResource
from organizations.admin import DepartmentResource
from organizations.models import Department, RankingGroup, Region
from satisfaction.models import Answer, Question, Survey

from .world import YEAR

pytestmark = pytest.mark.django_db


def _client(world, role):
    client = Client()
    client.force_login(world.users[role])
    return client


# --- Revisions --------------------------------------------------------------------------------------


def test_a_published_score_changed_by_a_recomputation_keeps_the_published_version(world, api):
    score = Score.objects.get(plan=world.plan, department__code="edu", period="annual")
    assert score.published
    published_total, published_revision = score.total, score.revision
    assess.event_record(
        plan=world.plan,
        rule=world.plan.library.rules.get(code="criticism"),
        department=world.departments["edu"],
        date=dt.date(YEAR, 11, 10),
        occurrences=1,
        note="通报",
        actor=world.users["supervisor"],
    )
    recompute(plan=world.plan, department_ids=[world.departments["edu"].pk])
    score.refresh_from_db()
    assert score.total == published_total - D(1)
    assert score.revision == published_revision + 1
    kept = ScoreRevision.objects.get(score=score, number=published_revision)
    assert D(kept.snapshot["total"]) == published_total  # the published state, as it was
    # and readable by the department on the score's page
    page = _client(world, "filer").get(f"/assessments/scores/edu/{YEAR}/annual/").content.decode()
    assert f"{published_total:.2f}" in page


def test_a_decided_appeal_cannot_be_decided_again(world, api):
    appeal = world["appeal_decided_edu"]
    assert appeal.status == Appeal.Status.REJECTED
    before = (appeal.status, appeal.decision_reason, appeal.decided_by_id)
    with pytest.raises(ApplicationError):
        appeal_decide(appeal=appeal, decision=Appeal.Status.UPHELD, reason="改判", actor=world.users["supervisor"])
    response = api("supervisor").post(
        f"/api/v1/appeals/{appeal.pk}/decide/", {"decision": "upheld", "reason": "改判"}, format="json"
    )
    assert response.status_code == 400
    appeal.refresh_from_db()
    assert (appeal.status, appeal.decision_reason, appeal.decided_by_id) == before
    assert "依据充分" in _client(world, "filer").get(f"/assessments/appeals/{appeal.pk}/").content.decode()


# --- Reference data that results depend on: refused or soft ----------------------------------------


def _admin_delete(world, role, obj) -> int:
    meta = obj._meta
    url = f"/admin/{meta.app_label}/{meta.model_name}/{obj.pk}/delete/"
    return _client(world, role).post(url, {"post": "yes"}).status_code


@pytest.mark.parametrize(
    ("role", "get"),
    [
        ("admin", lambda w: w.departments["edu"]),  # departments: deactivated, never deleted
        ("supervisor", lambda w: w.plan),  # plans
        ("supervisor", lambda w: w["assignment_edu"]),  # assignments: deactivated instead
        ("supervisor", lambda w: w["survey"]),  # surveys (with answers)
        ("supervisor", lambda w: w["question"]),  # questions (with answers)
    ],
    ids=["department", "plan", "assignment", "survey", "question"],
)
def test_the_admin_site_offers_no_delete_for_what_results_depend_on(world, role, get):
    obj = get(world)
    assert _admin_delete(world, role, obj) == 403
    assert type(obj).objects.filter(pk=obj.pk).exists()


@pytest.mark.parametrize(
    ("role", "get"),
    [
        ("admin", lambda w: RankingGroup.objects.get(code="social")),  # groups of departments and scores
        ("admin", lambda w: Region.objects.get(code="east")),  # regions of departments and answers
        ("supervisor", lambda w: w.plan.library.indicators.get(code="roads")),  # assigned and scored
        ("supervisor", lambda w: w.plan.library.rules.get(code="accident")),  # events recorded with it
        ("supervisor", lambda w: w.plan.library.categories.get(code="central")),  # holds indicators
        ("supervisor", lambda w: w.plan.library),  # the plan's library
    ],
    ids=["group", "region", "indicator", "rule", "category", "library"],
)
def test_the_admin_site_refuses_to_delete_what_results_depend_on(world, role, get):
    obj = get(world)
    with transaction.atomic():
        status = _admin_delete(world, role, obj)
    assert status == 200  # Django's "cannot delete: protected related objects" page, nothing deleted
    assert type(obj).objects.filter(pk=obj.pk).exists()


@pytest.mark.parametrize(
    "get",
    [
        lambda w: w.departments["edu"],
        lambda w: RankingGroup.objects.get(code="social"),
        lambda w: Region.objects.get(code="east"),
        lambda w: w.plan.library.indicators.get(code="roads"),
        lambda w: w.plan.library.rules.get(code="accident"),
        lambda w: w.plan.library.rules.get(code="late"),  # the plan's late-report rule
        lambda w: w.plan.library.categories.get(code="central"),
        lambda w: w.plan,
        lambda w: w["assignment_edu"],
        lambda w: w["project_approved"],
        lambda w: w["sr_east"],  # a survey region with answers
    ],
    ids=[
        "department",
        "group",
        "region",
        "indicator",
        "rule",
        "late-rule",
        "category",
        "plan",
        "assignment",
        "budget-project",
        "survey-region",
    ],
)
def test_the_database_itself_refuses_to_delete_what_results_depend_on(world, get):
    obj = get(world)
    with pytest.raises(ProtectedError), transaction.atomic():
        obj.delete()
    assert type(obj).objects.filter(pk=obj.pk).exists()


def test_retiring_is_the_way_out_and_keeps_every_result(world, api):
    ind = world.plan.library.indicators.get(code="roads")
    lines = Score.objects.filter(plan=world.plan, lines__indicator=ind).count()
    response = api("supervisor").post(f"/api/v1/indicators/{ind.pk}/retire/")
    assert response.status_code == 200 and response.json()["is_active"] is False
    assert Indicator.objects.filter(pk=ind.pk).exists()
    assert Score.objects.filter(plan=world.plan, lines__indicator=ind).count() == lines
    # A department too is deactivated, not deleted: its results stay.
    assert "is_active" in [f.name for f in Department._meta.fields]


def test_the_api_offers_no_delete_of_reference_data(world, api):
    sup = api("supervisor")
    assert sup.delete(f"/api/v1/indicators/{world.plan.library.indicators.first().pk}/").status_code == 405
    assert sup.delete(f"/api/v1/rules/{world.plan.library.rules.first().pk}/").status_code == 405
    assert sup.delete(f"/api/v1/categories/{world.plan.library.categories.first().pk}/").status_code == 405
    assert sup.delete(f"/api/v1/plans/{YEAR}/").status_code == 405
    assert sup.delete(f"/api/v1/assignments/{world['assignment_edu'].pk}/").status_code == 405
    assert sup.delete("/api/v1/surveys/s2026/").status_code == 405
    assert api("admin").delete("/api/v1/departments/edu/").status_code == 405
    project = f"/api/v1/budget-projects/{world['project_approved'].pk}/"
    assert api("finance").delete(project).status_code == 405
    assert api("filer").delete(project).status_code == 403  # no right beyond reading and editing drafts


def test_a_question_with_answers_cannot_be_deleted(world, api):
    question = world["question"]
    assert Answer.objects.filter(question=question).exists()
    assert api("surveyor").delete(f"/api/v1/survey-questions/{question.pk}/").status_code == 400
    page = _client(world, "surveyor").post(f"/satisfaction/{question.survey_id}/questions/{question.pk}/delete/")
    assert page.status_code in (200, 302)
    assert Question.objects.filter(pk=question.pk).exists()
    # Closing the survey does not make it deletable either.
    Survey.objects.filter(pk=question.survey_id).update(status=Survey.Status.CLOSED)
    assert api("surveyor").delete(f"/api/v1/survey-questions/{question.pk}/").status_code == 400
    assert Question.objects.filter(pk=question.pk).exists()


def test_the_targets_of_a_project_with_spending_cannot_be_deleted(world, api):
    project = world["project_approved"]
    assert SpendingRecord.objects.filter(project=project).exists()
    target = project.targets.exclude(holding_tranches__isnull=False).first()
    response = api("filer").delete(f"/api/v1/budget-targets/{target.pk}/")
    assert response.status_code == 400
    page = _client(world, "filer").post(f"/budgets/projects/{project.pk}/targets/{target.pk}/delete/")
    assert page.status_code in (200, 302, 400)
    assert project.targets.filter(pk=target.pk).exists()
    assert BudgetProject.objects.filter(pk=project.pk).exists()


# --- Imports: every row or none --------------------------------------------------------------------------


def _dataset(headers, rows):
    data = tablib.Dataset(headers=headers)
    for row in rows:
        data.append(row)
    return data


def test_a_category_import_with_one_bad_row_writes_nothing(world):
    headers = ["year", "code", "name", "parent", "points", "order", "description"]
    good = [YEAR, "imp_cat_a", "导入类别甲", "", "5", "9", ""]
    bad = [YEAR, "imp_cat_b", "导入类别乙", "nowhere", "-5", "10", ""]  # unknown parent, negative points
    good2 = [YEAR, "imp_cat_c", "导入类别丙", "", "5", "11", ""]
    result = CategoryResource().import_data(_dataset(headers, [good, bad, good2]), dry_run=False)
    assert result.has_errors() or result.has_validation_errors()
    assert not Category.objects.filter(code__startswith="imp_cat").exists()


def test_a_rule_import_with_one_bad_row_writes_nothing(world):
    headers = ["year", "code", "name", "kind", "scope", "indicator", "effect", "points", "cap", "order"]
    good = [YEAR, "imp_rule_a", "导入规则甲", "deduction", "department", "", "points", "1", "", "1"]
    bad = [YEAR, "imp_rule_b", "导入规则乙", "deduction", "indicator", "no-such-indicator", "points", "1", "", "2"]
    result = RuleResource().import_data(_dataset(headers, [good, bad]), dry_run=False)
    assert result.has_errors() or result.has_validation_errors()
    assert not Rule.objects.filter(code__startswith="imp_rule").exists()


def test_a_department_import_with_one_bad_row_writes_nothing(world):
    headers = ["code", "name", "short_name", "group", "region", "order", "is_active"]
    good = ["imp_a", "导入部门甲", "", "social", "east", "20", "1"]
    bad = ["imp_b", "导入部门乙", "", "no-such-group", "east", "21", "1"]
    good2 = ["imp_c", "导入部门丙", "", "urban", "west", "22", "1"]
    rename = ["edu", "教育局(改)", "", "social", "east", "1", "1"]  # an update in the same file
    result = DepartmentResource().import_data(_dataset(headers, [good, rename, bad, good2]), dry_run=False)
    assert result.has_errors() or result.has_validation_errors()
    assert not Department.objects.filter(code__startswith="imp_").exists()
    assert Department.objects.get(code="edu").name == "教育局"


def test_an_assignment_import_with_one_bad_row_writes_nothing(world):
    headers = ["year", "department", "indicator", "basic_target", "challenge_target"]
    before = list(Assignment.objects.order_by("pk").values_list("pk", "basic_target"))
    rows = [[YEAR, "edu", "roads", "400", ""], [YEAR, "edu", "rate", "-1", ""], [YEAR, "nowhere", "roads", "1", ""]]
    result = AssignmentResource().import_data(_dataset(headers, rows), dry_run=False)
    assert result.has_errors() or result.has_validation_errors()
    assert list(Assignment.objects.order_by("pk").values_list("pk", "basic_target")) == before


def test_the_admin_import_previews_and_offers_no_confirmation_for_a_bad_file(world):
    headers = "code,name,short_name,group,region,order,is_active\n"
    content = (headers + "imp_a,导入部门甲,,social,east,20,1\nimp_b,导入部门乙,,nowhere,east,21,1\n").encode()
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = _client(world, "admin")
    response = client.post(
        "/admin/organizations/department/import/",
        {"import_file": SimpleUploadedFile("d.csv", content, content_type="text/csv"), "format": "1"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "nowhere" in body or "错误" in body or "error" in body.lower()
    assert 'name="confirm' not in body and "process_import" not in body
    assert not Department.objects.filter(code__startswith="imp_").exists()
