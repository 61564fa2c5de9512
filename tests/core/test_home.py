"""The home page: each role's workspace link and what waits for it today."""

import re

import pytest
from django.utils import timezone


@pytest.mark.parametrize(
    ("role", "start"),
    [
        ("filer", "/assessments/"),
        ("leader", "/dashboards/"),
        ("auditor", "/audit/"),
        ("security_admin", "/org/security/"),
    ],
)
def test_home_leads_to_the_workspace(client_for, role, start):
    html = client_for(role).get("/").content.decode()
    assert f'href="{start}"' in html and "进入我的工作台" in html


def test_finance_sees_projects_awaiting_review(client_for):
    html = client_for("finance").get("/").content.decode()
    assert "待审核的绩效目标表" in html and "待评价的项目" in html and "待确认的预算建议" in html


def test_finance_sees_projects_to_evaluate(client_for, departments):
    from budgets.models import BudgetProject

    def count():
        html = client_for("finance").get("/").content.decode()
        m = re.search(r'data-todo-count>(\d+)</span>\s*<div class="flex-grow-1">\s*<a [^>]+>待评价的项目', html)
        return int(m.group(1))

    assert count() == 0
    year = timezone.localdate().year
    for y, code, name in ((year - 1, "P1", "校舍维修"), (year, "P2", "课后服务")):
        BudgetProject.objects.create(
            department=departments["edu"], year=y, code=code, name=name, amount=1000, status="approved"
        )
    assert count() == 1  # only last year's approved project, not this year's


def test_the_landing_page_is_a_to_do_list_not_the_sidebar_again(client_for):
    html = client_for("supervisor").get("/").content.decode()
    assert "待办事项" in html and 'class="col-md-4"' not in html


def test_the_survey_firm_sees_quotas_behind_schedule(client_for, db):
    from tests.factories import RegionFactory
    from tests.satisfaction.factories import SurveyRegionFactory

    # the survey opened 10 days ago and closes in 10: about half of each quota is due by now
    behind = SurveyRegionFactory(region=RegionFactory(code="east", name="东区"), quota=100, received=20)
    SurveyRegionFactory(survey=behind.survey, region=RegionFactory(code="west", name="西区"), quota=100, received=60)
    html = client_for("surveyor").get("/").content.decode()
    m = re.search(
        r'data-todo-count>(\d+)</span>\s*<div class="flex-grow-1">\s*<a href="([^"]+)" class="fw-semibold">'
        r'进度落后的区域配额</a>\s*<div class="small text-muted">([^<]*)</div>',
        html,
    )
    assert m and m.group(1) == "1" and m.group(3) == "东区"
    assert m.group(2) == f"/satisfaction/{behind.survey_id}/quota/"
