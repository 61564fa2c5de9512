"""Redis down (SECURITY.md, Background jobs: a cache or broker outage never fails or loses a write).

The cache is pointed at a closed port (nothing listens on 127.0.0.1:1), as if Redis had stopped.
Every business write below must answer as usual and be committed, the public pages and the
public survey must answer, and the cache errors are logged, not raised.
"""

from __future__ import annotations

import logging

import pytest
from django.urls import reverse

from budgets.models import BudgetProject, BudgetTarget
from satisfaction.models import Response as SurveyResponse
from satisfaction.models import Survey

from .world import YEAR

pytestmark = pytest.mark.django_db

CLOSED_PORT = "redis://127.0.0.1:1/0"


@pytest.fixture
def cache_down(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CLOSED_PORT}}
    from django.core.cache import cache

    with pytest.raises(Exception):  # noqa: B017 - really down: any client error
        cache.get("probe")
    return cache


def test_business_writes_commit_with_the_cache_down(world, api, cache_down, caplog, django_capture_on_commit_callbacks):
    filer, finance, surveyor = api("filer"), api("finance"), api("surveyor")
    with caplog.at_level(logging.WARNING), django_capture_on_commit_callbacks(execute=True):
        created = filer.post(
            "/api/v1/budget-projects/", {"year": YEAR, "name": "断缓存项目", "amount": "1000.00"}, format="json"
        )
    assert created.status_code == 201, created.content
    assert BudgetProject.objects.filter(name="断缓存项目").exists()

    with django_capture_on_commit_callbacks(execute=True):
        target = filer.post(
            "/api/v1/budget-targets/",
            {
                "project": created.json()["id"],
                "dimension": "output",
                "subdimension": "quantity",
                "name": "场次",
                "operator": "ge",
                "value": "5",
            },
            format="json",
        )
    assert target.status_code == 201, target.content
    assert BudgetTarget.objects.filter(project_id=created.json()["id"], name="场次").exists()

    submitted = world["project_submitted"]
    with django_capture_on_commit_callbacks(execute=True):
        approved = finance.post(f"/api/v1/budget-projects/{submitted.pk}/approve/", {}, format="json")
    assert approved.status_code == 200, approved.content
    submitted.refresh_from_db()
    assert submitted.status == "approved"

    with django_capture_on_commit_callbacks(execute=True):
        edited = surveyor.patch("/api/v1/surveys/draft/", {"title": "改过的草稿"}, format="json")
    assert edited.status_code == 200, edited.content
    assert Survey.objects.get(code="draft").title == "改过的草稿"
    assert "cache" in caplog.text.lower()  # the outage is logged


def test_public_pages_and_survey_submit_answer_with_the_cache_down(world, client, cache_down, caplog):
    with caplog.at_level(logging.WARNING):
        assert client.get(reverse("public:index")).status_code == 200
        assert client.get(reverse("public:year", args=[YEAR])).status_code == 200
        survey = world["survey"]
        code = world["code"]
        url = reverse("satisfaction:public_code", args=[survey.public_key, code])
        assert client.get(url).status_code == 200
        before = SurveyResponse.objects.filter(survey=survey).count()
        answer = {f"q{world['question'].pk}": "5", f"q{world['text_question'].pk}": "好"}
        response = client.post(url, answer)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert SurveyResponse.objects.filter(survey=survey).count() == before + 1
    assert "cache" in caplog.text.lower()
