"""The public disclosure pages (预算绩效信息公开) in a browser, on a desktop and on a phone.

A resident opens the performance targets published with the budget, then the self-evaluation
results published with the final accounts: 教育局's department-wide evaluation and its project's
self-evaluation, and 水利局's project, whose self-evaluation finance withheld, shown with the
reason in its place and no figure. The key-evaluation page says none is published yet. Each page
offers its xlsx.
"""

import datetime as dt
from decimal import Decimal as D

import pytest
from playwright.sync_api import expect

from budgets import services
from budgets.models import SpendingRecord
from tests.budgets.department_helpers import approved_sheet, record_all
from tests.budgets.factories import approved_project

from .browser import journey

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

YEAR = 2026
REASON = "该项目自评报告涉及集中式饮用水水源地点位及安全防护信息,经保密审查,依法不予公开。"


def build(departments, users):
    finance = users["finance"]
    projects = [
        approved_project(departments["edu"], name="校园文体活动支持资金", amount="2396300.00", code="edu-1", year=YEAR),
        approved_project(
            departments["water"], name="农村饮水安全巩固提升工程", amount="8600000.00", code="w-1", year=YEAR
        ),
    ]
    for p in projects:
        SpendingRecord.objects.create(
            project=p, amount=(p.amount * D("0.92")).quantize(D("0.01")), date=dt.date(YEAR, 9, 1)
        )
        services.actuals_record(project=p, actor=finance, values={t.pk: (t.value, "自评报告") for t in p.targets.all()})
        e = services.evaluation_compute(project=p, actor=finance)
        services.evaluation_confirm(evaluation=e, actor=finance)
        services.evaluation_publish(evaluation=e, actor=finance)
    sheet = approved_sheet(departments["edu"], year=YEAR)
    record_all(sheet, finance, 义务教育巩固率=(D("97.2"), "统计年报"))
    e = services.department_evaluation_compute(sheet=sheet, actor=finance)
    services.department_evaluation_confirm(evaluation=e, actor=finance)
    services.department_evaluation_publish(evaluation=e, actor=finance)
    services.disclosure_set(project=projects[1], part="self_evaluation", withheld=True, reason=REASON, actor=finance)
    return e


def test_disclosure_pages_on_desktop_and_phone(live_server, users, departments):
    evaluation = build(departments, users)
    total = f"{evaluation.total:.2f}"
    with journey("disclosure-pages", live_server.url) as j:
        for width, label in ((1366, "desktop"), (360, "phone")):
            page = j.desk(width=width, height=800, mobile=width < 500)
            page.goto(j.url(f"/public/{YEAR}/disclosure/targets/"))
            expect(page.locator("h1")).to_contain_text("绩效目标")
            expect(page.locator("table.pub-disclosure")).to_contain_text("义务教育巩固率")
            expect(page.locator("table.pub-disclosure")).to_contain_text("部门整体预算")
            expect(page.get_by_role("link", name="xlsx")).to_have_attribute(
                "href", f"/public/{YEAR}/disclosure/targets.xlsx"
            )
            j.shot(page, f"targets-{label}")

            page.get_by_role("link", name="绩效自评结果").click()
            table = page.locator("table.pub-disclosure")
            expect(table).to_contain_text(total)
            withheld = table.locator("tr.pub-withheld")
            expect(withheld).to_have_count(1)
            expect(withheld).to_contain_text("农村饮水安全巩固提升工程")
            expect(withheld).to_contain_text(REASON)
            expect(withheld).not_to_contain_text("860")
            j.shot(page, f"self-evaluations-{label}")

            page.get_by_role("link", name="重点评价结果").click()
            expect(page.locator("main")).to_contain_text("本年度尚无公开的重点评价结果。")
            j.shot(page, f"key-evaluations-{label}")
