"""Survey API: permission matrix, results and quotas, writes through the services, mass assignment."""

from decimal import Decimal as D

import pytest

from audit.models import AuditEvent
from satisfaction.answers import code_hash
from satisfaction.models import AccessCode, Question, Survey
from tests.factories import RegionFactory

from .factories import AreaFactory, QuestionFactory, SurveyFactory, SurveyRegionFactory, add_answers

ROLES = [
    "filer",
    "dept_head",
    "supervisor",
    "finance",
    "surveyor",
    "leader",
    "api_client",
    "auditor",
    "admin",
    "security_admin",
]
MANAGERS = {"supervisor", "surveyor"}
READERS = {"supervisor", "surveyor", "finance", "leader", "api_client"}


@pytest.fixture
def survey(db, departments):
    s = SurveyFactory(code="s2026", year=2026)
    area = AreaFactory(survey=s, code="education", name="学有所教")
    q = QuestionFactory(survey=s, area=area, department=departments["edu"], text="学校?")
    east = SurveyRegionFactory(survey=s, region=RegionFactory(code="east", population=300_000), quota=10)
    west = SurveyRegionFactory(survey=s, region=RegionFactory(code="west", population=100_000), quota=10)
    add_answers(s, east, q, [5, 5, 4, 2])
    add_answers(s, west, q, [4, 1, 1, 1])
    SurveyFactory(code="draft", status=Survey.Status.DRAFT)
    return s


