"""A mid-year target revision (绩效目标调整), and the versions side by side.

李晓梅 of 教育局 asks to revise the approved sheet of the activity-support fund: fewer
activities after a budget cut, one target removed and a new one added, with the reason. Finance
sees the sheet in force beside the sheet asked for, approves it, and the project now shows
version 2 in force; the versions page shows both side by side with the changes marked.
"""

import pytest
from playwright.sync_api import expect

from budgets.models import TargetAdjustment

from . import world
from .browser import journey
from .steps import message

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_target_revision_side_by_side(live_server, people, departments):
    from tests.budgets.factories import approved_project

    project = approved_project(departments["edu"], amount="2396300.00", name="校园文体活动支持资金")
    targets = {t.name: t for t in project.targets.all()}
    finance_app = world.authenticator_for(people["finance"])

    with journey("target-revision", live_server.url) as j:
        filer = j.desk("filer")
        filer.goto(j.url(f"/budgets/projects/{project.pk}/"))
        expect(filer.locator("#versions-h")).to_be_visible()
        filer.get_by_role("link", name="申请年中调整").click()
        filer.fill("#id_reason", "上级压减经费,活动场次由50场调减为40场;覆盖学校数改按受益学生人数考核。")
        filer.fill(f"#id_t{targets['组织活动场次'].pk}_value", "40")
        filer.check(f"#id_t{targets['覆盖学校数'].pk}_remove")
        filer.select_option("#id_n1_dimension", "effect")
        filer.select_option("#id_n1_subdimension", "social")
        filer.fill("#id_n1_name", "受益学生人数")
        filer.fill("#id_n1_value", "5000")
        filer.fill("#id_n1_unit", "人")
        j.shot(filer, "revision-asked")
        filer.get_by_role("button", name="报送财政", exact=True).click()
        expect(message(filer)).to_contain_text("调整申请已报送财政")
        expect(filer.locator('tr[data-status="changed"]')).to_contain_text("组织活动场次")

        finance = j.desk("finance", authenticator=finance_app)
        finance.goto(j.url(f"/budgets/projects/{project.pk}/"))
        finance.get_by_role("link", name="有调整申请待财政审核").click()
        expect(finance.locator('tr[data-status="removed"]')).to_contain_text("覆盖学校数")
        expect(finance.locator('tr[data-status="added"]')).to_contain_text("受益学生人数")
        j.shot(finance, "revision-to-decide")
        finance.get_by_role("button", name="批准调整", exact=True).click()
        expect(message(finance)).to_contain_text("目标表第 2 版开始执行")

        filer.goto(j.url(f"/budgets/projects/{project.pk}/"))
        expect(filer.locator("#versions-h").locator("..")).to_contain_text("现行为目标表第 2 版")
        filer.get_by_role("link", name="各版本对照").click()
        expect(filer.locator('tr[data-status="changed"]')).to_contain_text("40")
        expect(filer.locator('tr[data-status="removed"]')).to_contain_text("覆盖学校数")
        j.shot(filer, "versions-side-by-side")

    assert TargetAdjustment.objects.get(project=project).sheet_version == 2
