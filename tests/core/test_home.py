"""The home page: each role's workspace link and what waits for it today."""

import pytest


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
    assert "待审核的预算项目" in html and "待确认的预算建议" in html
