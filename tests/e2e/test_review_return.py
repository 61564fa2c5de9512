"""The supervision office returns one entry of a report; the filer corrects it; the office approves.

赵敏 of the supervision office logs in with her password and the code of her authenticator app,
finds 教育局's report in her review queue, returns the teacher-training entry with a comment and
completes the review. 李晓梅, the filer, finds the return in her notification centre, follows it
to the report, attaches the missing register, and submits again. 赵敏 approves revision 2.
"""

import pytest
from playwright.sync_api import expect

from assessments.models import EntryReview, ReportStatus
from notifications.models import Notification

from . import world
from .browser import journey
from .steps import axe_serious, go, message, type_into_entry, upload_evidence

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

COMMENT = "签到台账只有前三季度的记录,请补充第四季度培训签到表。"
REASON = "请按审核意见补充佐证材料后重新报送。"


def test_supervisor_returns_an_entry_and_approves_the_correction(live_server, people, departments):
    year = world.build_year(people, departments)
    report = world.file_report(year, departments["edu"], people["filer"])
    water = world.file_report(year, departments["water"], people["filer2"])
    training = year.entries["training"]
    phone = world.authenticator_for(people["supervisor"])

    with journey("02-review-return", live_server.url) as j:
        # The supervisor logs in with her second factor and opens her review queue.
        office = j.desk("supervisor", authenticator=phone)
        # Her home is a to-do list: two reports wait for review, one click away.
        todo = office.locator(".pg-todo li").filter(has_text="待审核的报告")
        expect(todo.locator("[data-todo-count]")).to_have_text("2")
        j.shot(office, "home-to-do")
        go(office, "审核队列")
        row = office.locator("tr").filter(has_text="教育局")
        expect(row).to_contain_text("已报送")
        j.shot(office, "review-queue")

        # She returns the teacher-training entry with a comment, then completes the review.
        row.get_by_role("link", name="教育局").click()
        entry = office.locator(f"#entry-{training}")
        entry.locator(f"#c-{training}").fill(COMMENT)
        entry.get_by_role("button", name="退回本条").click()
        expect(office.locator(f"#entry-{training}-review")).to_contain_text(COMMENT)
        office.fill("#decision-reason", REASON)
        office.get_by_role("button", name="按逐条审核结果完成审核").click()
        expect(message(office)).to_contain_text("审核完成。")
        expect(office.locator(".pg-page-header")).to_contain_text("已退回")
        j.shot(office, "entry-returned")

        # The filer sees the return in her notification centre, with the comment on the entry.
        filer = j.desk("filer")
        expect(filer.locator(".pg-bell .badge")).to_be_visible()
        filer.locator(".pg-bell").click()
        notice = filer.locator(".list-group-item").filter(has_text="被退回").first
        expect(notice).to_contain_text(f"教育局 {year.year} Q{year.quarter} 被退回")
        expect(notice).to_contain_text(f"教师培训人次: {COMMENT}")
        j.shot(filer, "notification-centre")

        # She follows the notice to the report: the reason on top, the comment beside the entry.
        notice.get_by_role("link").click()
        expect(filer.locator(".alert-danger")).to_contain_text(REASON)
        expect(filer.locator(f"#entry-{training}-review")).to_contain_text(COMMENT)
        upload_evidence(filer, training, "第四季度培训签到表.pdf", world.PDF)
        type_into_entry(filer, training, narrative="完成全员培训;已补充第四季度培训签到表。")
        j.shot(filer, "entry-corrected")
        filer.get_by_role("button", name="报送督查室").click()
        expect(message(filer)).to_contain_text("已报送督查室。")
        expect(filer.locator(".pg-page-header")).to_contain_text("第 2 版")

        # The supervisor opens the report again: revision 2 is waiting; she approves it.
        office.reload()
        expect(office.locator(".pg-page-header")).to_contain_text("已报送")
        expect(office.locator(f"#entry-{training}")).to_contain_text("第四季度培训签到表.pdf")
        office.get_by_role("button", name="审核通过").click()
        expect(message(office)).to_contain_text("报告已审核通过。")
        history = office.locator("section").filter(has_text="历次版本")
        expect(history.locator("tbody tr")).to_have_count(2)
        expect(history).to_contain_text(REASON)
        # One report is left in her queue: "下一份" takes her to it.
        expect(office.locator("[data-review-remaining]")).to_have_text("还有 1 份报告待审核")
        assert axe_serious(office) == []  # the review page passes axe-core
        j.shot(office, "approved")
        office.get_by_role("link", name="下一份 → 水利局").click()
        expect(office.locator("h1")).to_contain_text("水利局")
        expect(office).to_have_url(j.url(f"/assessments/reports/{water.pk}/"))
        expect(office.locator("[data-review-remaining]")).to_have_text("还有 0 份报告待审核")
        expect(office.get_by_role("link", name="返回审核队列")).to_be_visible()
        j.shot(office, "next-report")

        # The filer's department page shows the approval.
        filer.goto(j.url("/assessments/"))
        expect(filer.locator(".pg-kpis")).to_contain_text("已通过")

    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED
    assert report.revision == 2
    first, second = report.revisions.order_by("number")
    assert (first.decision, first.reason) == ("returned", REASON)
    assert second.decision == "approved" and second.decided_by.username == "supervisor"
    returned = EntryReview.objects.get(entry_id=training, decision="returned")
    assert returned.comment == COMMENT and returned.revision_id == first.pk
    assert second.entries[str(returned.entry.assignment_id)]["evidence"][-1]["name"] == "第四季度培训签到表.pdf"
    assert Notification.objects.filter(user=people["filer"], kind="report.approved").exists()