def endpoints(s):
    q = s.questions.first()
    return [
        ("get", "/api/v1/surveys/", None, READERS, 200),
        ("get", f"/api/v1/surveys/{s.code}/", None, READERS, 200),
        ("get", f"/api/v1/surveys/{s.code}/results/", None, READERS, 200),
        ("get", f"/api/v1/surveys/{s.code}/quota/", None, READERS, 200),
        ("get", "/api/v1/survey-questions/", None, READERS, 200),
        ("get", f"/api/v1/survey-questions/{q.pk}/", None, READERS, 200),
        ("post", "/api/v1/surveys/", {"code": "bad code"}, MANAGERS, 400),
        ("patch", f"/api/v1/surveys/{s.code}/", {"title": "新标题"}, MANAGERS, 200),
        ("post", "/api/v1/surveys/draft/open/", None, MANAGERS, 400),  # no questions yet
        ("post", f"/api/v1/surveys/{s.code}/codes/", {"region": "east", "count": 1}, MANAGERS, 201),
        ("post", "/api/v1/survey-questions/", {"survey": "draft", "text": "新题?", "kind": "scale"}, MANAGERS, 201),
        ("patch", f"/api/v1/survey-questions/{q.pk}/", {"text": "改?"}, MANAGERS, 400),  # survey open: frozen
        ("delete", f"/api/v1/survey-questions/{q.pk}/", None, MANAGERS, 400),
        ("post", f"/api/v1/surveys/{s.code}/close/", None, MANAGERS, 200),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(api_for, survey, role):
    for method, url, body, allowed, ok in endpoints(survey):
        response = getattr(api_for(role), method)(url, body, format="json")
        expected = ok if role in allowed else 403
        assert response.status_code == expected, (role, method, url, response.content)
        assert "detail" in response.json() or response.status_code < 300


def test_every_endpoint_is_in_the_permission_matrix(survey):
    from django.urls import URLPattern, resolve

    from satisfaction.api import urls as api_urls

    names = {p.name for p in api_urls.urlpatterns if isinstance(p, URLPattern)}
    tested = {resolve(url).url_name for _m, url, _b, _a, _ok in endpoints(survey)}
    assert names == tested


def test_anonymous_gets_401(api_for, survey):
    for method, url, body, _allowed, _ok in endpoints(survey):
        assert getattr(api_for(None), method)(url, body, format="json").status_code == 401


def test_readers_do_not_see_drafts(api_for, survey):
    codes = [s["code"] for s in api_for("leader").get("/api/v1/surveys/").json()["results"]]
    assert codes == ["s2026"]
    assert api_for("leader").get("/api/v1/surveys/draft/").status_code == 404
    assert {s["code"] for s in api_for("surveyor").get("/api/v1/surveys/").json()["results"]} == {"s2026", "draft"}


def test_results_by_area_with_weighting(api_for, survey, settings):
    settings.SATISFACTION_MIN_GROUP_SIZE = 1
    body = api_for("api_client").get("/api/v1/surveys/s2026/results/", {"by": "area", "weighted": "true"}).json()
    assert body["by"] == "area" and body["published"] is True and body["weighted"] is True
    (row,) = body["results"]
    assert row["code"] == "education" and row["name"] == "学有所教"
    assert row["estimate"]["n"] == 8
    assert D(row["estimate"]["rate"]) == D("50.00")
    assert D(row["estimate"]["score"]) == D("57.50")
    assert D(row["weighted"]["rate"]) == D("62.50")
    dept = api_for("api_client").get("/api/v1/surveys/s2026/results/", {"by": "department"}).json()["results"]
    assert dept[0]["code"] == "edu" and dept[0]["weighted"] is None


def test_published_results_are_forced_for_readers(api_for, survey, settings):
    settings.SATISFACTION_MIN_GROUP_SIZE = 10
    reader = api_for("finance").get("/api/v1/surveys/s2026/results/", {"by": "region", "published": "false"}).json()
    assert reader["published"] is True
    assert all(r["hidden"] and r["estimate"]["rate"] is None for r in reader["results"])
    manager = api_for("supervisor").get("/api/v1/surveys/s2026/results/", {"by": "region", "published": "false"})
    assert manager.json()["published"] is False
    assert {r["code"]: r["estimate"]["n"] for r in manager.json()["results"]} == {"east": 4, "west": 4}


def test_unknown_grouping_is_a_field_error(api_for, survey):
    response = api_for("leader").get("/api/v1/surveys/s2026/results/", {"by": "street"})
    assert response.status_code == 400 and "by" in response.json()["errors"]


def test_quota_status(api_for, survey):
    body = api_for("leader").get("/api/v1/surveys/s2026/quota/").json()
    assert body["quota_total"] == 20 and body["received_total"] == 8
    east = next(r for r in body["regions"] if r["code"] == "east")
    assert east["received"] == 4 and D(east["fulfilment"]) == D("40.0") and east["status"] == "open"


def test_create_survey_with_field_errors_and_audit(api_for, db):
    client = api_for("supervisor")
    bad = client.post(
        "/api/v1/surveys/",
        {"code": "x", "year": 2026, "title": "t", "opens_on": "2026-05-01", "closes_on": "2026-04-01"},
        format="json",
    )
    assert bad.status_code == 400 and "closes_on" in bad.json()["errors"]
    ok = client.post(
        "/api/v1/surveys/",
        {
            "code": "s2027",
            "year": 2027,
            "title": "调查",
            "opens_on": "2027-05-01",
            "closes_on": "2027-06-01",
            "status": "closed",  # read-only: ignored
            "version": 99,
        },
        format="json",
    )
    assert ok.status_code == 201, ok.content
    assert ok.json()["status"] == "draft" and ok.json()["version"] == 1
    assert AuditEvent.objects.filter(action="satisfaction.survey.created", actor_username="supervisor").exists()


def test_stale_update_is_refused_with_412(api_for, survey):
    client = api_for("surveyor")
    etag = client.get("/api/v1/surveys/s2026/")["ETag"]
    assert client.patch("/api/v1/surveys/s2026/", {"title": "甲"}, format="json", HTTP_IF_MATCH=etag).status_code == 200
    stale = client.patch("/api/v1/surveys/s2026/", {"title": "乙"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert Survey.objects.get(code="s2026").title == "甲"


def test_open_survey_basics_are_frozen(api_for, survey):
    response = api_for("surveyor").patch("/api/v1/surveys/s2026/", {"code": "renamed"}, format="json")
    assert response.status_code == 400 and "code" in response.json()["errors"]


def test_codes_are_returned_once_and_stored_hashed(api_for, survey):
    response = api_for("surveyor").post("/api/v1/surveys/s2026/codes/", {"region": "east", "count": 3}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert len(body["codes"]) == 3 and body["region"] == "east"
    assert all(link.endswith(f"/{c}/") for link, c in zip(body["links"], body["codes"], strict=True))
    assert set(AccessCode.objects.values_list("code_hash", flat=True)) == {code_hash(c) for c in body["codes"]}
    assert AuditEvent.objects.filter(action="satisfaction.codes.exported", data__format="json").exists()
    unknown = api_for("surveyor").post("/api/v1/surveys/s2026/codes/", {"region": "nowhere", "count": 3}, format="json")
    assert unknown.status_code == 400 and "region" in unknown.json()["errors"]


def test_questions_are_written_through_the_service(api_for, survey):
    draft = Survey.objects.get(code="draft")
    AreaFactory(survey=draft, code="medical")
    client = api_for("surveyor")
    response = client.post(
        "/api/v1/survey-questions/",
        {"survey": "draft", "area": "medical", "department": "health", "text": "医院?", "kind": "scale"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["area"] == "medical" and response.json()["department"] == "health"
    choice = client.post(
        "/api/v1/survey-questions/",
        {"survey": "draft", "text": "渠道?", "kind": "choice", "choices": ["电视", "网站"]},
        format="json",
    )
    assert choice.json()["choices"] == ["电视", "网站"]
    one = client.post(
        "/api/v1/survey-questions/", {"survey": "draft", "text": "?", "kind": "choice", "choices": ["a"]}, format="json"
    )
    assert one.status_code == 400 and "choices" in one.json()["errors"]
    wrong_area = client.post(
        "/api/v1/survey-questions/",
        {"survey": "draft", "text": "?", "kind": "scale", "area": "education"},
        format="json",
    )
    assert wrong_area.status_code == 400 and "area" in wrong_area.json()["errors"]
    assert Question.objects.filter(survey=draft).count() == 2
    assert AuditEvent.objects.filter(action="satisfaction.question.created").count() == 2
