"""A large new project through its ex-ante performance assessment (事前绩效评估) to the budget.

李晓梅 of 教育局 proposes a new project of 800万元 for smart classrooms and writes its target
sheet. Submitting it is refused: a new project of 500万元 or more needs an ex-ante assessment
first. 陈立 of the finance bureau assigns the assessment to the third-party evaluation firm for a
month. 郑雯 of the firm scores the five dimensions, attaches the price survey and concludes
"support after changes", listing the changes; she submits to finance. 陈立 returns it once for a
better opinion, then accepts it. The project page now shows the conclusion and its changes, and
李晓梅 submits the project for the budget.
"""

import datetime as dt

import pytest
from playwright.sync_api import expect

from audit.models import AuditEvent
from budgets.models import BudgetProject, ExAnteAssessment

from . import world
from .browser import journey
from .steps import go, message

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TARGETS = [
    ("cost", "cost", "单间智慧教室建设成本", "le", "8", "万元/间"),
    ("output", "quantity", "建成智慧教室", "ge", "100", "间"),
    ("effect", "social", "常态化使用的学校比例", "ge", "80", "%"),
    ("satisfaction", "satisfaction", "师生满意度", "ge", "90", "%"),
]
SCORES = {"necessity": "22", "economy": "14", "targets": "16", "feasibility": "17", "funding": "14"}
CHANGES = "1. 单间建设成本按省定标准压减至 7 万元以内;\n2. 补充运维经费来源。"
RETURN_REASON = "评估意见过于简单,请补充比价分析的结论。"


def sheet_section(page, dimension: str):
    return page.locator("section.pg-card").filter(has=page.locator(f"#dim-{dimension}"))


