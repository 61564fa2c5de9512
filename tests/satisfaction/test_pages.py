"""Builder, codes, quota board, interview and results pages: permissions, flows, audit, errors."""

import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import URLPattern, reverse
from django.utils import timezone
from openpyxl import load_workbook

from audit.models import AuditEvent
from notifications.models import Notification
from satisfaction import urls as satisfaction_urls
from satisfaction.answers import code_hash, normalise_code
from satisfaction.models import AccessCode, Area, CodeBatch, Question, Response, Survey, SurveyRegion
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
INTERVIEWERS = {"surveyor"}


@pytest.fixture
def world(db, departments):
    s = SurveyFactory(code="s2026", title="2026年度群众满意度调查")
    area = AreaFactory(survey=s, code="education", name="学有所教")
    scale = QuestionFactory(survey=s, area=area, department=departments["edu"], text="学校满意吗?")
    text = QuestionFactory(survey=s, kind=Question.Kind.TEXT, required=False, text="建议?")
    sr = SurveyRegionFactory(survey=s, region=RegionFactory(code="east", name="东区", population=1000), quota=3)
    add_answers(s, sr, scale, [5, 4])
    batch = CodeBatch.objects.create(survey=s, survey_region=sr, count=0)
    draft = SurveyFactory(code="draft", status=Survey.Status.DRAFT)
    closable = SurveyFactory(code="closable")
    return {
        "closable": closable,
        "survey": s,
        "area": area,
        "scale": scale,
        "text": text,
        "sr": sr,
        "batch": batch,
        "draft": draft,
    }


def page_urls(w):
    """Every page of the app × how it is called → the permission that lets a role use it."""
    s, pk = w["survey"], w["survey"].pk
    return [
        ("GET", reverse("satisfaction:survey_list"), READERS, 200),
        ("GET", reverse("satisfaction:survey_create"), MANAGERS, 200),
        ("GET", reverse("satisfaction:interview_start"), INTERVIEWERS, 200),
        ("GET", reverse("satisfaction:survey_detail", args=[pk]), MANAGERS, 200),
        ("GET", reverse("satisfaction:survey_edit", args=[pk]), MANAGERS, 200),
        ("POST", reverse("satisfaction:survey_open", args=[w["draft"].pk]), MANAGERS, 302),
        ("POST", reverse("satisfaction:survey_close", args=[w["closable"].pk]), MANAGERS, 302),
        ("GET", reverse("satisfaction:area_create", args=[w["draft"].pk]), MANAGERS, 200),
        ("POST", reverse("satisfaction:area_standard", args=[w["draft"].pk]), MANAGERS, 302),
        ("GET", reverse("satisfaction:area_edit", args=[pk, w["area"].pk]), MANAGERS, 200),
        ("POST", reverse("satisfaction:area_delete", args=[pk, w["area"].pk]), MANAGERS, 302),
        ("GET", reverse("satisfaction:question_create", args=[pk]), MANAGERS, 200),
        ("GET", reverse("satisfaction:question_edit", args=[pk, w["scale"].pk]), MANAGERS, 200),
        ("POST", reverse("satisfaction:question_delete", args=[pk, w["scale"].pk]), MANAGERS, 302),
        ("GET", reverse("satisfaction:text_answers", args=[pk, w["text"].pk]), MANAGERS, 200),
        ("GET", reverse("satisfaction:quotas", args=[pk]), MANAGERS, 200),
        ("POST", reverse("satisfaction:region_toggle", args=[pk, w["sr"].pk]), MANAGERS, 302),
        ("GET", reverse("satisfaction:codes", args=[pk]), MANAGERS, 200),
        ("POST", reverse("satisfaction:batch_void", args=[pk, w["batch"].pk]), MANAGERS, 302),
        ("GET", reverse("satisfaction:quota_board", args=[pk]), MANAGERS, 200),
        ("GET", reverse("satisfaction:quota_board_live", args=[pk]), MANAGERS, 200),
        ("GET", reverse("satisfaction:interview", args=[pk]), INTERVIEWERS, 200),
        ("GET", reverse("satisfaction:results", args=[pk]), READERS, 200),
        ("GET", reverse("satisfaction:results_export", args=[pk]), READERS, 200),
        ("GET", reverse("satisfaction:public_survey", args=[s.public_key]), "public", 200),
        ("GET", reverse("satisfaction:public_thanks", args=[s.public_key]), "public", 200),
        ("GET", reverse("satisfaction:public_code", args=[s.public_key, "AAAAA-BBBBB"]), "public", 404),
    ]


