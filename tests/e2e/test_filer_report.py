"""A filer of 教育局 files the quarter's progress report in the browser.

She logs in (the pages are in Chinese), opens this quarter's report from her department's page,
types the cumulative values and the narrative of each indicator, attaches the training register
as evidence, and submits. One indicator lags the plan: the submission is refused with a message
that names it and asks for the cause and the remedy. She writes them and submits again.
"""

import re

import pytest
from playwright.sync_api import expect

from . import world
from .browser import journey
from .steps import axe_serious, go, message, type_into_entry, upload_evidence

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_filer_fills_the_quarter_and_submits(live_server, people, departments):
    year = world.build_year(people, departments)
    report = world.open_report(year, departments["edu"])
    entries = year.entries
    built = 10 * year.quarter // 8  # planned by now: 10 × quarter / 4 schools (25, 50, 75, 100 percent)

    with journey("01-filer-report", live_server.url) as j:
        # She logs in; the login page and her home page speak Chinese.
        filer = j.desk("filer")
        expect(filer.locator("html")).to_have_attribute("lang", "zh-hans")
        expect(filer.locator(".pg-user")).to_contain_text("李晓梅")
        # Her home is a to-do list: this quarter's report is due, with its deadline and the days left.
        due = filer.locator(".pg-todo li").filter(has_text=f"{year.year} Q{year.quarter} 季度报告待提交")
        expect(due.locator("[data-todo-count]")).to_have_text("1")
        expect(due).to_contain_text(f"截止 {year.deadline.isoformat()}")
        j.shot(filer, "home")

        # Her department's page: this quarter, its deadline, her draft waiting.
        go(filer, "本部门工作台")
        kpis = filer.locator(".pg-kpis")
        expect(kpis).to_contain_text(f"{year.year} Q{year.quarter}")
        expect(kpis).to_contain_text(year.deadline.isoformat())
        j.shot(filer, "department-page")

        # She opens the report: one card per indicator, each with its target.
        filer.get_by_role("link", name="继续填报").click()
        expect(filer.locator("h1")).to_contain_text(f"教育局 · {year.year} 年 Q{year.quarter} 进展报告")
        expect(filer.locator("section.pg-entry")).to_have_count(4)
        # The submit bar tells how much is filled, and stays in view as she scrolls.
        expect(filer.locator("#report-filled")).to_have_text("已填 0/4")
        expect(filer.get_by_role("navigation", name="路径导航")).to_contain_text("首页")

        # New schools: half of what the plan expects by now (10 in the year). The entry turns "at risk".
        type_into_entry(
            filer, entries["schools"], actual_value=str(built), narrative=f"{built}所已竣工交付,其余主体施工中。"
        )
        expect(filer.locator(f"#entry-{entries['schools']}-status")).to_contain_text("严重滞后")
        # Kindergarten enrolment: 93.5 percent, between the basic and the challenge target.
        # She types the per cent sign, as people do: accepted.
        type_into_entry(filer, entries["kindergarten"], actual_value="93.5%", narrative="新增普惠性学位1200个。")
        # Teacher training: 3,200 trainees, and the register as evidence (this indicator requires it).
        type_into_entry(filer, entries["training"], actual_value="3200", narrative="完成全员培训。")
        upload_evidence(filer, entries["training"], "教师培训签到台账.pdf", world.PDF)
        upload = filer.locator(f"#entry-{entries['training']}-evidence").get_by_role("button", name="上传")
        assert upload.bounding_box()["height"] < 40  # "上传" on one line, not broken in two
        # Safety: no accident this year.
        type_into_entry(filer, entries["safety"], completion_pct="100", narrative="未发生安全质量事故。")
        expect(filer.locator("#report-filled")).to_have_text("已填 4/4")
        assert axe_serious(filer) == []  # the report form passes axe-core
        submit_bar = filer.locator(".pg-submit-bar")
        filer.locator(f"#entry-{entries['schools']}").scroll_into_view_if_needed()
        expect(submit_bar).to_be_in_viewport()
        j.shot(filer, "report-filled")

        # She submits: refused, and the message names the lagging indicator and what it lacks.
        with j.expect_status(400):
            filer.get_by_role("button", name="报送督查室").click()
        expect(message(filer)).to_contain_text("报告暂不能报送：有 1 处需要修改")
        problem = filer.locator(".alert-danger").filter(has_text="报告暂不能报送。")
        expect(problem).to_contain_text("新建改扩建中小学校")
        expect(problem).to_contain_text("请说明滞后原因及整改措施")
        expect(filer.locator(f"#entry-{entries['schools']}-explanation-error")).to_contain_text("严重滞后")
        j.shot(filer, "submission-refused")
        # The message is a link to the field that needs her.
        problem.get_by_role("link").first.click()
        expect(filer).to_have_url(re.compile(f"#e{entries['schools']}-explanation$"))

        # She explains the delay and submits again: the report goes to the supervision office.
        type_into_entry(
            filer,
            entries["schools"],
            explanation="两所学校因征地延期开工;已倒排工期,12月底前全部主体完工。",
        )
        filer.get_by_role("button", name="报送督查室").click()
        expect(message(filer)).to_contain_text("已报送督查室。")
        expect(filer.locator(".pg-page-header")).to_contain_text("已报送")
        expect(filer.get_by_role("button", name="报送督查室")).to_have_count(0)  # no longer editable
        expect(filer.locator("table").filter(has_text="版本")).to_contain_text("r1")
        j.shot(filer, "submitted")

        # Before the office begins its review she takes it back (撤回), and sends it again.
        filer.get_by_role("button", name="撤回报告").click()
        expect(message(filer)).to_contain_text("报告已撤回")
        expect(filer.locator(".pg-page-header")).to_contain_text("草稿")
        j.shot(filer, "withdrawn")
        filer.get_by_role("button", name="报送督查室").click()
        expect(message(filer)).to_contain_text("已报送督查室。")

    # What she did is what the office receives: revision 1 with her values and explanation.
    report.refresh_from_db()
    assert report.status == "submitted" and report.revision == 1 and report.submitted_by.username == "filer"
    sent = report.revisions.get(number=1).entries
    schools = next(v for v in sent.values() if v["indicator"] == "schools")
    assert schools["actual_value"] == f"{built}.0000" and schools["status_colour"] == "at_risk"
    assert schools["explanation"].startswith("两所学校因征地延期开工")
    training = next(v for v in sent.values() if v["indicator"] == "training")
    assert [e["name"] for e in training["evidence"]] == ["教师培训签到台账.pdf"]
