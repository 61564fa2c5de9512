"""The public survey page: codes, quotas, open links, floods, CSRF, field errors, privacy."""

import datetime as dt
import hashlib
import hmac
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from core.errors import ApplicationError
from satisfaction import selectors, services
from satisfaction.answers import clean_answers, code_hash
from satisfaction.models import AccessCode, Answer, Question, Response, Survey, SurveyRegion, TextAnswer
from tests.factories import RegionFactory

from .factories import AreaFactory, QuestionFactory, SurveyFactory, SurveyRegionFactory


@pytest.fixture
def survey(db):
    s = SurveyFactory(code="pub", title="2026年度群众满意度调查")
    area = AreaFactory(survey=s, code="education", name="学有所教")
    QuestionFactory(survey=s, area=area, text="您对学校满意吗?", order=1)
    QuestionFactory(survey=s, area=area, text="您的孩子上学方便吗?", kind=Question.Kind.YESNO, order=2)
    QuestionFactory(survey=s, text="您的建议?", kind=Question.Kind.TEXT, required=False, order=3)
    SurveyRegionFactory(survey=s, region=RegionFactory(code="east", name="东区"), quota=2)
    return s


def questions(survey):
    return {q.kind: q for q in survey.questions.all()}


def make_code(survey, region_code="east"):
    sr = SurveyRegion.objects.get(survey=survey, region__code=region_code)
    _batch, codes = services.codes_generate(survey_region=sr, count=1, actor=None)
    return codes[0]


def url(survey, code=None):
    if code is None:
        return reverse("satisfaction:public_survey", args=[survey.public_key])
    return reverse("satisfaction:public_code", args=[survey.public_key, code])


def answers(survey, **extra):
    q = questions(survey)
    data = {f"q{q['scale'].pk}": "5", f"q{q['yesno'].pk}": "1", f"q{q['text'].pk}": "多建公园"}
    data.update(extra)
    return data


def test_a_code_answers_once(client, survey):
    code = make_code(survey)
    page = client.get(url(survey, code))
    assert page.status_code == 200
    html = page.content.decode()
    assert "您对学校满意吗?" in html and "<fieldset" in html and "<legend" in html
    assert 'name="csrfmiddlewaretoken"' in html
    response = client.post(url(survey, code), answers(survey))
    assert response.status_code == 302
    assert response["Location"] == reverse("satisfaction:public_thanks", args=[survey.public_key])
    assert "感谢" in client.get(response["Location"]).content.decode()
    assert Response.objects.filter(survey=survey, channel="code").count() == 1
    assert Answer.objects.filter(survey=survey).count() == 2
    assert TextAnswer.objects.get(survey=survey).text == "多建公园"
    assert AccessCode.objects.get(code_hash=code_hash(code)).state == "used"
    assert SurveyRegion.objects.get(survey=survey).received == 1
    # The same code again: refused when opened and when submitted, nothing more stored.
    again = client.get(url(survey, code))
    assert again.status_code == 409
    assert "已被使用" in again.content.decode()
    assert client.post(url(survey, code), answers(survey)).status_code == 409
    assert Response.objects.filter(survey=survey).count() == 1


def test_a_code_is_accepted_in_any_case_and_grouping(client, survey):
    code = make_code(survey)
    messy = f"{code[:3].lower()} {code[3:]}"
    response = client.get(url(survey), {"code": messy})
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200


def test_a_full_region_takes_no_more_answers(client, survey):
    codes = [make_code(survey) for _ in range(3)]
    assert client.post(url(survey, codes[0]), answers(survey)).status_code == 302
    assert client.post(url(survey, codes[1]), answers(survey)).status_code == 302
    page = client.get(url(survey, codes[2]))
    assert page.status_code == 409
    assert "东区" in page.content.decode() and "不再接收" in page.content.decode()
    assert client.post(url(survey, codes[2]), answers(survey)).status_code == 409
    assert Response.objects.filter(survey=survey).count() == 2
    # The refused code was not spent: if the quota is raised it still works.
    assert AccessCode.objects.get(code_hash=code_hash(codes[2])).state == "new"


def test_a_region_closed_early_refuses_with_a_message(client, survey):
    code = make_code(survey)
    sr = SurveyRegion.objects.get(survey=survey)
    services.region_set_closed(survey_region=sr, closed=True, actor=None)
    assert client.post(url(survey, code), answers(survey)).status_code == 409


