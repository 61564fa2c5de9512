"""Six wrong passwords lock an account; the right one is then refused until it is unlocked.

Someone tries 李晓梅's account with wrong passwords. The first five are answered "wrong username
or password"; the sixth locks the account for 30 minutes, and the right password is then refused
with the same lockout message. The security administrator, logged in with her second factor,
sees the locked account with its six failures and unlocks it; 李晓梅 logs in again.
"""

import pytest
from playwright.sync_api import Page, expect

from audit.models import AuditEvent
from tests.factories import PASSWORD

from . import world
from .browser import journey

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LOCKED = "登录失败次数过多，账户已被锁定。请 30 分钟后再试，或请安全管理员解锁。"


def try_password(page: Page, password: str) -> None:
    page.fill("#id_username", "filer")
    page.fill("#id_password", password)
    page.get_by_role("button", name="登录", exact=True).click()


def test_six_wrong_passwords_lock_the_account(live_server, people):
    phone = world.authenticator_for(people["security_admin"])

    with journey("08-lockout", live_server.url) as j:
        # Five wrong passwords: each refused, the account still open.
        door = j.desk()
        door.goto(j.url("/accounts/login/"))
        for attempt in range(1, 6):
            try_password(door, f"Wrong-pass-{attempt}")
            expect(door.locator(".alert-danger")).to_contain_text("密码")
            expect(door.locator(".alert-danger")).not_to_contain_text("锁定")
        j.shot(door, "wrong-password")

        # The sixth locks the account.
        with j.expect_status(429):
            try_password(door, "Wrong-pass-6")
        expect(door.locator(".alert-danger").first).to_have_text(LOCKED)
        j.shot(door, "locked")

        # The right password is refused now, with the lockout message.
        with j.expect_status(429):
            try_password(door, PASSWORD)
        expect(door.locator(".alert-danger").first).to_have_text(LOCKED)
        expect(door).to_have_url(j.url("/accounts/login/"))
        expect(door.locator(".pg-user")).to_have_count(0)
        j.shot(door, "right-password-refused")

        # The security administrator sees the lock and lifts it.
        security = j.desk("security_admin", authenticator=phone)
        security.locator("nav.pg-sidenav").get_by_role("link", name="账户安全").click()
        lock = security.locator("section").filter(has_text="已锁定的账户").locator("tr").filter(has_text="filer")
        expect(lock.locator("td").nth(1)).to_have_text("6")  # failures
        j.shot(security, "locked-accounts")
        security.wait_for_load_state()  # the confirmation prompt comes with the page's script
        lock.get_by_role("button", name="解锁").click()
        expect(security.locator(".pg-messages")).to_contain_text("filer")
        expect(
            security.locator("section").filter(has_text="已锁定的账户").locator("tr").filter(has_text="filer")
        ).to_have_count(0)

        # 李晓梅 logs in with her password again.
        j.login(door, "filer")
        expect(door.locator(".pg-user")).to_contain_text("李晓梅")
        j.shot(door, "logged-in-again")
        assert j.dialogs == ["确定解锁该账户吗？"]

    failures = AuditEvent.objects.filter(action="auth.login_failed", data__username="filer")
    assert failures.count() == 7  # six wrong passwords and the refused right one
    assert AuditEvent.objects.get(action="auth.locked_out").data["failures"] == 6
    assert AuditEvent.objects.get(action="auth.unlocked").actor_username == "security_admin"
    assert AuditEvent.objects.filter(action="auth.login", actor_username="filer").count() == 1
