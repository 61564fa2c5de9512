"""On a 360 px phone screen in real Chromium: a code link, one part at a time, thank-you; the code
again is refused; a full region is refused; the answer counts in the results."""

import os
import shutil

import pytest

from satisfaction import services
from satisfaction.models import Question, Response, SurveyRegion
from tests.factories import RegionFactory, UserFactory

from .factories import AreaFactory, QuestionFactory, SurveyFactory, SurveyRegionFactory

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _require_chromium():
    if not shutil.which(CHROMIUM):
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(f"{CHROMIUM} is required (REQUIRE_SERVICES=1)")
        pytest.skip(f"{CHROMIUM} not installed")


def test_answer_on_a_phone(live_server, settings):
    _require_chromium()
    settings.SATISFACTION_MIN_GROUP_SIZE = 1
    survey = SurveyFactory(code="phone", title="2026年度群众满意度调查")
    area = AreaFactory(survey=survey, code="education", name="学有所教", order=1)
    QuestionFactory(survey=survey, area=area, text="您对学校满意吗?", order=1)
    QuestionFactory(survey=survey, area=area, text="孩子上学方便吗?", kind=Question.Kind.YESNO, order=2)
    QuestionFactory(survey=survey, text="您的建议?", kind=Question.Kind.TEXT, required=False, order=3)
    east = SurveyRegionFactory(survey=survey, region=RegionFactory(code="east", name="东区"), quota=5)
    full = SurveyRegionFactory(survey=survey, region=RegionFactory(code="west", name="西区"), quota=1, received=1)
    _b, (code,) = services.codes_generate(survey_region=east, count=1, actor=None)
    _b, (full_code,) = services.codes_generate(survey_region=full, count=1, actor=None)
    UserFactory(username="surveyor1", role="surveyor")
    base = f"{live_server.url}/satisfaction/s/{survey.public_key}"
    # Playwright's sync API runs an event loop in this thread: the ORM stays outside this block.
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN", is_mobile=True)
        page = context.new_page()
        errors, requests = [], []
        # The refusal pages answer 409, which Chromium logs as a failed load: not a script error.
        page.on(
            "console", lambda m: errors.append(m.text) if m.type == "error" and "status of 4" not in m.text else None
        )
        page.on("request", lambda r: requests.append(r.url))

        page.goto(f"{base}/{code}/")
        assert page.locator("text=第 1 部分，共 2 部分").is_visible()
        assert page.locator("h2:has-text('其他问题')").is_hidden()  # one part at a time
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        # Next without answering: a clear message beside the question, nothing sent.
        page.click("button.sv-next:visible")
        assert page.locator("text=请选择一个答案。").first.is_visible()
        page.click("label:has-text('满意') >> nth=1")  # 非常满意, then 满意
        page.click("label:has-text('是')")
        page.click("button.sv-next:visible")
        assert page.locator("text=第 2 部分，共 2 部分").is_visible()
        page.fill("textarea", "多建公园")
        page.click("button.sv-submit")
        page.wait_for_url(f"{base}/thanks/")
        assert page.locator("h1").inner_text() == "感谢您参与调查"

        page.goto(f"{base}/{code}/")
        assert "此调查码已被使用" in page.locator("main").inner_text()
        page.goto(f"{base}/{full_code}/")
        assert "不再接收" in page.locator("main").inner_text()

        # The answer counts in the results the survey firm reads.
        page.set_viewport_size({"width": 1200, "height": 800})
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", "surveyor1")
        page.fill("#id_password", "Test-pass-1234")
        page.click("form:has(#id_username) button[type=submit]")
        page.goto(f"{live_server.url}/satisfaction/{survey.pk}/results/")
        kpi = page.locator(".pg-kpi").first.inner_text()
        assert "100.00%" in kpi
        assert page.locator("svg").count() >= 1  # the charts were drawn
        assert errors == []
        assert all(url.startswith((live_server.url, "data:")) for url in requests)  # nothing from the internet
        browser.close()

    answer = Response.objects.get(survey=survey)
    assert answer.channel == "code" and answer.answers.get(question__text="您对学校满意吗?").value == 4
    assert SurveyRegion.objects.get(pk=east.pk).received == 1
