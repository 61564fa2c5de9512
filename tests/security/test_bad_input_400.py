"""Input that once answered 500: NUL characters in query parameters, forms, survey text and JSON,
a bad period filter and deeply nested JSON answer 400 (naming the field) and write nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from budgets.models import BudgetProject
from satisfaction.models import Response as SurveyResponse

from .world import YEAR

pytestmark = pytest.mark.django_db


def test_a_nul_in_a_query_parameter_is_a_400_naming_it(world, client):
    response = client.get(f"/public/{YEAR}/", {"q": "a\x00b"})
    assert response.status_code == 400 and "q" in response.content.decode()


def test_a_nul_in_a_public_survey_text_is_a_400_and_nothing_is_written(world, client):
    survey = world["survey"]
    url = reverse("satisfaction:public_code", args=[survey.public_key, world["code"]])
    before = SurveyResponse.objects.count()
    answer = {f"q{world['question'].pk}": "5", f"q{world['text_question'].pk}": "好\x00"}
    response = client.post(url, answer)
    assert response.status_code == 400
    assert f"q{world['text_question'].pk}" in response.content.decode()
    assert SurveyResponse.objects.count() == before


def test_a_nul_in_json_is_a_400_naming_the_field(world, api):
    count = BudgetProject.objects.count()
    response = api("filer").post(
        "/api/v1/budget-projects/", {"year": YEAR, "name": "项目\x00", "amount": "10.00"}, format="json"
    )
    assert response.status_code == 400
    assert "name" in response.json()["errors"]
    assert BudgetProject.objects.count() == count


def test_deeply_nested_json_is_a_400(world, api):
    nested = "[" * 5000 + '"x"' + "]" * 5000
    body = f'{{"year": {YEAR}, "name": "深", "amount": "10.00", "note": {nested}}}'
    count = BudgetProject.objects.count()
    response = api("filer").post("/api/v1/budget-projects/", body, content_type="application/json")
    assert response.status_code == 400
    assert BudgetProject.objects.count() == count


@pytest.mark.parametrize("url", ["/dashboards/?period='", "/assessments/scores/?period='"])
def test_a_bad_period_filter_is_not_a_500(world, client, url):
    client.force_login(world.users["supervisor"])
    response = client.get(url)
    assert response.status_code in (200, 302, 400, 404), response.status_code
