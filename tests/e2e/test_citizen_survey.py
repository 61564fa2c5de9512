"""A resident answers the satisfaction survey on a 360-pixel phone screen with a one-time code.

The letter gives the survey's address and a code. She types the code (in lower case, as people
do), answers one part at a time (the page asks again when she skips a question), sends her
answers and is thanked. Trying the same code a second time is refused: each code answers once.
Nothing on the way is wider than the screen, and nothing is loaded from another host.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from satisfaction.models import Response, SurveyRegion

from . import world
from .browser import journey

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDTH = 360


def question(page: Page, text: str):
    return page.get_by_role("group", name=re.compile(re.escape(text)))


def choose(page: Page, text: str, answer: str) -> None:
    question(page, text).locator("label").filter(has_text=re.compile(f"^{answer}$")).click()


def fits_the_screen(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH


def test_resident_answers_on_a_phone_and_the_code_works_once(live_server, people):
    survey = world.build_survey(people, codes=1)
    (code,) = survey.codes

    with journey("05-citizen-survey", live_server.url) as j:
        phone = j.desk(width=WIDTH, height=740, mobile=True)

        # The address in the letter: the page asks for the code.
        phone.goto(j.url(f"/satisfaction/s/{survey.public_key}/"))
        expect(phone.locator("h1")).to_have_text("请输入调查码")
        expect(phone.locator("main")).to_contain_text("本调查匿名进行")
        fits_the_screen(phone)
        j.shot(phone, "code-entry")
        phone.fill("#id_code", code.lower().replace("-", " "))
        phone.get_by_role("button", name="开始作答").click()

        # Part 1 of 3: education. Skipping a question is caught on the page, nothing is sent.
        expect(phone.get_by_text("第 1 部分，共 3 部分")).to_be_visible()
        expect(phone.locator("main")).to_contain_text("东城区")
        expect(question(phone, "社区卫生服务中心")).to_be_hidden()  # one part at a time
        fits_the_screen(phone)
        choose(phone, "教学质量", "满意")
        phone.locator("button.sv-next:visible").click()
        expect(question(phone, "上学路途")).to_contain_text("请选择一个答案。")
        j.shot(phone, "part-1-unanswered")
        choose(phone, "上学路途", "是")
        phone.locator("button.sv-next:visible").click()

        # Part 2 of 3: health care.
        expect(phone.get_by_text("第 2 部分，共 3 部分")).to_be_visible()
        choose(phone, "社区卫生服务中心", "非常满意")
        fits_the_screen(phone)
        j.shot(phone, "part-2")
        phone.locator("button.sv-next:visible").click()

        # Part 3 of 3: an optional suggestion, then send.
        expect(phone.get_by_text("第 3 部分，共 3 部分")).to_be_visible()
        phone.get_by_label(re.compile("还有什么建议")).fill("希望社区医院延长周末门诊时间。")
        phone.locator("button.sv-submit").click()
        expect(phone).to_have_url(re.compile(rf"/satisfaction/s/{survey.public_key}/thanks/$"))
        expect(phone.locator("h1")).to_have_text("感谢您参与调查")
        fits_the_screen(phone)
        j.shot(phone, "thanks")

        # The same code again: refused, with the reason.
        phone.goto(j.url(f"/satisfaction/s/{survey.public_key}/"))
        phone.fill("#id_code", code)
        with j.expect_status(409):
            phone.get_by_role("button", name="开始作答").click()
        expect(phone.locator("main")).to_contain_text("此调查码已被使用，每个调查码只能作答一次。")
        fits_the_screen(phone)
        j.shot(phone, "code-used")

    response = Response.objects.get(survey_id=survey.survey_id)
    assert response.channel == "code" and response.survey_region.region.code == "east"
    values = dict(response.answers.values_list("question__text", "value"))
    assert values == {
        "您对孩子就读学校的教学质量满意吗?": 4,
        "孩子上学路途是否方便?": 1,
        "您对社区卫生服务中心的服务满意吗?": 5,
    }
    assert response.text_answers.get().text == "希望社区医院延长周末门诊时间。"
    assert SurveyRegion.objects.get(survey_id=survey.survey_id, region__code="east").received == 1