def test_unknown_and_voided_codes(client, survey):
    assert client.get(url(survey, "AAAAA-BBBBB")).status_code == 404
    code = make_code(survey)
    batch = AccessCode.objects.get(code_hash=code_hash(code)).batch
    services.batch_void(batch=batch, actor=None)
    assert client.get(url(survey, code)).status_code == 410


def test_a_code_of_another_survey_does_not_open_this_one(client, survey):
    other = SurveyFactory(code="other")
    SurveyRegionFactory(survey=other, region=RegionFactory(code="west"))
    code = make_code(other, "west")
    assert client.get(url(survey, code)).status_code == 404


def test_missing_answers_are_shown_beside_their_questions(client, survey):
    code = make_code(survey)
    q = questions(survey)
    response = client.post(url(survey, code), {f"q{q['yesno'].pk}": "7"})
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="err-q{q["scale"].pk}"' in html
    assert "请选择一个答案" in html  # required scale question left empty
    assert "请从给出的选项中选择" in html  # 7 is not yes or no
    assert 'aria-invalid="true"' in html
    assert Response.objects.count() == 0
    assert AccessCode.objects.get(code_hash=code_hash(code)).state == "new"


def test_oversized_text_is_refused(client, survey, settings):
    settings.SATISFACTION_MAX_TEXT_LENGTH = 10
    code = make_code(survey)
    q = questions(survey)
    response = client.post(url(survey, code), answers(survey, **{f"q{q['text'].pk}": "长" * 11}))
    assert response.status_code == 400
    assert "最多填写 10 个字" in response.content.decode()


def test_csrf_is_required(survey):
    code = make_code(survey)
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(url(survey, code), answers(survey)).status_code == 403
    page = strict.get(url(survey, code))
    token = page.cookies["csrftoken"].value
    assert strict.post(url(survey, code), answers(survey, csrfmiddlewaretoken=token)).status_code == 302


def test_floods_from_one_address_are_refused(client, survey, settings):
    settings.SATISFACTION_SUBMITS_PER_ADDRESS = 2
    codes = [make_code(survey) for _ in range(3)]
    SurveyRegion.objects.filter(survey=survey).update(quota=10)
    assert client.post(url(survey, codes[0]), answers(survey)).status_code == 302
    assert client.post(url(survey, codes[1]), answers(survey)).status_code == 302
    flood = client.post(url(survey, codes[2]), answers(survey))
    assert flood.status_code == 429
    assert Response.objects.count() == 2
    # Another address is not affected.
    assert client.post(url(survey, codes[2]), answers(survey), REMOTE_ADDR="10.0.0.9").status_code == 302


def test_guessing_codes_is_stopped(client, survey, settings):
    settings.SATISFACTION_BAD_CODES_PER_ADDRESS = 3
    for i in range(3):
        assert client.get(url(survey, f"AAAAA-BBBB{i}")).status_code == 404
    good = make_code(survey)
    assert client.get(url(survey, good)).status_code == 429


def test_attempts_per_code_are_limited(client, survey, settings):
    settings.SATISFACTION_ATTEMPTS_PER_CODE = 2
    code = make_code(survey)
    assert client.get(url(survey, code)).status_code == 200
    assert client.get(url(survey, code), REMOTE_ADDR="10.0.0.2").status_code == 200
    assert client.get(url(survey, code), REMOTE_ADDR="10.0.0.3").status_code == 429


def test_survey_dates_and_status(client, survey):
    code = make_code(survey)
    today = timezone.localdate()
    Survey.objects.filter(pk=survey.pk).update(opens_on=today + dt.timedelta(days=1))
    early = client.get(url(survey, code))
    assert early.status_code == 200 and "开始" in early.content.decode()
    assert client.post(url(survey, code), answers(survey)).status_code == 200
    Survey.objects.filter(pk=survey.pk).update(opens_on=today - dt.timedelta(days=5), closes_on=today)
    assert client.get(url(survey, code)).status_code == 200  # the closing day is still open
    Survey.objects.filter(pk=survey.pk).update(closes_on=today - dt.timedelta(days=1))
    assert client.post(url(survey, code), answers(survey)).status_code == 410
    Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.CLOSED, closes_on=today)
    assert client.get(url(survey, code)).status_code == 410
    Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.DRAFT)
    assert client.get(url(survey, code)).status_code == 404
    assert Response.objects.count() == 0


