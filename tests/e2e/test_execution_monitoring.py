"""Finance watches budget execution against the year's checkpoints; a department sees its own projects.

Two approved projects of this year: 教育局's has spent 85 % of its money, 水利局's only 30 %. After
the last checkpoint of October (80 %) finance's page shows 教育局 green and 水利局 yellow; the filer
of 教育局 sees only the own project.
"""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from budgets.models import SpendingRecord
from tests.budgets.factories import approved_project

from . import world
from .browser import journey
from .steps import go

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_execution_monitoring(live_server, people, departments):
    today = timezone.localdate()
    if today < dt.date(today.year, 4, 30):
        pytest.skip("no checkpoint has passed yet this year")
    year = today.year
    edu = approved_project(departments["edu"], amount="1000000.00", year=year, code="EDU-M", name="校舍维修资金")
    water = approved_project(departments["water"], amount="2000000.00", year=year, code="WAT-M", name="河道整治资金")
    day = dt.date(year, 4, 1)
    SpendingRecord.objects.create(project=edu, date=day, amount=D("850000.00"))
    SpendingRecord.objects.create(project=water, date=day, amount=D("200000.00"))  # 10 %: below every checkpoint

    finance_app = world.authenticator_for(people["finance"])

    with journey("10-execution-monitoring", live_server.url) as j:
        finance = j.desk("finance", authenticator=finance_app)
        go(finance, "执行监控")
        projects = finance.locator("#monitoring-projects")
        expect(projects.locator("tr", has_text="校舍维修资金")).to_contain_text("85.00%")
        expect(projects.locator("tr", has_text="校舍维修资金")).to_contain_text("绿")
        expect(projects.locator("tr", has_text="河道整治资金")).to_contain_text("10.00%")
        expect(projects.locator("tr", has_text="河道整治资金")).to_contain_text("低于时序进度")
        j.shot(finance, "finance-monitoring")

        filer = j.desk("filer")
        go(filer, "本部门执行监控")
        expect(filer.locator("#monitoring-projects")).to_contain_text("校舍维修资金")
        expect(filer.locator("#monitoring-projects")).not_to_contain_text("河道整治资金")
        j.shot(filer, "department-monitoring")
