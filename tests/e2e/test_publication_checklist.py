"""Publishing an incomplete quarter: the checklist, resolving a blocker, a written waiver, and the
public method card.

The quarter is under way: 教育局's report is approved, 卫生健康委's waits for review, 水利局 has filed
nothing. 赵敏 of the supervision office opens the quarter's scores: they are provisional (暂定).
She asks to publish and sees the checklist with its blockers and links. She follows the link to
卫生健康委's report and approves it; back at the checklist that blocker is cleared. Publishing
over the rest is refused until she writes a waiver; with it, the results are published and the
waiver is shown with them. A resident reads the year's method card on the public site, on a
computer and on a phone.
"""

import pytest
from playwright.sync_api import expect

from assessments.models import Publication

from . import world
from .browser import journey
from .steps import go, message

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WAIVER = "水利局本季度报告因防汛任务推迟报送,经市政府同意先行通报其余部门结果,水利局结果待补报后更新。"


def test_incomplete_quarter_is_published_over_its_checklist_with_a_waiver(live_server, people, departments):
    from tests.factories import UserFactory

    year = world.build_year(people, departments)
    edu = world.file_report(year, departments["edu"], people["filer"], values=world._explained(world.GOOD_VALUES))
    from assessments import services as assessment_services

    assessment_services.report_approve(report=edu, actor=people["supervisor"])
    health_filer = UserFactory(username="filer_health", role="filer", department=departments["health"])
    world.file_report(year, departments["health"], health_filer, values=world._explained(world.GOOD_VALUES))
    world.compute_scores(year)
    period = year.period
    phone = world.authenticator_for(people["supervisor"])

    with journey("09-publication-checklist", live_server.url) as j:
        office = j.desk("supervisor", authenticator=phone)
        go(office, "考核得分")
        office.select_option("#s-period", period)
        expect(office.locator(".pg-page-header")).to_contain_text("暂定")
        expect(office.locator("table tbody tr").filter(has_text="水利局")).to_contain_text("暂定")
        j.shot(office, "scores-provisional")

        office.get_by_role("link", name="公布…").click()
        checklist = office.locator("#checklist")
        expect(checklist.locator('[data-blocker="reports_not_approved"]')).to_contain_text("1 份")
        expect(checklist.locator('[data-blocker="reports_missing"]')).to_contain_text("水利局")
        expect(checklist.locator('[data-blocker="provisional"]')).to_contain_text("暂定成绩")
        j.shot(office, "checklist")

        # She resolves the first blocker where its link leads: 卫生健康委's report, approved.
        checklist.locator('[data-blocker="reports_not_approved"]').get_by_role("link", name="卫生健康委").click()
        office.get_by_role("button", name="审核通过").click()
        expect(message(office)).to_contain_text("报告已审核通过。")
        office.goto(j.url(f"/assessments/scores/{year.year}/publish/?period={period}"))
        expect(checklist.locator('[data-blocker="reports_not_approved"]')).to_have_class("pg-check-ok")
        expect(checklist.locator('[data-blocker="reports_missing"]')).to_have_class("pg-check-open")

        # Publishing over the rest needs a written waiver: refused without one, beside the box.
        with j.expect_status(409):
            office.get_by_role("button", name="附书面说明公布").click()
        expect(office.locator("#waiver-error")).to_contain_text("填写书面说明后公布")
        j.shot(office, "waiver-required")
        office.get_by_label("书面说明（为何在上述事项未完成时公布）").fill(WAIVER)
        office.get_by_role("button", name="附书面说明公布").click()
        expect(message(office)).to_contain_text("结果已公布。")
        expect(office.locator(".pg-page-header")).to_contain_text(WAIVER)
        j.shot(office, "published-with-waiver")

        # A resident reads how the year's results are computed.
        resident = j.desk()
        resident.goto(j.url(f"/public/{year.year}/method/"))
        expect(resident.locator("h1")).to_contain_text(f"{year.year} 年度考核结果如何计算")
        expect(resident.locator("table").first).to_contain_text("中心工作")
        expect(resident.locator("body")).to_contain_text("每起扣 2 分（指标：")
        expect(resident.locator("body")).to_contain_text("样本不足")
        j.shot(resident, "method-card")
        pocket = j.desk(width=360, height=740, mobile=True)
        pocket.goto(j.url(f"/public/{year.year}/method/"))
        expect(pocket.locator("h1")).to_be_visible()
        j.shot(pocket, "method-card-phone")

    publication = Publication.objects.get(plan_id=year.plan_id, period=period)
    assert publication.waiver == WAIVER
    assert {b["code"] for b in publication.blockers} >= {"reports_missing"}
    assert "reports_not_approved" not in {b["code"] for b in publication.blockers}