@pytest.mark.parametrize("role", [*ROLES, None])
def test_permission_matrix(world, client_for, role):
    for method, url, allowed, ok in page_urls(world):
        client = client_for(role) if role else Client()
        response = client.get(url) if method == "GET" else client.post(url)
        if allowed == "public":
            expected = ok
        elif role is None:
            expected = 302  # to the login page
        else:
            expected = ok if role in allowed else 403
        assert response.status_code == expected, (role, method, url, response.status_code)
        if role is None and allowed != "public":
            assert reverse("login") in response["Location"]


def test_every_page_is_in_the_permission_matrix(world):
    names = {p.name for p in satisfaction_urls.urlpatterns if isinstance(p, URLPattern)}
    tested = set()
    for _method, url, _allowed, _ok in page_urls(world):
        from django.urls import resolve

        tested.add(resolve(url).url_name)
    assert names == tested


def test_a_draft_is_not_found_for_readers(world, client_for):
    url = reverse("satisfaction:results", args=[world["draft"].pk])
    assert client_for("leader").get(url).status_code == 404
    assert client_for("surveyor").get(url).status_code == 200
    listing = client_for("leader").get(reverse("satisfaction:survey_list")).content.decode()
    assert "s2026" in listing and "draft" not in listing


# --- Building a survey ----------------------------------------------------------------------------


def test_build_open_and_close_a_survey(db, client_for, departments):
    RegionFactory(code="east", name="东区", population=300)
    RegionFactory(code="west", name="西区", population=100)
    c = client_for("surveyor")
    today = timezone.localdate()
    response = c.post(
        reverse("satisfaction:survey_create"),
        {
            "year": 2026,
            "code": "s2026",
            "title": "2026年度群众满意度调查",
            "access": "code",
            "opens_on": today.isoformat(),
            "closes_on": (today + dt.timedelta(days=30)).isoformat(),
            "intro": "",
        },
    )
    assert response.status_code == 302
    survey = Survey.objects.get(code="s2026")
    assert survey.status == "draft" and survey.created_by.username == "surveyor"
    assert AuditEvent.objects.filter(action="satisfaction.survey.created", object_id=str(survey.pk)).exists()
    # Opening without questions or regions is refused with a message.
    c.post(reverse("satisfaction:survey_open", args=[survey.pk]))
    survey.refresh_from_db()
    assert survey.status == "draft"
    c.post(reverse("satisfaction:area_standard", args=[survey.pk]))
    assert list(survey.areas.values_list("name", flat=True))[:3] == ["幼有所育", "学有所教", "劳有所得"]
    assert survey.areas.count() == 9
    edu = survey.areas.get(code="education")
    response = c.post(
        reverse("satisfaction:question_create", args=[survey.pk]),
        {"area": edu.pk, "department": departments["edu"].pk, "order": 1, "text": "学校?", "kind": "scale"},
    )
    assert response.status_code == 302
    response = c.post(
        reverse("satisfaction:question_create", args=[survey.pk]),
        {"order": 2, "text": "渠道?", "kind": "choice", "required": "on", "choices": "电视\n网站\n\n微信"},
    )
    assert response.status_code == 302
    assert list(Question.objects.get(text="渠道?").choices.values_list("value", "label")) == [
        (1, "电视"),
        (2, "网站"),
        (3, "微信"),
    ]
    # Share 100 by population (300 : 100), then save.
    proposal = c.post(reverse("satisfaction:quotas", args=[survey.pk]), {"distribute": "1", "dist-total": "100"})
    assert proposal.status_code == 200
    assert 'value="75"' in proposal.content.decode() and 'value="25"' in proposal.content.decode()
    east, west = RegionFactory(code="east"), RegionFactory(code="west")
    c.post(reverse("satisfaction:quotas", args=[survey.pk]), {f"quota_{east.pk}": "75", f"quota_{west.pk}": "25"})
    assert dict(survey.regions.values_list("region__code", "quota")) == {"east": 75, "west": 25}
    c.post(reverse("satisfaction:survey_open", args=[survey.pk]))
    survey.refresh_from_db()
    assert survey.status == "open"
    assert AuditEvent.objects.filter(action="satisfaction.survey.opened", object_id=str(survey.pk)).exists()
    # Questions are frozen once open.
    q = Question.objects.get(text="学校?")
    response = c.post(
        reverse("satisfaction:question_edit", args=[survey.pk, q.pk]), {"order": 1, "text": "改了?", "kind": "scale"}
    )
    assert response.status_code == 200 and "调查开始后题目不能再修改" in response.content.decode()
    assert Question.objects.get(pk=q.pk).text == "学校?"
    c.post(reverse("satisfaction:survey_close", args=[survey.pk]))
    survey.refresh_from_db()
    assert survey.status == "closed" and survey.closed_by.username == "surveyor"
    event = AuditEvent.objects.get(action="satisfaction.survey.closed", object_id=str(survey.pk))
    assert event.actor_username == "surveyor"
    assert event.before["status"] == "open" and event.after["status"] == "closed"
    assert {r["region"] for r in event.data["regions_short"]} == {"east", "west"}


