"""The audit administrator reads the trail of the year, and nothing else.

The year of the other journeys has happened (through the same services, by the same people): a
report returned and approved, a deduction, the published results, an upheld appeal, a budget
sheet returned and approved, spending in full and one yuan refused, an accepted recommendation.
Then, in the browser, 李晓梅 mistypes her password once, logs in and tries the audit log (refused).
孙静, the audit administrator, logs in with her second factor. Her navigation holds the audit log
and nothing of the business; the log lists every one of those events with who, from where and the
outcome; an event shows its values before and after; the filtered list exports as csv. Every
business page she tries is refused, and the refusals are themselves in the log.
"""

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from audit.models import AuditEvent

from . import world
from .browser import journey

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# action, who did it, outcome as shown
TRAIL = [
    ("assessments.report.submitted", "filer", "成功"),
    ("assessments.entry.returned", "supervisor", "成功"),
    ("assessments.report.returned", "supervisor", "成功"),
    ("assessments.evidence.uploaded", "filer", "成功"),
    ("assessments.report.approved", "supervisor", "成功"),
    ("assessments.event.recorded", "supervisor", "成功"),
    ("assessments.scores.published", "supervisor", "成功"),
    ("assessments.appeal.filed", "filer", "成功"),
    ("assessments.appeal.upheld", "supervisor", "成功"),
    ("assessments.event.withdrawn", "supervisor", "成功"),
    ("budgets.project.submitted", "filer", "成功"),
    ("budgets.project.returned", "finance", "成功"),
    ("budgets.project.approved", "finance", "成功"),
    ("budgets.spending.recorded", "finance", "成功"),
    ("budgets.spending.refused", "finance", "失败"),
    ("budgets.recommendation.accepted", "finance", "成功"),
    ("satisfaction.survey.opened", "surveyor", "成功"),
    ("auth.login_failed", "", "失败"),
    ("auth.login", "filer", "成功"),
    ("auth.denied", "filer", "拒绝"),
]
BUSINESS_PAGES = [
    "/assessments/",
    "/assessments/review/",
    "/assessments/scores/",
    "/assessments/appeals/",
    "/budgets/projects/",
    "/budgets/recommendations/",
    "/dashboards/",
    "/satisfaction/",
    "/library/",
]


def filter_actions(page: Page, action: str) -> None:
    page.select_option("#id_action", action)  # a picker of actions in words, not a typed code
    page.get_by_role("button", name="筛选", exact=True).click()
    expect(page.locator("#id_action")).to_have_value(action)


def rows(page: Page, action: str):
    return page.locator(f'table tbody tr[data-action="{action}"]')


def test_auditor_reads_the_whole_trail_and_nothing_else(live_server, people, departments):
    year = world.build_trail(people, departments)
    phone = world.authenticator_for(people["auditor"])
    today = world.today()

    with journey("07-auditor-trail", live_server.url) as j:
        # The filer mistypes her password once, then logs in, then tries the audit log: refused.
        filer = j.desk()
        filer.goto(j.url("/accounts/login/"))
        filer.fill("#id_username", "filer")
        filer.fill("#id_password", "wrong-password-1")
        filer.get_by_role("button", name="登录", exact=True).click()
        expect(filer.locator(".alert-danger")).to_be_visible()
        j.login(filer, "filer")
        with j.expect_status(403):
            filer.goto(j.url("/audit/"))
        expect(filer.locator("h1")).to_contain_text("您无权访问此页面")

        # The audit administrator logs in with her second factor: only the audit is hers.
        auditor = j.desk("auditor", authenticator=phone)
        nav = auditor.locator("nav.pg-sidenav")
        expect(nav.get_by_role("link")).to_have_text(["首页", "我的账户", "审计日志", "审计保存期限"])
        nav.get_by_role("link", name="审计日志").click()
        expect(auditor.locator("h1")).to_have_text("审计日志")
        j.shot(auditor, "audit-log")

        # Every event of the year is there, by whom and with its outcome.
        for action, actor, outcome in TRAIL:
            filter_actions(auditor, action)
            found = rows(auditor, action)
            expect(found.first).to_be_visible()
            if actor:
                expect(found.filter(has_text=actor).first).to_be_visible()
            expect(found.first.locator(".badge")).to_have_text(outcome)
            if action == "budgets.spending.refused":
                j.shot(auditor, "spending-refused")
            if action == "auth.login":
                expect(found.filter(has_text="filer").first).to_contain_text("127.0.0.1")
                j.shot(auditor, "logins")

        # The upheld appeal in detail: the total before and after.
        filter_actions(auditor, "assessments.appeal.upheld")
        rows(auditor, "assessments.appeal.upheld").first.get_by_role("link", name="详情").click()
        changes = auditor.locator("section").filter(has_text="变更前后")
        expect(changes).to_contain_text("总分")
        expect(changes).not_to_contain_text("total")
        expect(auditor.locator("main")).to_contain_text("supervisor")
        j.shot(auditor, "appeal-event")

        # Today's budget events, exported as csv for the audit report. The date stays in the filter.
        auditor.goto(j.url("/audit/"))
        auditor.fill("#id_date_from", today.isoformat())
        auditor.select_option("#id_action", "budgets.")
        auditor.get_by_role("button", name="筛选", exact=True).click()
        expect(auditor.locator("#id_date_from")).to_have_value(today.isoformat())
        expect(rows(auditor, "budgets.spending.refused")).to_have_count(1)
        j.shot(auditor, "budget-events-today")
        with auditor.expect_download() as download:
            auditor.get_by_role("link", name="导出 csv").click()
        exported = open(download.value.path(), encoding="utf-8-sig").read()  # noqa: SIM115
        assert "budgets.spending.refused" in exported and "budgets.project.approved" in exported
        assert "assessments." not in exported  # the filter applies to the export

        # Every business page refuses her.
        for path in BUSINESS_PAGES:
            with j.expect_status(403):
                auditor.goto(j.url(path))
            expect(auditor.locator("h1")).to_contain_text("您无权访问此页面")
        j.shot(auditor, "business-page-refused")

    denied = AuditEvent.objects.filter(action="auth.denied", actor_username="auditor")
    assert sorted(e.data["path"] for e in denied) == sorted(BUSINESS_PAGES)
    exported = AuditEvent.objects.get(action="audit.exported")
    assert exported.actor_username == "auditor" and exported.data["filters"]["action"] == "budgets."
    assert exported.data["filters"]["date_from"] == today.isoformat()
    assert year.year == today.year and isinstance(today, dt.date)
