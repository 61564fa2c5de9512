"""A warning arrives and the department responds; a weak evaluation becomes a rectification item
that finance rejects once and then closes (销号).

教育局's approved project has spent 10 % of its money: the warning job finds it below the
checkpoint, the filer answers on the warning's page. Its evaluation graded 差: finance raises an
item from the evaluation tab in one click; the filer records measures, uploads evidence and
submits; finance rejects with reasons, the filer adds a document and submits again; finance closes.
"""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from budgets.models import Evaluation, SpendingRecord
from monitoring import jobs
from tests.budgets.factories import approved_project

from . import world
from .browser import journey
from .steps import go, message

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _file(name):
    return [{"name": name, "mimeType": "application/pdf", "buffer": PDF}]


def test_warning_response_and_rectification(live_server, people, departments):
    today = timezone.localdate()
    if today < dt.date(today.year, 4, 30):
        pytest.skip("no checkpoint has passed yet this year")
    year = today.year
    project = approved_project(departments["edu"], amount="1000000.00", year=year, code="EDU-W", name="智慧校园建设")
    SpendingRecord.objects.create(project=project, date=dt.date(year, 4, 1), amount=D("100000.00"))
    jobs.record_warnings(today=today)
    Evaluation.objects.create(
        project=project,
        number=1,
        total=D("52.00"),
        grade="poor",
        amount=project.amount,
        spent=D("100000.00"),
        execution_rate=D("10.00"),
        weights={},
        ledger=[],
    )
    finance_app = world.authenticator_for(people["finance"])

    with journey("19-warning-rectification", live_server.url) as j:
        filer = j.desk("filer")
        go(filer, "本部门监控预警")
        filer.locator("#warnings").get_by_role("link", name="智慧校园建设").first.click()
        expect(filer.locator("#warning-status")).to_contain_text("待反馈")
        j.shot(filer, "warning-arrives")
        filer.select_option("#id_response", "continue")
        filer.fill("#id_reason", "已完成招标,合同款下月集中支付。")
        filer.get_by_role("button", name="提交反馈").click()
        expect(message(filer)).to_contain_text("反馈已记录")
        expect(filer.locator("#warning-response")).to_contain_text("已完成招标")
        j.shot(filer, "warning-answered")

        finance = j.desk("finance", authenticator=finance_app)
        finance.goto(j.url(f"/budgets/projects/{project.pk}/?tab=evaluation"))
        finance.get_by_role("link", name="下达整改").first.click()
        expect(finance.locator("#item-source")).to_contain_text("智慧校园建设")
        j.shot(finance, "item-prefilled")
        finance.get_by_role("button", name="下达", exact=True).click()
        expect(finance.locator("#item-status")).to_contain_text("整改中")
        item_url = finance.url

        filer.goto(item_url)
        filer.fill("#id_measures_taken", "重新梳理绩效目标,建立月度支付台账。")
        filer.fill("#id_progress", "100")
        filer.get_by_role("button", name="保存", exact=True).click()
        expect(message(filer)).to_contain_text("进展已记录")
        filer.set_input_files("#id_file", files=_file("整改报告.pdf"))
        filer.get_by_role("button", name="上传", exact=True).click()
        expect(filer.locator("#item-evidence")).to_contain_text("整改报告.pdf")
        filer.get_by_role("button", name="申请销号", exact=True).click()
        expect(filer.locator("#item-status")).to_contain_text("已申请销号")

        finance.goto(item_url)
        finance.fill("#id_reason", "缺少月度支付台账的制度文件。")
        finance.get_by_role("button", name="退回", exact=True).click()
        expect(finance.locator("#item-status")).to_contain_text("整改中")
        j.shot(finance, "closure-rejected")

        filer.goto(item_url)
        expect(filer.locator("#item-history")).to_contain_text("缺少月度支付台账")
        filer.set_input_files("#id_file", files=_file("支付台账制度.pdf"))
        filer.get_by_role("button", name="上传", exact=True).click()
        expect(filer.locator("#item-evidence")).to_contain_text("支付台账制度.pdf")
        filer.get_by_role("button", name="申请销号", exact=True).click()
        expect(filer.locator("#item-status")).to_contain_text("已申请销号")

        finance.goto(item_url)
        finance.get_by_role("button", name="同意销号", exact=True).click()
        expect(finance.locator("#item-status")).to_contain_text("已销号")
        j.shot(finance, "item-closed")
        finance.goto(j.url("/rectification/"))
        expect(finance.locator("#ledger")).to_contain_text("已销号")
        j.shot(finance, "ledger")
