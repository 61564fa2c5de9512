"""Optimistic locking on the API (docs/security.md, No data loss): ETag / If-Match → 412.

Every versioned resource answers a read with ``ETag: W/"<version>"``; a write that sends an
``If-Match`` naming an older version is refused with 412 and changes nothing; with the current
tag it goes through and the answer carries the new tag. Without ``If-Match`` the ``version`` in
the body keeps working as before (409 when stale).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest
import yaml

from assessments.models import Report
from audit.models import AuditEvent

from .world import YEAR

pytestmark = pytest.mark.django_db


@dataclasses.dataclass(frozen=True)
class Versioned:
    label: str
    role: str
    url: Callable  # world → detail URL (the one that gives the ETag)
    method: str
    write_url: Callable | None  # world → URL of the write (default: the detail URL)
    body: dict
    reread: Callable  # world → the object's fields a user would notice, read from the database


def _ind(w):
    return w.plan.library.indicators.get(code="roads")


def _rule(w):
    return w.plan.library.rules.get(code="criticism")


CASES = [
    Versioned(
        "entry",
        "filer",
        lambda w: f"/api/v1/entries/{w['entry_edu'].pk}/",
        "patch",
        None,
        {"narrative": "新的进展说明"},
        lambda w: w["entry_edu"].__class__.objects.values("narrative", "version").get(pk=w["entry_edu"].pk),
    ),
    Versioned(
        "report approval",
        "supervisor",
        lambda w: f"/api/v1/reports/{w['q3_water'].pk}/",
        "post",
        lambda w: f"/api/v1/reports/{w['q3_water'].pk}/approve/",
        {},
        lambda w: Report.objects.values("status", "version").get(pk=w["q3_water"].pk),
    ),
    Versioned(
        "indicator",
        "supervisor",
        lambda w: f"/api/v1/indicators/{_ind(w).pk}/",
        "patch",
        None,
        {"name": "农村公路新改建里程"},
        lambda w: type(_ind(w)).objects.values("name", "version").get(pk=_ind(w).pk),
    ),
    Versioned(
        "rule",
        "supervisor",
        lambda w: f"/api/v1/rules/{_rule(w).pk}/",
        "patch",
        None,
        {"name": "被市级通报批评"},
        lambda w: type(_rule(w)).objects.values("name", "version").get(pk=_rule(w).pk),
    ),
    Versioned(
        "assignment grade",
        "supervisor",
        lambda w: f"/api/v1/assignments/{w['assignment_grade'].pk}/",
        "post",
        lambda w: f"/api/v1/assignments/{w['assignment_grade'].pk}/grade/",
        {"grade": "A", "note": "成效显著"},
        lambda w: {
            "graded": type(w["assignment_grade"])
            .objects.filter(pk=w["assignment_grade"].pk, grade_assessment__isnull=False)
            .exists()
        },
    ),
    Versioned(
        "budget project",
        "filer",
        lambda w: f"/api/v1/budget-projects/{w['project_draft'].pk}/",
        "patch",
        None,
        {"name": "校园活动经费"},
        lambda w: type(w["project_draft"]).objects.values("name", "version").get(pk=w["project_draft"].pk),
    ),
    Versioned(
        "budget target",
        "filer",
        lambda w: f"/api/v1/budget-targets/{w['target'].pk}/",
        "patch",
        None,
        {"name": "讲师课时费上限"},
        lambda w: type(w["target"]).objects.values("name", "version").get(pk=w["target"].pk),
    ),
    Versioned(
        "budget recommendation",
        "finance",
        lambda w: f"/api/v1/budget-recommendations/{w['recommendation'].pk}/",
        "post",
        lambda w: f"/api/v1/budget-recommendations/{w['recommendation'].pk}/accept/",
        {},
        lambda w: type(w["recommendation"]).objects.values("status", "version").get(pk=w["recommendation"].pk),
    ),
    Versioned(
        "budget policy",
        "finance",
        lambda w: f"/api/v1/budget-policies/{YEAR}/",
        "patch",
        None,
        {"grade_excellent": "92.00"},
        lambda w: _policy(),
    ),
    Versioned(
        "survey",
        "surveyor",
        lambda w: "/api/v1/surveys/draft/",
        "patch",
        None,
        {"title": "2026年营商环境满意度调查"},
        lambda w: type(w["survey_draft"]).objects.values("title", "version").get(pk=w["survey_draft"].pk),
    ),
]


def _policy():
    from budgets.models import BudgetPolicy

    row = BudgetPolicy.objects.filter(year=YEAR).values("grade_excellent", "version").first()
    return row or {"grade_excellent": None, "version": 1}


def _tag(response) -> str:
    tag = response["ETag"]
    assert tag.startswith('W/"') and tag.endswith('"'), tag
    return tag


@pytest.mark.parametrize("case", CASES, ids=[c.label for c in CASES])
def test_a_stale_if_match_is_refused_with_412_and_changes_nothing(world, api, case):
    client = api(case.role)
    read = client.get(case.url(world))
    assert read.status_code == 200
    tag = _tag(read)
    version = int(tag[3:-1])
    stale = f'W/"{version + 7}"'
    before = case.reread(world)
    audit_before = AuditEvent.objects.count()

    refused = getattr(client, case.method)(
        (case.write_url or case.url)(world), case.body, format="json", HTTP_IF_MATCH=stale
    )

    assert refused.status_code == 412, refused.content
    body = refused.json()
    assert body["code"] == "conflict" and body["detail"]
    assert case.reread(world) == before  # nothing changed
    assert AuditEvent.objects.count() == audit_before  # and nothing was recorded as done


@pytest.mark.parametrize("case", CASES, ids=[c.label for c in CASES])
def test_the_current_if_match_goes_through_and_gives_the_new_etag(world, api, case):
    client = api(case.role)
    tag = _tag(client.get(case.url(world)))
    before = case.reread(world)

    done = getattr(client, case.method)(
        (case.write_url or case.url)(world), case.body, format="json", HTTP_IF_MATCH=tag
    )

    assert done.status_code == 200, done.content
    after = case.reread(world)
    assert after != before
    new_tag = _tag(done)
    again = client.get(case.url(world))
    assert _tag(again) == new_tag
    if "version" in after:
        assert new_tag == f'W/"{after["version"]}"' and new_tag != tag


def test_the_plan_and_every_versioned_read_carries_the_current_version(world, api):
    client = api("supervisor")
    plan = client.get(f"/api/v1/plans/{YEAR}/")
    assert plan["ETag"] == f'W/"{world.plan.version}"'
    entry = api("filer").get(f"/api/v1/entries/{world['entry_edu'].pk}/")
    assert entry["ETag"] == f'W/"{entry.json()["version"]}"'
    # Lists and reports about an object carry none: they are not the object's representation.
    assert "ETag" not in client.get("/api/v1/indicators/").headers
    assert "ETag" not in client.get(f"/api/v1/surveys/{world['survey'].code}/results/").headers


def test_a_strong_tag_a_bare_number_and_a_star_match_too(world, api):
    client = api("filer")
    url = f"/api/v1/entries/{world['entry_edu'].pk}/"
    version = client.get(url).json()["version"]
    assert client.patch(url, {"narrative": "一"}, format="json", HTTP_IF_MATCH=f'"{version}"').status_code == 200
    assert client.patch(url, {"narrative": "二"}, format="json", HTTP_IF_MATCH=str(version + 1)).status_code == 200
    assert client.patch(url, {"narrative": "三"}, format="json", HTTP_IF_MATCH="*").status_code == 200
    listed = f'W/"1", W/"{version + 3}"'
    assert client.patch(url, {"narrative": "四"}, format="json", HTTP_IF_MATCH=listed).status_code == 200
    assert client.patch(url, {"narrative": "五"}, format="json", HTTP_IF_MATCH='W/"1"').status_code == 412


def test_without_if_match_the_body_version_still_decides(world, api):
    client = api("filer")
    url = f"/api/v1/entries/{world['entry_edu'].pk}/"
    version = client.get(url).json()["version"]
    ok = client.patch(url, {"narrative": "按计划", "version": version}, format="json")
    assert ok.status_code == 200 and ok.json()["version"] == version + 1
    stale = client.patch(url, {"narrative": "覆盖", "version": version}, format="json")
    assert stale.status_code == 409
    assert client.get(url).json()["narrative"] == "按计划"
    # No version at all: the last write wins, as before (the pages always send one).
    assert client.patch(url, {"narrative": "无版本"}, format="json").status_code == 200


def test_the_precondition_is_checked_after_the_permission(world, api):
    """A stale If-Match never tells an outsider anything: the permission and the scope come first."""
    url = f"/api/v1/entries/{world['entry_edu'].pk}/"
    assert api("filer2").patch(url, {"narrative": "x"}, format="json", HTTP_IF_MATCH='W/"99"').status_code == 404
    assert api("leader").patch(url, {"narrative": "x"}, format="json", HTTP_IF_MATCH='W/"99"').status_code == 403


def test_a_deleted_object_with_the_current_tag_is_deleted(world, api):
    client = api("filer")
    url = f"/api/v1/budget-targets/{world['target'].pk}/"
    tag = _tag(client.get(url))
    assert client.delete(url, HTTP_IF_MATCH='W/"99"').status_code == 412
    assert client.get(url).status_code == 200
    assert client.delete(url, HTTP_IF_MATCH=tag).status_code == 204
    assert client.get(url).status_code == 404


def test_the_schema_documents_if_match_and_412_on_versioned_writes(world, api):
    schema = yaml.safe_load(api("supervisor").get("/api/schema/").content)
    op = schema["paths"]["/api/v1/entries/{id}/"]["patch"]
    assert any(p["name"] == "If-Match" and p["in"] == "header" for p in op["parameters"])
    assert "412" in op["responses"]
    # Not on reads, and not on resources without a version.
    assert not any(
        p["name"] == "If-Match" for p in schema["paths"]["/api/v1/entries/{id}/"]["get"].get("parameters", [])
    )
    assert "412" not in schema["paths"]["/api/v1/categories/{id}/"]["patch"]["responses"]
