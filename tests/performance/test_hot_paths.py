"""The hot paths made fast for the load tests still do what they did.

- The public survey's blank form is rendered once and served with each visitor's own CSRF token:
  the page is the one the template renders, the token works, and a change to the survey shows.
- A submitted response is stored whole (every answer, the quota counted) in a constant number of
  queries, whatever the number of questions.
- Scores written in bulk by a recomputation still tell the public pages' cache to refresh.
- The spreadsheet import of the indicator library reports its progress.
"""

from __future__ import annotations

import re

import pytest
import tablib
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from satisfaction.models import Answer, Response, Survey
from satisfaction.views import answering
from tests.satisfaction.factories import AreaFactory, QuestionFactory, SurveyFactory, SurveyRegionFactory

from .queries import statements

pytestmark = pytest.mark.django_db
TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def open_survey(questions: int):
    survey = SurveyFactory(access=Survey.Access.OPEN, title="城市满意度调查")
    areas = [AreaFactory(survey=survey, order=i) for i in range(3)]
    qs = [QuestionFactory(survey=survey, area=areas[i % 3], order=i) for i in range(questions)]
    regions = [SurveyRegionFactory(survey=survey, quota=1000) for _ in range(3)]
    return survey, qs, regions


@pytest.fixture(autouse=True)
def _fresh_forms():
    answering._BLANK_FORMS.clear()
    yield
    answering._BLANK_FORMS.clear()


def visit(survey) -> tuple[Client, bytes, str]:
    """A new visitor: no cookie. Returns the client (now holding the CSRF cookie), the page, its token."""
    client = Client(enforce_csrf_checks=True)
    response = client.get(f"/satisfaction/s/{survey.public_key}/")
    assert response.status_code == 200
    return client, response.content, TOKEN.search(response.content).group(1).decode()


def without_token(page: bytes) -> bytes:
    return TOKEN.sub(b"", page)


def test_the_blank_form_from_memory_is_the_rendered_page_with_the_visitors_own_token():
    survey, _qs, _regions = open_survey(6)
    _c1, first, token1 = visit(survey)  # rendered, then kept
    _c2, second, token2 = visit(survey)  # from memory
    assert len(answering._BLANK_FORMS) == 1
    assert token1 != token2  # each visitor has a token of their own
    assert answering._TOKEN_SLOT.encode() not in second
    # The page the template renders for a visitor, without the memory.
    answering._BLANK_FORMS.clear()
    monkeypatch = pytest.MonkeyPatch()
    with monkeypatch.context() as m:
        # Render every time, as before the form was kept.
        m.setattr(
            answering.PublicSurveyView,
            "blank_form",
            lambda self, request, state, structure: self.render_page(request, state, structure),
        )
        rendered = Client().get(f"/satisfaction/s/{survey.public_key}/").content
    assert without_token(second) == without_token(first) == without_token(rendered)


def test_a_form_from_memory_submits_with_its_token_and_a_forged_token_is_refused():
    survey, questions, regions = open_survey(6)
    visit(survey)
    client, _page, token = visit(survey)  # served from memory
    answers = {f"q{q.pk}": "4" for q in questions}
    refused = Client(enforce_csrf_checks=True)
    refused.get(f"/satisfaction/s/{survey.public_key}/")
    response = refused.post(
        f"/satisfaction/s/{survey.public_key}/",
        {"csrfmiddlewaretoken": answering._TOKEN_SLOT, "region": regions[0].pk, **answers},
    )
    assert response.status_code == 403  # the placeholder is no token
    response = client.post(
        f"/satisfaction/s/{survey.public_key}/", {"csrfmiddlewaretoken": token, "region": regions[0].pk, **answers}
    )
    assert response.status_code == 302
    assert Answer.objects.filter(survey=survey).count() == 6


def test_a_changed_title_and_a_new_region_show_on_the_next_visit():
    from satisfaction import services
    from tests.factories import RegionFactory

    survey, _qs, _regions = open_survey(3)
    visit(survey)
    services.survey_update(survey=survey, data={"title": "改过的标题"}, actor=None)
    _c, page, _t = visit(survey)
    assert "改过的标题" in page.decode()
    services.quotas_set(survey=survey, quotas={RegionFactory(name="新开发区").pk: 50}, actor=None)
    _c, page, _t = visit(survey)
    assert "新开发区" in page.decode()


def test_a_response_is_stored_whole_in_the_same_queries_for_5_and_20_questions():
    def submit(questions: int) -> tuple[int, Survey]:
        survey, qs, regions = open_survey(questions)
        visit(survey)  # warm: the form and the survey's questions are kept per process
        client, _page, token = visit(survey)
        data = {
            "csrfmiddlewaretoken": token,
            "region": regions[1].pk,
            **{f"q{q.pk}": str(1 + i % 5) for i, q in enumerate(qs)},
        }
        with CaptureQueriesContext(connection) as ctx:
            response = client.post(f"/satisfaction/s/{survey.public_key}/", data)
        assert response.status_code == 302
        stored = Response.objects.get(survey=survey)
        assert stored.survey_region_id == regions[1].pk and stored.channel == "open"
        answers = dict(Answer.objects.filter(response=stored).values_list("question_id", "value"))
        assert answers == {q.pk: 1 + i % 5 for i, q in enumerate(qs)}
        assert Answer.objects.filter(response=stored, region=regions[1].region, scale=True).count() == questions
        regions[1].refresh_from_db()
        assert regions[1].received == 1
        return statements(ctx.captured_queries), survey

    few, _s = submit(5)
    many, _s = submit(20)
    assert many == few <= 10


def test_a_full_region_still_refuses_the_response():
    survey, questions, regions = open_survey(3)
    regions[0].quota = 1
    regions[0].received = 1
    regions[0].save()
    client, _page, token = visit(survey)
    response = client.post(
        f"/satisfaction/s/{survey.public_key}/",
        {"csrfmiddlewaretoken": token, "region": regions[0].pk, **{f"q{q.pk}": "5" for q in questions}},
    )
    assert response.status_code == 409
    assert not Response.objects.filter(survey=survey).exists()


def test_scores_written_in_bulk_refresh_the_public_pages(departments, users):
    from dashboards.signals import public_version

    from .factories import build_year, fill, scored

    plan = build_year(supervisor=users["supervisor"])
    fill(plan)
    before = public_version()
    scored(plan)  # creates every score in bulk
    assert public_version() > before


def test_the_indicator_import_reports_its_progress(monkeypatch, departments):
    from indicators import resources
    from tests.factories import CategoryFactory, LibraryFactory

    monkeypatch.setattr(resources, "PROGRESS_EVERY", 2)
    lib = LibraryFactory(year=2031)
    CategoryFactory(library=lib, code="central")
    data = tablib.Dataset(headers=["year", "code", "name", "category", "method", "direction", "basic_target", "points"])
    for i in range(5):
        data.append([2031, f"p{i}", f"指标{i}", "central", "threshold", "ge", "10", "1"])
    seen = []
    result = resources.IndicatorResource().import_data(
        data, dry_run=False, use_transactions=True, progress=lambda done, total: seen.append((done, total))
    )
    assert not result.has_errors() and not result.has_validation_errors()
    assert seen == [(2, 5), (4, 5), (5, 5)]
    assert lib.indicators.count() == 5