def test_the_code_entry_page_of_a_code_survey(client, survey):
    page = client.get(url(survey))
    assert page.status_code == 200
    assert 'name="code"' in page.content.decode()
    assert client.post(url(survey), answers(survey)).status_code == 404


# --- Open link ---------------------------------------------------------------------------------


@pytest.fixture
def open_survey(db):
    s = SurveyFactory(code="hall", access=Survey.Access.OPEN, ask_phone=True)
    QuestionFactory(survey=s, text="服务态度?")
    SurveyRegionFactory(survey=s, region=RegionFactory(code="north", name="北区"), quota=5)
    return s


def test_the_open_link_asks_the_region_and_refuses_a_phone_twice(client, open_survey, settings):
    settings.SATISFACTION_PHONE_HASH_KEY = "k" * 40
    q = open_survey.questions.get()
    sr = open_survey.regions.get()
    page = client.get(url(open_survey))
    assert (
        page.status_code == 200 and 'name="region"' in page.content.decode() and 'name="phone"' in page.content.decode()
    )
    missing = client.post(url(open_survey), {f"q{q.pk}": "4"})
    assert missing.status_code == 400
    assert "请选择您所在的区县" in missing.content.decode() and "请填写您的手机号码" in missing.content.decode()
    data = {f"q{q.pk}": "4", "region": str(sr.pk), "phone": "+86 138-0013-8000"}
    assert client.post(url(open_survey), data).status_code == 302
    again = client.post(url(open_survey), data | {"phone": "13800138000"})
    assert again.status_code == 400
    assert "该手机号码已经参加过本次调查" in again.content.decode()
    stored = Response.objects.get(survey=open_survey)
    expected = hmac.new(b"k" * 40, b"phone:13800138000", hashlib.sha256).hexdigest()
    assert stored.phone_hash == expected
    assert stored.channel == "open"
    assert SurveyRegion.objects.get(pk=sr.pk).received == 1  # the refused duplicate was rolled back


def test_an_open_link_has_no_code_pages(client, open_survey):
    assert client.get(url(open_survey, "AAAAA-BBBBB")).status_code == 404


# --- One code, two submits at once --------------------------------------------------------------


def _cleaned(survey):
    structure = selectors.survey_structure(survey=survey)
    cleaned, errors = clean_answers(structure, answers(survey))
    assert not errors
    return cleaned


def test_a_code_read_by_two_requests_is_used_once(survey):
    """Both requests loaded the code as unused; the conditional UPDATE lets one through."""
    code = make_code(survey)
    stale_1 = selectors.code_lookup(raw=code)
    stale_2 = selectors.code_lookup(raw=code)
    sr = stale_1.survey_region
    services.response_submit(survey=survey, survey_region=sr, cleaned=_cleaned(survey), channel="code", code=stale_1)
    with pytest.raises(ApplicationError) as exc:
        services.response_submit(
            survey=survey, survey_region=sr, cleaned=_cleaned(survey), channel="code", code=stale_2
        )
    assert exc.value.code == "code_used"
    assert Response.objects.count() == 1


def test_a_quota_read_as_open_by_two_requests_takes_one(survey):
    SurveyRegion.objects.filter(survey=survey).update(quota=1)
    stale = SurveyRegion.objects.get(survey=survey)
    services.response_submit(survey=survey, survey_region=stale, cleaned=_cleaned(survey), channel="open")
    with pytest.raises(ApplicationError) as exc:
        services.response_submit(survey=survey, survey_region=stale, cleaned=_cleaned(survey), channel="open")
    assert exc.value.code == "quota_full"
    assert SurveyRegion.objects.get(survey=survey).received == 1


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_concurrent_submits_with_one_code_accept_one(postgres):
    survey = SurveyFactory(code="race")
    QuestionFactory(survey=survey, text="满意吗?")
    SurveyRegionFactory(survey=survey, quota=50)
    sr = survey.regions.get()
    _batch, (code,) = services.codes_generate(survey_region=sr, count=1, actor=None)
    structure = selectors.survey_structure(survey=survey)
    q = survey.questions.get()
    cleaned, _errors = clean_answers(structure, {f"q{q.pk}": "5"})
    barrier = threading.Barrier(4)
    outcomes = []

    def submit():
        try:
            ac = selectors.code_lookup(raw=code)
            barrier.wait()
            services.response_submit(survey=survey, survey_region=sr, cleaned=cleaned, channel="code", code=ac)
            outcomes.append("ok")
        except ApplicationError as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["code_used", "code_used", "code_used", "ok"]
    assert Response.objects.filter(survey=survey).count() == 1
    assert SurveyRegion.objects.get(pk=sr.pk).received == 1


