"""The browser side of the journeys, in Debian's Chromium through Playwright.

A journey opens one browser; each person in it sits at their own desk (a browser context with
its own cookies), logs in through the real login page (with a current two-factor code where
their role needs one) and stays logged in for the rest of the journey, as colleagues at
different desks would. Screenshots of the key screens go to ``tests/e2e/artifacts/<journey>/``.

The journey fails on anything a careful tester would notice beside the assertions of the test:
a console error or an uncaught script error, a request to a host other than the test server
(aborted before it leaves), a server error, or a refusal (4xx) the journey did not announce
with ``expect_status``.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.factories import PASSWORD

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
# Chromium's own log line for a response with an error status (not a script error by itself).
FAILED_LOAD = re.compile(r"^Failed to load resource: the server responded with a status of (\d{3})")


def require_chromium() -> None:
    """Skip without Debian's Chromium; fail instead when REQUIRE_SERVICES=1 (CI)."""
    if not (os.path.exists(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(f"{CHROMIUM} is required (REQUIRE_SERVICES=1); apt-get install chromium fonts-noto-cjk")
        pytest.skip(f"{CHROMIUM} not installed")


class Authenticator:
    """The authenticator app on a person's phone: the six-digit TOTP code of the moment.

    A code is accepted once; asked twice within one 30-second step, it waits for the next.
    """

    def __init__(self, key: bytes):
        self.key = key
        self.last_step = -1

    def code(self) -> str:
        from django_otp.oath import TOTP

        totp = TOTP(self.key)
        while totp.t() <= self.last_step:
            time.sleep(0.5)
        self.last_step = totp.t()
        return f"{totp.token():06d}"


class Journey:
    """One journey's browser, desks, screenshots and watch."""

    def __init__(self, playwright, name: str, base_url: str):
        self.name = name
        self.base = base_url.rstrip("/")
        self.origin = "{0.scheme}://{0.netloc}".format(urlsplit(self.base))
        self.browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        self.folder = ARTIFACTS / name
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.shots: list[Path] = []
        self.pages: list = []
        self.console_errors: list[tuple[str, str]] = []
        self.script_errors: list[str] = []
        self.foreign: list[str] = []
        self.unexpected: list[str] = []
        self.refusals: set[tuple[str, int]] = set()
        self.dialogs: list[str] = []
        self._expecting: set[int] | None = None
        self._seen_expected: list[tuple[str, int]] = []

    # --- desks and login --------------------------------------------------------------------

    def desk(
        self,
        username: str | None = None,
        *,
        password: str = PASSWORD,
        authenticator: Authenticator | None = None,
        width: int = 1366,
        height: int = 900,
        mobile: bool = False,
    ):
        """A new browser context (a person at their own desk or phone), logged in when named."""
        context = self.browser.new_context(
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
            viewport={"width": width, "height": height},
            is_mobile=mobile,
            has_touch=mobile,
        )
        context.route(lambda url: not self._ours(url), self._abort)
        context.on("request", self._on_request)
        context.on("response", self._on_response)
        context.on("console", self._on_console)
        context.on("weberror", lambda error: self.script_errors.append(str(error.error)))
        context.on("dialog", self._on_dialog)
        context.set_default_timeout(20_000)
        page = context.new_page()
        self.pages.append(page)
        if username:
            self.login(page, username, password=password, authenticator=authenticator)
        return page

    def login(self, page, username: str, *, password: str = PASSWORD, authenticator: Authenticator | None = None):
        """The login page in Chinese: username and password, then the code of the moment if asked."""
        from playwright.sync_api import expect

        page.goto(self.url("/accounts/login/"))
        expect(page.locator("h1")).to_have_text("登录")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.get_by_role("button", name="登录", exact=True).click()
        if authenticator is not None:
            expect(page.locator("h1")).to_have_text("双因素登录")
            page.fill("#id_code", authenticator.code())
            page.get_by_role("button", name="验证", exact=True).click()
        expect(page).not_to_have_url(re.compile(r"/accounts/(login|2fa)/"))
        expect(page.locator(".pg-user")).to_be_visible()

    def url(self, path: str) -> str:
        return self.base + path

    # --- evidence ---------------------------------------------------------------------------

    def shot(self, page, name: str) -> Path:
        """Save a full-page screenshot as NN-name.png, numbered in the order of the journey."""
        page.wait_for_load_state("networkidle")
        path = self.folder / f"{len(self.shots) + 1:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        self.shots.append(path)
        return path

    @contextmanager
    def expect_status(self, *statuses: int) -> Iterator[None]:
        """Announce that what happens inside the block is answered with one of these refusals
        (a form sent back with its errors, a page the role may not open, a locked account).
        The block must indeed receive one."""
        self._expecting, self._seen_expected = set(statuses), []
        try:
            yield
        finally:
            self._expecting = None
        assert self._seen_expected, f"expected a response with status {statuses}, none came"

    # --- the watch --------------------------------------------------------------------------

    def _ours(self, url: str) -> bool:
        return url.startswith((self.origin + "/", "data:", "blob:")) or url == self.origin

    def _abort(self, route) -> None:
        self.foreign.append(route.request.url)
        route.abort()

    def _on_request(self, request) -> None:
        if not self._ours(request.url) and request.url not in self.foreign:
            self.foreign.append(request.url)

    def _on_response(self, response) -> None:
        status = response.status
        if status < 400:
            return
        if self._expecting is not None and status in self._expecting:
            self.refusals.add((response.url, status))
            self._seen_expected.append((response.url, status))
            return
        self.unexpected.append(f"{status} {response.request.method} {response.url}")

    def _on_console(self, message) -> None:
        if message.type == "error":
            self.console_errors.append((message.text, (message.location or {}).get("url", "")))

    def _on_dialog(self, dialog) -> None:
        # Confirmation prompts (data-confirm) are answered "OK", as the person means to go on.
        self.dialogs.append(dialog.message)
        dialog.accept()

    def problems(self) -> list[str]:
        out = [f"script error: {e}" for e in self.script_errors]
        for text, url in self.console_errors:
            failed = FAILED_LOAD.match(text)
            if failed and (url, int(failed.group(1))) in self.refusals:
                continue  # Chromium's log line for a refusal the journey announced
            out.append(f"console error: {text} ({url})")
        out += [f"request to another host: {u}" for u in self.foreign]
        out += [f"unexpected response: {u}" for u in self.unexpected]
        return out

    def close(self, failed: bool) -> None:
        if failed:
            for i, page in enumerate(self.pages, start=1):
                # The evidence of a failure must not hide the failure itself.
                with contextlib.suppress(Exception):
                    page.screenshot(path=str(self.folder / f"failure-desk{i}.png"), full_page=True)
        self.browser.close()


@contextmanager
def journey(name: str, base_url: str) -> Iterator[Journey]:
    """Run a journey in a fresh Chromium; at the end, fail on anything the watch saw.

    Playwright's sync API runs an event loop in this thread while the block is open: the test
    touches the database (ORM) only before and after it.
    """
    require_chromium()
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=10_000)
    with sync_playwright() as playwright:
        j = Journey(playwright, name, base_url)
        failed = True
        try:
            yield j
            failed = False
        finally:
            j.close(failed)
    problems = j.problems()
    assert not problems, "the browser saw problems:\n" + "\n".join(problems)
