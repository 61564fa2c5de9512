"""Regression tests for what fuzzing the API found (test_fuzz_api.py): each is a rule a client relies on.

- A validation error inside a list (``{"ids": [1, 0]}``) answered 500 instead of 400.
- A budget project just changed answered ``"spent": null`` where a read gives the amount spent.
- The schema said "string" or "object" where the API answers null (a user without a department,
  a library not cloned, a target without an indicator, a tranche not released, an evaluation or
  recommendation nobody decided), said a fixed set of values where a blank is answered, and said
  "paginated" for lists that are not.
"""

import pytest
import yaml

from .world import YEAR

pytestmark = pytest.mark.django_db


def test_an_error_inside_a_list_is_a_400_that_names_the_field(world, api):
    response = api("supervisor").post("/api/v1/notifications/mark-read/", {"ids": [1, 0]}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["detail"].startswith("ids: ")
    assert "ids" in body["errors"]


def test_a_changed_project_reports_the_money_spent(world, api):
    project = world["project_approved"]
    finance = api("finance")
    read = api("filer").get(f"/api/v1/budget-projects/{project.pk}/").json()
    assert read["spent"] == "100.00"
    draft = world["project_draft"]
    changed = api("filer").patch(f"/api/v1/budget-projects/{draft.pk}/", {"name": "改名"}, format="json")
    assert changed.status_code == 200 and changed.json()["spent"] == "0.00"
    returned = finance.post(f"/api/v1/budget-projects/{world['project_submitted'].pk}/return/", {"reason": "补充"})
    assert returned.status_code == 200 and returned.json()["spent"] == "0.00"


@pytest.fixture
def components(world, api):
    return yaml.safe_load(api("supervisor").get("/api/schema/").content)["components"]["schemas"]


def _nullable(prop: dict) -> bool:
    return prop.get("nullable") is True


@pytest.mark.parametrize(
    ("component", "field"),
    [
        ("Me", "department"),
        ("Library", "cloned_from"),
        ("Target", "indicator"),
        ("TargetNested", "indicator"),
        ("Tranche", "released_by"),
        ("Evaluation", "computed_by"),
        ("Recommendation", "decided_by"),
    ],
)
def test_the_schema_admits_null_where_the_api_answers_null(components, component, field):
    assert _nullable(components[component]["properties"][field])


def test_the_api_does_answer_null_there(world, api):
    assert api("supervisor").get("/api/v1/me/").json()["department"] is None
    assert api("supervisor").get(f"/api/v1/libraries/{YEAR}/").json()["cloned_from"] is None
    assert api("filer").get(f"/api/v1/budget-targets/{world['target'].pk}/").json()["indicator"] is None
    assert api("finance").get(f"/api/v1/budget-tranches/{world['tranche_held'].pk}/").json()["released_by"] is None
    rec = api("finance").get(f"/api/v1/budget-recommendations/{world['recommendation'].pk}/").json()
    assert rec["decided_by"] is None and rec["final_action"] == ""


@pytest.mark.parametrize("field", ["flag_reason", "project_grade", "department_grade_column", "action", "final_action"])
def test_the_schema_admits_the_blank_value_of_a_recommendation(components, field):
    prop = components["Recommendation"]["properties"][field]
    refs = [alt.get("$ref", "") for alt in prop.get("oneOf", [])]
    assert "#/components/schemas/BlankEnum" in refs, prop


def test_lists_that_are_not_paginated_are_not_described_as_paginated(world, api):
    schema = yaml.safe_load(api("supervisor").get("/api/schema/").content)
    paths = schema["paths"]
    for path in (
        "/api/v1/budget-policies/",
        "/api/v1/budget-projects/{id}/revisions/",
        "/api/v1/budget-recommendations/summary/",
    ):
        body = paths[path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        assert body["type"] == "array", path
    assert isinstance(api("finance").get("/api/v1/budget-policies/").json(), list)
