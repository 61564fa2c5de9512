"""In Debian's Chromium: axe-core finds no serious or critical WCAG 2.1 A/AA violation on the
public pages; the keyboard reaches the content; the dashboards draw a canvas in every chart
container without a console error; nothing is loaded from another host.

axe-core is vendored under tests/e2e/vendor/axe-core/ (see its README for the version).
"""

import os
import shutil
from pathlib import Path

import pytest

from .factories import build_city

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
AXE = Path(__file__).resolve().parent.parent / "e2e" / "vendor" / "axe-core" / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def chromium():
    if not shutil.which(CHROMIUM):
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(f"{CHROMIUM} is required (REQUIRE_SERVICES=1)")
        pytest.skip(f"{CHROMIUM} not installed")
    # Playwright's sync API runs an event loop in this thread; the ORM is only used outside it.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


def _watch(page, base: str):
    errors, foreign = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: foreign.append(r.url) if not r.url.startswith((base, "data:", "blob:")) else None)
    return errors, foreign


def _serious(violations: list[dict]) -> list[str]:
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]


def test_public_pages_pass_axe(live_server, chromium, departments, users):
    build_city()
    base = live_server.url
    # bypass_csp lets the test inject axe; the pages themselves are checked with CSP on below.
    context = chromium.new_context(locale="zh-CN", bypass_csp=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors, foreign = _watch(page, base)
    axe_source = AXE.read_text(encoding="utf-8")
    checked = []
    for path in ("/public/", "/public/2025/edu/", "/public/2026/", "/public/2026/water/"):
        page.goto(base + path)
        page.wait_for_load_state("networkidle")
        page.add_script_tag(content=axe_source)
        result = page.evaluate(
            "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
            WCAG,
        )
        assert result["testEngine"]["version"] == "4.14.1"
        assert _serious(result["violations"]) == [], path
        checked.append(path)
    assert len(checked) == 4
    assert errors == [] and foreign == []
    context.close()


def test_public_page_keyboard_and_no_javascript(live_server, chromium, departments, users):
    build_city()
    base = live_server.url
    context = chromium.new_context(locale="zh-CN")
    page = context.new_page()
    page.goto(base + "/public/")
    # The first Tab reaches the skip link, visible when focused; it leads to the main content.
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused == "#main"
    box = page.locator("a.pg-skip").bounding_box()
    assert box and box["width"] > 1 and box["height"] > 1
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    context.close()
    # Without JavaScript the tables carry everything: the results table is there, in Chinese.
    context = chromium.new_context(locale="zh-CN", java_script_enabled=False)
    page = context.new_page()
    page.goto(base + "/public/2025/")
    assert page.locator("table caption:has-text('2025年度考核公布结果')").count() == 1
    assert page.locator("table").count() >= 4
    context.close()


def _login(context, base: str, username: str) -> None:
    from django.conf import settings
    from django.test import Client

    from organizations.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": base}])


@pytest.mark.parametrize(
    ("username", "path"),
    [
        ("leader", "/dashboards/?year=2026&period=annual&department=water"),
        ("filer", "/dashboards/department/edu/?year=2026"),
        ("leader", "/dashboards/reports/2025/edu/"),
        (None, "/public/2025/"),
    ],
)
def test_every_chart_is_drawn(live_server, chromium, departments, users, username, path):
    build_city()
    base = live_server.url
    context = chromium.new_context(locale="zh-CN", viewport={"width": 1400, "height": 900})
    if username:
        _login(context, base, username)
    page = context.new_page()
    errors, foreign = _watch(page, base)
    page.goto(base + path)
    page.wait_for_load_state("networkidle")
    containers = page.locator("[data-chart]")
    n = containers.count()
    assert n >= 1, path
    for i in range(n):
        container = containers.nth(i)
        assert container.locator("canvas").count() >= 1, (path, container.get_attribute("data-source"))
        assert container.get_attribute("data-drawn") == "1"
        box = container.bounding_box()
        assert box and box["height"] >= 150 and box["width"] >= 150
    if username == "leader" and "reports" not in path:
        assert n == 3 + 2 + 8  # a radar per department, a ranking per group (two), eight single charts
        # With the charts drawn the tables fold into their <details>, still one click away.
        assert page.locator("details[data-charted-collapse][open]").count() == 0
        page.locator("#panel-rankings summary").click()
        assert page.locator("#panel-rankings table").is_visible()
    assert errors == [], errors
    assert foreign == [], foreign
    context.close()