# --- Privacy -----------------------------------------------------------------------------------

IDENTIFYING = ("user", "account", "name", "phone", "mobile", "address", "ip", "agent", "email", "code", "session")


@pytest.mark.parametrize("model", [Response, Answer, TextAnswer])
def test_answer_tables_have_no_identifying_field(model):
    from django.conf import settings as dj_settings
    from django.db import models

    for field in model._meta.get_fields():
        if field.name == "phone_hash":
            continue  # the keyed hash used only to refuse duplicates
        assert not any(word in field.name.lower() for word in IDENTIFYING), field.name
        assert not isinstance(field, models.GenericIPAddressField | models.DateTimeField | models.TimeField), field
        if field.is_relation and field.related_model is not None:
            assert field.related_model._meta.label != dj_settings.AUTH_USER_MODEL, field.name


def test_a_public_answer_leaves_no_address_phone_or_audit_trail(client, open_survey):
    q = open_survey.questions.get()
    sr = open_survey.regions.get()
    data = {f"q{q.pk}": "5", "region": str(sr.pk), "phone": "13912345678"}
    before = AuditEvent.objects.count()
    response = client.post(url(open_survey), data, REMOTE_ADDR="203.0.113.77", HTTP_USER_AGENT="SecretPhone/1.0")
    assert response.status_code == 302
    assert AuditEvent.objects.count() == before
    with connection.cursor() as cursor:
        for model in (Response, Answer, TextAnswer):
            cursor.execute(f"SELECT * FROM {model._meta.db_table}")  # noqa: S608
            dump = repr(cursor.fetchall())
            assert "13912345678" not in dump
            assert "203.0.113.77" not in dump
            assert "SecretPhone" not in dump


def test_the_submit_path_takes_a_few_queries(client, survey, django_assert_max_num_queries):
    """bench/README.md: the public submit must stay fast; answers go in with bulk inserts."""
    SurveyRegion.objects.filter(survey=survey).update(quota=100)
    codes = [make_code(survey) for _ in range(2)]
    client.get(url(survey, codes[0]))  # the questions of an open survey are cached per process
    data = answers(survey)
    # survey, code, regions; savepoint, code UPDATE, quota UPDATE, 3 INSERTs, release
    with django_assert_max_num_queries(10):
        assert client.post(url(survey, codes[0]), data).status_code == 302
    # More questions do not mean more queries.
    for i in range(20):
        QuestionFactory(survey=survey, text=f"加题{i}?", order=10 + i)
    Survey.objects.filter(pk=survey.pk).update(version=2)
    survey.refresh_from_db()
    client.get(url(survey, codes[1]))
    data = {f"q{q.pk}": "1" if q.kind == "yesno" else "3" for q in survey.questions.exclude(kind="text")}
    with django_assert_max_num_queries(10):
        assert client.post(url(survey, codes[1]), data).status_code == 302
    assert Answer.objects.filter(survey=survey).count() == 2 + 22  # 2 before, now 21 scale + yes/no


@pytest.mark.parametrize("backend", ["redis", "locmem"])
def test_flood_counter_counts_one_window_on_either_cache(backend, request, settings):
    """The flood limits count in one round trip on Redis and with add/incr elsewhere; both count
    the same, stop at the limit and let the window expire."""
    import uuid

    from django.core.cache import cache

    from satisfaction import throttle

    if backend == "redis":
        location = request.getfixturevalue("redis_url")
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": location}}
    else:
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    ident = uuid.uuid4().hex
    assert [throttle.hit("test", ident, limit=3, window=60) for _ in range(4)] == [True, True, True, False]
    assert cache.get(throttle._key("test", ident)) == 4
    assert throttle.over("test", ident, limit=4) and not throttle.over("test", ident, limit=5)
    if backend == "redis":
        from django.core.cache import caches

        redis_cache = caches["default"]
        name = redis_cache.make_and_validate_key(throttle._key("test", ident))
        assert 0 < redis_cache._cache.get_client(name).ttl(name) <= 60
    cache.delete(throttle._key("test", ident))
    assert throttle.hit("test", ident, limit=1, window=60) is True
