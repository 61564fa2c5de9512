"""Field-level authorization (docs/security.md): serializers list their fields explicitly, and a
department user cannot set status, scores, reviewer or department through any input.
Also: every background task of the project is idempotent-safe (acks_late, reject on a lost
worker, retries with backoff), and uploads are kept outside the web root.
"""

from __future__ import annotations

import importlib
import inspect
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import get_resolver
from rest_framework import serializers

from assessments.models import Appeal, Entry, Report
from budgets.models import BudgetProject, BudgetTarget

from .world import YEAR

APPS = ["organizations", "indicators", "assessments", "budgets", "satisfaction", "notifications"]


def _model_serializers():
    for app in APPS:
        module = importlib.import_module(f"{app}.api.serializers")
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, serializers.ModelSerializer) and cls.__module__ == module.__name__:
                yield f"{app}.{name}", cls


def test_every_model_serializer_lists_its_fields():
    found = list(_model_serializers())
    assert len(found) > 20
    for name, cls in found:
        meta = cls.Meta
        assert not hasattr(meta, "exclude"), f"{name} excludes fields instead of listing them"
        assert isinstance(meta.fields, list | tuple), f"{name}: fields = {meta.fields!r}"


@pytest.mark.django_db
def test_a_filer_cannot_set_review_fields_of_an_entry(world, api):
    entry = world["entry_edu"]
    before = Entry.objects.values("review_state", "review_comment", "status_colour", "lag").get(pk=entry.pk)
    response = api("filer").patch(
        f"/api/v1/entries/{entry.pk}/",
        {
            "narrative": "按计划推进",
            "review_state": "approved",
            "review_comment": "同意",
            "status_colour": "achieved",
            "lag": "-100",
            "report": world["q4_water"].pk,
        },
        format="json",
    )
    assert response.status_code == 200
    after = Entry.objects.values("review_state", "review_comment", "status_colour", "lag", "report").get(pk=entry.pk)
    assert after.pop("report") == world["q4_edu"].pk
    assert after["review_state"] == before["review_state"] and after["review_comment"] == before["review_comment"]


@pytest.mark.django_db
def test_a_filer_cannot_choose_the_department_or_status_of_a_project(world, api):
    response = api("filer").post(
        "/api/v1/budget-projects/",
        {
            "name": "自行批准的项目",
            "year": YEAR,
            "amount": "5000.00",
            "status": "approved",
            "department": "water",
            "revision": 9,
            "reviewed_at": "2026-01-01T00:00:00+08:00",
        },
        format="json",
    )
    assert response.status_code == 201
    project = BudgetProject.objects.get(pk=response.json()["id"])
    assert (project.department.code, project.status, project.revision, project.reviewed_at) == ("edu", "draft", 0, None)
    changed = api("filer").patch(
        f"/api/v1/budget-projects/{project.pk}/", {"status": "approved", "department": "water"}, format="json"
    )
    assert changed.status_code == 200
    project.refresh_from_db()
    assert (project.department.code, project.status) == ("edu", "draft")


@pytest.mark.django_db
def test_a_filer_cannot_record_actual_values_or_move_a_target(world, api):
    target = world["target"]
    response = api("filer").patch(
        f"/api/v1/budget-targets/{target.pk}/",
        {"actual": "999", "actual_note": "自报", "project": world["project_water"].pk},
        format="json",
    )
    assert response.status_code == 200
    target = BudgetTarget.objects.get(pk=target.pk)
    assert (target.actual, target.actual_note, target.project_id) == (None, "", world["project_draft"].pk)


@pytest.mark.django_db
def test_a_filer_cannot_decide_an_appeal_or_file_one_for_another_department(world, api):
    line = world["score_edu"].lines.filter(kind="indicator").order_by("order").last()
    response = api("filer").post(
        "/api/v1/appeals/",
        {
            "year": YEAR,
            "period": "annual",
            "line_key": line.key,
            "reason": "请复核",
            "status": "upheld",
            "department": "water",
            "decided_by": "supervisor",
            "total_after": "100",
        },
        format="json",
    )
    assert response.status_code == 201
    appeal = Appeal.objects.get(pk=response.json()["id"])
    assert (appeal.status, appeal.department.code, appeal.decided_by_id, appeal.total_after) == (
        "open",
        "edu",
        None,
        None,
    )


@pytest.mark.django_db
def test_a_filer_opens_only_the_own_departments_report(world, api):
    response = api("filer").post(
        "/api/v1/reports/", {"year": YEAR, "period": "Q4", "department": "water"}, format="json"
    )
    assert response.status_code == 201
    assert Report.objects.get(pk=response.json()["id"]).department.code == "edu"


def test_every_task_acks_late_survives_a_lost_worker_and_retries_with_backoff():
    from perfgov.celery import app

    app.loader.import_default_modules()
    ours = {name: task for name, task in app.tasks.items() if name.split(".")[0] in APPS}
    assert len(ours) >= 6
    for name, task in ours.items():
        assert task.acks_late and task.reject_on_worker_lost, name
        assert task.autoretry_for and task.retry_backoff and task.max_retries, name


def test_uploads_are_stored_outside_the_web_root_and_never_served_as_static_files():
    media = Path(settings.MEDIA_ROOT).resolve()
    static_root = Path(settings.STATIC_ROOT).resolve()
    assert static_root not in media.parents and media != static_root
    assert all(Path(d).resolve() not in (media, *media.parents) for d in settings.STATICFILES_DIRS)
    assert settings.MEDIA_URL is None  # no URL maps to the files: only the access-checked views serve them
    patterns = [str(p.pattern) for p in get_resolver().url_patterns]
    assert not any("media" in p or "uploads" in p for p in patterns)