def test_field_errors_on_the_survey_form(db, client_for):
    today = timezone.localdate()
    response = client_for("supervisor").post(
        reverse("satisfaction:survey_create"),
        {
            "year": 1999,
            "code": "Bad Code",
            "title": "",
            "access": "code",
            "opens_on": today.isoformat(),
            "closes_on": (today - dt.timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) >= {"year", "code", "title", "closes_on"}
    assert "截止日期不能早于开始日期" in " ".join(form.errors["closes_on"])
    assert not Survey.objects.exists()


def test_choice_question_needs_two_choices(world, client_for):
    draft = world["draft"]
    response = client_for("surveyor").post(
        reverse("satisfaction:question_create", args=[draft.pk]), {"order": 1, "text": "渠道?", "kind": "choice"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["choices"]


def test_a_quota_cannot_go_below_the_answers_received(world, client_for):
    sr = world["sr"]
    response = client_for("surveyor").post(
        reverse("satisfaction:quotas", args=[world["survey"].pk]), {f"quota_{sr.region_id}": "1"}
    )
    assert response.status_code == 200
    assert "配额不能低于已收到的 2 份答卷" in response.content.decode()
    assert SurveyRegion.objects.get(pk=sr.pk).quota == 3


def test_a_survey_of_another_kind_of_url_is_404(world, client_for):
    other = SurveyFactory(code="other")
    area = AreaFactory(survey=other)
    url = reverse("satisfaction:area_edit", args=[world["survey"].pk, area.pk])
    assert client_for("surveyor").get(url).status_code == 404


# --- Codes ----------------------------------------------------------------------------------------


def test_generating_codes_downloads_them_once(world, client_for):
    survey, sr = world["survey"], world["sr"]
    response = client_for("surveyor").post(
        reverse("satisfaction:codes", args=[survey.pk]), {"survey_region": sr.pk, "count": 25}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Cache-Control"] == "no-store"
    ws = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 25
    codes = [r[2] for r in rows]
    assert all(r[1] == "东区" for r in rows)
    assert all(r[3].endswith(f"/satisfaction/s/{survey.public_key}/{c}/") for r, c in zip(rows, codes, strict=True))
    stored = set(AccessCode.objects.filter(batch__survey=survey).values_list("code_hash", flat=True))
    assert {code_hash(c) for c in codes} == stored
    # Only hashes are kept: no code appears in clear anywhere in the code table.
    assert not AccessCode.objects.filter(code_hash__in=[normalise_code(c) for c in codes]).exists()
    batch = CodeBatch.objects.get(survey=survey, count=25)
    for action in ("satisfaction.codes.generated", "satisfaction.codes.exported"):
        event = AuditEvent.objects.get(action=action)
        assert event.actor_username == "surveyor" and event.data["batch"] == batch.pk and event.data["count"] == 25
    # A code from the file opens the survey.
    assert Client().get(rows[0][3].split("testserver")[-1]).status_code == 200


def test_code_count_is_checked(world, client_for, settings):
    settings.SATISFACTION_MAX_CODES_PER_BATCH = 10
    response = client_for("surveyor").post(
        reverse("satisfaction:codes", args=[world["survey"].pk]), {"survey_region": world["sr"].pk, "count": 11}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["count"]
    assert not AccessCode.objects.exists()


def test_voiding_a_batch_stops_its_unused_codes(world, client_for):
    survey, sr = world["survey"], world["sr"]
    c = client_for("surveyor")
    response = c.post(reverse("satisfaction:codes", args=[survey.pk]), {"survey_region": sr.pk, "count": 2})
    link = load_workbook(io.BytesIO(response.content)).worksheets[0]["D2"].value.split("testserver")[-1]
    batch = CodeBatch.objects.get(survey=survey, count=2)
    c.post(reverse("satisfaction:batch_void", args=[survey.pk, batch.pk]))
    assert AccessCode.objects.filter(batch=batch, state="void").count() == 2
    assert Client().get(link).status_code == 410
    assert AuditEvent.objects.filter(action="satisfaction.codes.voided").exists()


# --- Quota board, regions, interviews, results ------------------------------------------------------


def test_quota_board_shows_fulfilment_and_polls(world, client_for):
    response = client_for("surveyor").get(reverse("satisfaction:quota_board", args=[world["survey"].pk]))
    html = response.content.decode()
    assert "东区" in html and "66.7%" in html
    assert 'hx-trigger="every 10s"' in html
    live = client_for("surveyor").get(reverse("satisfaction:quota_board_live", args=[world["survey"].pk]))
    assert "<html" not in live.content.decode() and 'id="quota-board"' in live.content.decode()


def test_closing_a_region_early(world, client_for):
    sr = world["sr"]
    url = reverse("satisfaction:region_toggle", args=[world["survey"].pk, sr.pk])
    response = client_for("supervisor").post(url, {"next": "https://evil.example/"})
    assert response["Location"].startswith("/satisfaction/")
    assert SurveyRegion.objects.get(pk=sr.pk).is_closed
    assert AuditEvent.objects.filter(action="satisfaction.region.closed").exists()


def test_interview_entry_counts_for_the_region(world, client_for):
    survey, sr, scale = world["survey"], world["sr"], world["scale"]
    c = client_for("surveyor")
    missing = c.post(reverse("satisfaction:interview", args=[survey.pk]), {f"q{scale.pk}": "4"})
    assert missing.status_code == 400 and "请选择您所在的区县" in missing.content.decode()
    response = c.post(reverse("satisfaction:interview", args=[survey.pk]), {"region": sr.pk, f"q{scale.pk}": "4"})
    assert response.status_code == 302
    assert Response.objects.filter(survey=survey, channel="interview").count() == 3
    assert SurveyRegion.objects.get(pk=sr.pk).received == 3
    event = AuditEvent.objects.get(action="satisfaction.interview.entered")
    assert event.actor_username == "surveyor" and event.data["region"] == "east"
    full = c.post(reverse("satisfaction:interview", args=[survey.pk]), {"region": sr.pk, f"q{scale.pk}": "4"})
    assert full.status_code == 400 and "不再接收" in full.content.decode()


def test_results_page_and_export(world, client_for, settings):
    settings.SATISFACTION_MIN_GROUP_SIZE = 1
    survey = world["survey"]
    page = client_for("leader").get(reverse("satisfaction:results", args=[survey.pk]), {"weighted": "1"})
    html = page.content.decode()
    assert "100.00%" in html  # 5 and 4: both satisfied
    assert 'id="chart-area"' in html and "echarts.min.js" in html
    assert "学有所教" in html and "教育局" in html
    export = client_for("leader").get(reverse("satisfaction:results_export", args=[survey.pk]), {"weighted": "1"})
    wb = load_workbook(io.BytesIO(export.content))
    overall = list(wb.worksheets[0].iter_rows(min_row=2, values_only=True))[0]
    assert overall[2] == 2 and overall[3] == 100.0 and overall[6] == 90.0  # n, rate, score
    event = AuditEvent.objects.get(action="satisfaction.results.exported")
    assert event.actor_username == "leader" and event.data == {"weighted": True, "published": True}


def test_readers_get_small_groups_hidden_managers_see_them_flagged(world, client_for, settings):
    settings.SATISFACTION_MIN_GROUP_SIZE = 30
    url = reverse("satisfaction:results", args=[world["survey"].pk])
    # Below the minimum every page says 样本不足 and shows no figure; the managers still see how
    # many respondents the group has.
    leader = client_for("leader").get(url).content.decode()
    assert "样本不足" in leader and "100.00%" not in leader
    surveyor = client_for("surveyor").get(url).content.decode()
    assert "样本不足" in surveyor and "100.00%" not in surveyor
    assert "少于 30 名受访者" in surveyor
    preview = client_for("surveyor").get(url, {"published": "1"}).content.decode()
    assert "100.00%" not in preview and "样本不足" in preview


def test_text_answers_are_for_managers(world, client_for):
    from satisfaction.models import TextAnswer

    survey = world["survey"]
    response = Response.objects.filter(survey=survey).first()
    TextAnswer.objects.create(response=response, survey=survey, question=world["text"], text="多建公园")
    url = reverse("satisfaction:text_answers", args=[survey.pk, world["text"].pk])
    assert "多建公园" in client_for("supervisor").get(url).content.decode()


def test_areas_are_edited_only_in_a_draft(world, client_for):
    response = client_for("surveyor").post(
        reverse("satisfaction:area_delete", args=[world["survey"].pk, world["area"].pk])
    )
    assert response.status_code == 302
    assert Area.objects.filter(pk=world["area"].pk).exists()


def test_the_navigation_links_the_survey_pages(world, client_for):
    html = client_for("surveyor").get(reverse("home")).content.decode()
    assert reverse("satisfaction:survey_list") in html and reverse("satisfaction:interview_start") in html
    assert reverse("satisfaction:interview_start") not in client_for("leader").get(reverse("home")).content.decode()
    assert Notification.objects.count() == 0