def test_a_large_project_is_assessed_by_a_third_party_before_the_budget(live_server, people, departments):
    evaluator = people["evaluator"]
    evaluator.first_name, evaluator.last_name = "郑雯", ""
    evaluator.save(update_fields=["first_name", "last_name"])
    finance_app = world.authenticator_for(people["finance"])
    day = world.today()

    with journey("11-exante-assessment", live_server.url) as j:
        # The filer proposes the new project and writes its four-dimension sheet.
        filer = j.desk("filer")
        go(filer, "本部门预算项目")
        filer.get_by_role("link", name="新建项目").click()
        filer.fill("#id_name", "中小学智慧教室建设")
        filer.fill("#id_amount", "8000000.00")
        filer.fill("#id_description", "为全市 100 间普通教室配备互动教学设备。")
        filer.get_by_role("button", name="保存", exact=True).click()
        expect(message(filer)).to_contain_text("项目已创建")
        for dimension, sub, name, op, value, unit in TARGETS:
            sheet_section(filer, dimension).get_by_role("link", name="新增目标").click()
            filer.select_option("#id_subdimension", sub)
            filer.fill("#id_name", name)
            filer.select_option("#id_operator", op)
            filer.fill("#id_value", value)
            filer.fill("#id_unit", unit)
            filer.get_by_role("button", name="保存", exact=True).click()
            expect(message(filer)).to_contain_text(f"已保存：{name}")
        panel = filer.locator("section").filter(has_text="事前绩效评估与财政重点评价")
        expect(panel).to_contain_text("申报前须完成")
        j.shot(filer, "new-large-project")

        # Submitting is refused: the assessment comes first.
        with j.expect_status(400):
            filer.get_by_role("button", name="提交", exact=True).click()
        expect(message(filer)).to_contain_text("须经事前绩效评估且结论为“支持”或“调整后支持”后方可申报")
        j.shot(filer, "submission-refused")

        # Finance assigns the assessment to the evaluation firm for a month.
        finance = j.desk("finance", authenticator=finance_app)
        go(finance, "事前评估与重点评价")
        expect(finance.locator("section").filter(has_text="须开展事前绩效评估的新增项目")).to_contain_text(
            "中小学智慧教室建设"
        )
        finance.get_by_role("link", name="委托第三方评价机构").click()
        finance.select_option("#id_evaluator", label="郑雯")
        finance.select_option("#id_kind", "ex_ante")
        finance.fill("#id_name", "智慧教室项目事前绩效评估")
        finance.select_option("#id_projects", label=f"{day.year} · 教育局 · 中小学智慧教室建设")
        finance.fill("#id_starts_on", day.isoformat())
        finance.fill("#id_ends_on", (day + dt.timedelta(days=30)).isoformat())
        j.shot(finance, "assign-the-firm")
        finance.get_by_role("button", name="委托", exact=True).click()
        expect(message(finance)).to_contain_text("已委托。")
        expect(finance.locator(".pg-kpis")).to_contain_text("进行中")

        # The firm starts the assessment, scores the five dimensions and attaches its price survey.
        firm = j.desk("evaluator")
        go(firm, "我的评价任务")
        firm.get_by_role("link", name="智慧教室项目事前绩效评估").click()
        firm.get_by_role("button", name="开始事前绩效评估").click()
        expect(firm.locator("h1")).to_contain_text("事前绩效评估")
        for dim, score in SCORES.items():
            firm.fill(f"#id_score_{dim}", score)
            firm.fill(f"#id_comment_{dim}", "经查阅申报材料和现场调研。")
        firm.select_option("#id_conclusion", "adjust")
        firm.fill("#id_summary", "项目必要,调整后支持。")
        # "Support after changes" without the changes is refused, the field marked.
        with j.expect_status(400):
            firm.get_by_role("button", name="保存", exact=True).click()
        expect(firm.locator("#id_required_changes_error")).to_contain_text("请列出项目获得支持须作的调整")
        firm.fill("#id_required_changes", CHANGES)
        firm.get_by_role("button", name="保存", exact=True).click()
        expect(message(firm)).to_contain_text("已保存")
        firm.select_option("#id_dimension_pick", "economy")
        firm.set_input_files(
            "#id_evidence", files=[{"name": "设备比价表.pdf", "mimeType": "application/pdf", "buffer": world.PDF}]
        )
        firm.get_by_role("button", name="上传", exact=True).click()
        expect(message(firm)).to_contain_text("佐证材料已上传。")
        expect(firm.locator("fieldset").filter(has_text="投入经济性")).to_contain_text("设备比价表.pdf")
        j.shot(firm, "firm-scores-the-sheet")
        firm.get_by_role("button", name="提交财政局").click()
        expect(message(firm)).to_contain_text("已提交财政局审核。")
        expect(firm.locator("h1")).to_contain_text("已提交财政局")

        # Finance returns it once for a better opinion...
        finance.goto(firm.url)
        finance.select_option("#id_decision", "return")
        finance.fill("#id_reason", RETURN_REASON)
        finance.get_by_role("button", name="提交审核意见").click()
        expect(message(finance)).to_contain_text("审核意见已记录。")

        # ...the firm reads the reason, completes its opinion and submits again...
        firm.reload()
        expect(firm.locator(".alert-warning")).to_contain_text(RETURN_REASON)
        firm.fill("#id_summary", "项目必要;比价显示单间成本高于省定标准约 14%,按调整要求压减后予以支持。")
        firm.get_by_role("button", name="保存", exact=True).click()
        firm.get_by_role("button", name="提交财政局").click()
        expect(message(firm)).to_contain_text("已提交财政局审核。")

        # ...and finance accepts it: the conclusion stands.
        finance.reload()
        finance.select_option("#id_decision", "accept")
        finance.get_by_role("button", name="提交审核意见").click()
        expect(finance.locator(".alert-warning").filter(has_text="结论")).to_contain_text("调整后支持")
        j.shot(finance, "finance-accepts")
        finance.get_by_role("link", name="打印评估报告").click()
        expect(finance.locator("h1")).to_have_text("事前绩效评估报告")
        expect(finance.locator("main")).to_contain_text("压减至 7 万元以内")
        j.shot(finance, "assessment-report")

        # The department sees the conclusion on its project and submits it for the budget.
        go(filer, "本部门预算项目")
        filer.get_by_role("link", name="中小学智慧教室建设").click()
        panel = filer.locator("section").filter(has_text="事前绩效评估与财政重点评价")
        expect(panel).to_contain_text("调整后支持")
        expect(panel).to_contain_text("补充运维经费来源")
        filer.get_by_role("button", name="提交", exact=True).click()
        expect(message(filer)).to_contain_text("已提交财政局审核。")
        expect(filer.locator("h1")).to_contain_text("已报送")
        j.shot(filer, "project-submitted")

    project = BudgetProject.objects.get(name="中小学智慧教室建设")
    assert project.status == "submitted"
    assessment = ExAnteAssessment.objects.get(project=project)
    assert (assessment.status, assessment.conclusion, assessment.total) == ("accepted", "adjust", 83)
    actions = set(AuditEvent.objects.filter(action__startswith="budgets.exante.").values_list("action", flat=True))
    assert {"budgets.exante.started", "budgets.exante.returned", "budgets.exante.accepted"} <= actions
