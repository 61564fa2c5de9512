"""A budget project from its target sheet to next year's recommendation (预算绩效).

李晓梅 of 教育局 wants to submit the 239.63万元 project for teachers' training activities, but
its target sheet has no satisfaction target: the page says which dimension is missing, and the
submission is refused with the same words. She adds one and submits. 陈立 of the finance bureau
logs in for the first time and sets up his authenticator app with the enrolment code the security
administrator gave him, returns the sheet with a reason,
and approves it once corrected. He records spending up to the full amount; one yuan more is
refused with the amount left. Finally he generates next year's recommendations from last year's
evaluations and accepts the one for 教育局's school-safety project.
"""

import base64
import re

import pytest
from playwright.sync_api import expect

from audit.models import AuditEvent
from budgets.models import BudgetProject, Recommendation, SpendingRecord
from tests.factories import PASSWORD

from . import world
from .browser import Authenticator, journey
from .steps import go, message

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

RETURN_REASON = "讲师课时费标准应执行市级标准,每课时不超过180元,请调整后重新提交。"


def sheet_section(page, dimension: str):
    return page.locator("section.pg-card").filter(has=page.locator(f"#dim-{dimension}"))


def test_budget_project_from_sheet_to_recommendation(live_server, people, departments):
    budget = world.build_budget(people, departments)
    day = world.today()
    from organizations.services import otp_enrolment_issue

    _enrolment, enrolment_code = otp_enrolment_issue(user=people["finance"], actor=people["security_admin"])

    with journey("04-budget-project", live_server.url) as j:
        # The filer opens her project: the sheet says the satisfaction dimension is missing.
        filer = j.desk("filer")
        go(filer, "本部门预算项目")
        filer.get_by_role("link", name=budget.name).click()
        expect(filer.locator("h1")).to_contain_text("草稿")
        expect(filer.locator(".pg-kpi").first).to_contain_text("2,396,300.00 元")
        warning = filer.locator("section").filter(has_text="提交前请处理")
        expect(warning).to_contain_text("四个维度都至少需要一个目标。缺少：满意度。")
        expect(sheet_section(filer, "satisfaction")).to_contain_text("本维度尚无目标。")
        j.shot(filer, "sheet-without-satisfaction")

        # She tries to submit anyway: refused, naming the missing dimension.
        with j.expect_status(400):
            filer.get_by_role("button", name="提交", exact=True).click()
        expect(message(filer)).to_contain_text("项目不能提交：四个维度都至少需要一个目标。缺少：满意度。")
        j.shot(filer, "submission-refused")

        # She adds a satisfaction target and submits.
        sheet_section(filer, "satisfaction").get_by_role("link", name="新增目标").click()
        expect(filer.locator("#id_dimension")).to_have_value("satisfaction")
        filer.select_option("#id_subdimension", "satisfaction")
        filer.fill("#id_name", "参训教师满意度")
        filer.select_option("#id_operator", "ge")
        filer.fill("#id_value", "90")
        filer.fill("#id_unit", "%")
        j.shot(filer, "satisfaction-target")
        filer.get_by_role("button", name="保存", exact=True).click()
        expect(message(filer)).to_contain_text("已保存：参训教师满意度")
        expect(sheet_section(filer, "satisfaction")).to_contain_text("参训教师满意度")
        filer.get_by_role("button", name="提交", exact=True).click()
        expect(message(filer)).to_contain_text("已提交财政局审核。")

        # Finance logs in for the first time: his role needs two-factor login, so he sets it up
        # with the one-time code the security administrator gave him by telephone, typing the key
        # shown on the page into his authenticator app.
        finance = j.desk()
        finance.goto(j.url("/accounts/login/"))
        finance.fill("#id_username", "finance")
        finance.fill("#id_password", PASSWORD)
        finance.get_by_role("button", name="登录", exact=True).click()
        expect(finance.locator("h1")).to_have_text("设置双因素登录")
        # The password alone does not let him set it up: first the security administrator's code.
        finance.fill("#id_enrolment_code", enrolment_code)
        finance.get_by_role("button", name="继续", exact=True).click()
        expect(finance.locator("main img")).to_have_attribute("src", re.compile(r"^data:image/svg\+xml;base64,"))
        secret = finance.locator("code.user-select-all").inner_text().replace(" ", "")
        app = Authenticator(base64.b32decode(secret + "=" * (-len(secret) % 8)))
        j.shot(finance, "two-factor-setup")
        finance.fill("#id_code", app.code())
        finance.get_by_role("button", name="确认并开启").click()
        expect(finance.locator(".pg-user")).to_contain_text("陈立")

        # He returns the sheet with a reason.
        go(finance, "审核队列")
        finance.get_by_role("link", name=budget.name).click()
        finance.fill("#id_reason", RETURN_REASON)
        finance.get_by_role("button", name="退回部门").click()
        expect(message(finance)).to_contain_text("已退回部门。")
        j.shot(finance, "returned")

        # The filer reads the reason, lowers the lecturer fee to 180 and submits again.
        filer.reload()
        expect(filer.locator(".alert-warning").filter(has_text="财政局退回")).to_contain_text(RETURN_REASON)
        sheet_section(filer, "cost").locator("tr").filter(has_text="讲师课时费标准").get_by_role(
            "link", name="编辑"
        ).click()
        filer.fill("#id_value", "180")
        filer.get_by_role("button", name="保存", exact=True).click()
        expect(sheet_section(filer, "cost")).to_contain_text("180")
        filer.get_by_role("button", name="提交", exact=True).click()
        expect(message(filer)).to_contain_text("已提交财政局审核。")

        # Finance approves the corrected sheet.
        finance.reload()
        finance.get_by_role("button", name="审核通过目标表").click()
        expect(message(finance)).to_contain_text("已审核通过。")
        expect(finance.locator("h1")).to_contain_text("已通过")
        j.shot(finance, "approved")

        # He records the spending up to the full amount...
        finance.get_by_role("link", name="预算执行").click()
        finance.fill("#id_date", day.isoformat())
        finance.fill("#id_amount", "2396300.00")
        finance.fill("#id_description", "教研活动经费拨付")
        finance.fill("#id_voucher", f"JY-{day.year}-118")
        finance.get_by_role("button", name="登记", exact=True).click()
        expect(message(finance)).to_contain_text("支出已记录。")
        kpis = finance.locator(".pg-kpis").filter(has_text="执行率")
        expect(kpis).to_contain_text("已支出 2,396,300.00 元")
        expect(kpis).to_contain_text("剩余 0.00 元")
        expect(kpis).to_contain_text("执行率 100.00%")
        j.shot(finance, "spent-in-full")

        # ...and one yuan more is refused, with the amount left.
        finance.fill("#id_date", day.isoformat())
        finance.fill("#id_amount", "1.00")
        finance.fill("#id_description", "追加讲师课时费")
        with j.expect_status(400):
            finance.get_by_role("button", name="登记", exact=True).click()
        expect(finance.locator(".alert-danger")).to_contain_text("未记录任何内容")
        expect(finance.locator("#id_amount_error")).to_contain_text(
            "记录后支出将达到 2,396,301.00 元，超过项目金额 2,396,300.00 元（剩余 0.00 元）。"
        )
        expect(finance.locator("table").filter(has_text="凭证号").locator("tbody tr")).to_have_count(1)
        j.shot(finance, "one-yuan-over-refused")

        # Next year's recommendations from last year's evaluations: he accepts the one proposed.
        go(finance, "预算安排建议")
        finance.get_by_role("button", name="生成预算建议").click()
        expect(message(finance)).to_contain_text(f"{day.year} 年度生成 1 条建议")
        row = finance.locator("tr").filter(has_text=budget.last_year_name)
        expect(row).to_contain_text("800,000.00")
        row.locator("summary").click()
        row.locator("textarea").fill("按上年评价结果执行。")
        row.get_by_role("button", name="保存决定").click()
        expect(message(finance)).to_contain_text(f"决定已保存：{budget.last_year_name}")
        expect(finance.locator("tr").filter(has_text=budget.last_year_name)).to_contain_text("已采纳")
        j.shot(finance, "recommendation-accepted")

    project = BudgetProject.objects.get(pk=budget.project_id)
    assert project.status == "approved" and project.reviewed_by.username == "finance"
    kinds = list(project.revisions.order_by("number").values_list("kind", flat=True))
    assert kinds == ["submitted", "returned", "changed", "submitted", "approved"]
    assert project.targets.get(name="讲师课时费标准").value == 180
    assert list(SpendingRecord.objects.filter(project=project).values_list("amount", flat=True)) == [budget.amount]
    refused = AuditEvent.objects.get(action="budgets.spending.refused")
    assert (refused.outcome, refused.actor_username, refused.data["amount"]) == ("failure", "finance", "1.00")
    recommendation = Recommendation.objects.get(project_id=budget.last_year_project_id)
    assert recommendation.status == "accepted" and recommendation.decided_by.username == "finance"
    assert recommendation.final_amount == recommendation.recommended_amount
