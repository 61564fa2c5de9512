"""A deduction, the published results, an appeal against it, upheld.

Every department's report for the quarter is approved and scored. 赵敏 of the supervision office
records a safety accident against 教育局 and watches its score and ledger change, then publishes
the quarter's results. 李晓梅 of 教育局 is told by a notification, opens her department's ledger
and appeals the deduction line. 赵敏 upholds the appeal; the deduction is withdrawn and 李晓梅
sees the total restored, the published version before the change kept beside it.
"""

import pytest
from playwright.sync_api import expect

from assessments.models import Appeal, Score, ScoreEvent

from . import world
from .browser import journey
from .steps import go, message

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NOTE = "11月5日校舍维修工地发生一起安全事故,市安委办已通报。"
APPEAL = "事故发生在承包单位封闭施工区域,责任已由住建部门认定为施工单位,不属于本部门安全管理责任。"
DECISION = "经核实,事故责任主体为施工单位,撤销本次扣分。"


def points(value) -> str:
    return f"{value:.2f}"


def test_deduction_publication_and_upheld_appeal(live_server, people, departments):
    year = world.build_year(people, departments)
    world.approve_all_reports(year, people, departments)
    world.compute_scores(year)
    period = year.period
    before = world.score_total(year, "edu", period)
    after_event = before - 2
    phone = world.authenticator_for(people["supervisor"])
    day = world.today().isoformat()

    with journey("03-scores-appeal", live_server.url) as j:
        # The supervisor opens 教育局's provisional score of the quarter and its ledger.
        office = j.desk("supervisor", authenticator=phone)
        go(office, "考核得分")
        office.select_option("#s-period", period)
        expect(office.locator("h1")).to_contain_text(f"{year.year} {period}")
        expect(office.locator(".pg-page-header")).to_contain_text("尚未公布。")
        office.get_by_role("link", name="教育局").click()
        expect(office.locator(".pg-kpi").first).to_contain_text(points(before))
        j.shot(office, "score-before")

        # She records a safety accident of 教育局 under the rule "安全质量事故".
        go(office, "扣分与加分事项")
        rule = office.locator("#id_rule option").filter(has_text="安全质量事故")
        expect(rule).to_contain_text("扣分 · 安全质量事故(安全生产与质量) · 每次扣")
        record = office.locator("form[enctype='multipart/form-data']")  # the list's filters are above
        record.get_by_label("规则").select_option(rule.get_attribute("value"))
        record.get_by_label("部门").select_option(label="教育局")
        record.get_by_label("日期").fill(day)
        record.get_by_label("次数").fill("1")
        record.get_by_label("说明").fill(NOTE)
        office.get_by_role("button", name="登记", exact=True).click()
        expect(message(office)).to_contain_text("已登记")
        expect(office.locator("table tbody tr").first).to_contain_text("安全质量事故")
        j.shot(office, "event-recorded")

        # The score follows at once: two points less, and the ledger says why.
        office.goto(j.url(f"/assessments/scores/edu/{year.year}/{period}/"))
        expect(office.locator(".pg-kpi").first).to_contain_text(points(after_event))
        line = office.locator("table.pg-ledger tbody tr").filter(has_text="安全质量事故")
        expect(line).to_contain_text("-2.00")
        expect(line).to_contain_text(NOTE)
        j.shot(office, "score-after-deduction")

        # She publishes the quarter's results: every report is approved, the checklist is clear.
        office.get_by_role("link", name="全部部门").click()
        office.get_by_role("link", name="公布…").click()
        expect(office.locator(".pg-check-ok").last).to_contain_text("检查清单已全部完成。")
        office.get_by_role("button", name="公布", exact=True).click()
        expect(message(office)).to_contain_text(f"{period} 结果已公布。")
        expect(office.locator(".pg-page-header")).to_contain_text("申诉截止")
        j.shot(office, "published")

        # The filer is told; she opens her department's ledger and appeals the deduction line.
        filer = j.desk("filer")
        filer.locator(".pg-bell").click()
        notice = filer.locator(".list-group-item").filter(has_text="考核结果已公布")
        expect(notice).to_contain_text(f"{year.year} 年度 {period} 考核结果已公布")
        notice.get_by_role("link").click()
        expect(filer.locator("table tbody tr")).to_have_count(3)  # published: every department's result
        expect(filer.locator(".pg-page-header")).to_contain_text("申诉截止")
        filer.get_by_role("link", name="教育局").click()
        expect(filer.locator(".pg-kpi").first).to_contain_text(points(after_event))
        line = filer.locator("table.pg-ledger tbody tr").filter(has_text="安全质量事故")
        line.locator("summary").click()
        line.locator("textarea").fill(APPEAL)
        j.shot(filer, "appeal-written")
        line.get_by_role("button", name="提交申诉").click()
        expect(message(filer)).to_contain_text("申诉已提交，由督查室处理。")
        expect(filer.locator("h1")).to_contain_text("号申诉")
        j.shot(filer, "appeal-filed")

        # The supervisor finds it among the appeals and upholds it.
        go(office, "申诉")
        office.locator("tr").filter(has_text="教育局").get_by_role("link").first.click()
        expect(office.locator("section").filter(has_text="处理过程")).to_contain_text(APPEAL)
        office.fill("#ad-reason", DECISION)
        office.get_by_role("button", name="申诉成立").click()
        expect(message(office)).to_contain_text("申诉已处理，并已通知部门。")
        expect(office.locator("main")).to_contain_text(f"{points(after_event)} → {points(before)}")
        j.shot(office, "appeal-upheld")

        # The filer sees the new total, the decision, and the version published before it.
        filer.goto(j.url(f"/assessments/scores/edu/{year.year}/{period}/"))
        expect(filer.locator(".pg-kpi").first).to_contain_text(points(before))
        expect(filer.locator("table.pg-ledger")).not_to_contain_text("安全质量事故")
        expect(filer.locator("section").filter(has_text="此前公布的版本")).to_contain_text(points(after_event))
        expect(filer.locator(".pg-bell .badge")).to_be_visible()
        j.shot(filer, "total-restored")

        # She prints the ledger for her head: the page alone, on A4, without the navigation.
        filer.get_by_role("link", name="打印/导出").click()
        expect(filer.locator("h1")).to_contain_text("绩效考核得分及计分明细")
        expect(filer.get_by_role("button", name="打印")).to_be_visible()
        expect(filer.locator(".pg-sheet table.pg-ledger tfoot")).to_contain_text(points(before))
        expect(filer.locator(".pg-sheet")).not_to_contain_text("安全质量事故")
        filer.emulate_media(media="print")
        expect(filer.locator(".pg-sidenav")).to_be_hidden()
        expect(filer.locator(".pg-print-actions")).to_be_hidden()
        j.shot(filer, "ledger-printed")
        filer.emulate_media(media="screen")
        with filer.expect_download() as download:
            filer.get_by_role("link", name="下载表格（xlsx）").click()
        assert download.value.suggested_filename == f"score-edu-{year.year}-{period}.xlsx"

    score = Score.objects.get(plan_id=year.plan_id, department__code="edu", period=period)
    assert score.published and score.total == before and score.revision == 2
    assert score.revisions.get().snapshot["total"] == points(after_event)
    appeal = Appeal.objects.get()
    assert (appeal.status, appeal.total_before, appeal.total_after) == ("upheld", after_event, before)
    event = ScoreEvent.objects.get()
    assert event.voided_at is not None and event.recorded_by.username == "supervisor"
