"""Small steps shared by the journeys, in the words a person would use."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect


def go(page: Page, link: str) -> None:
    """Follow a link of the side navigation."""
    page.locator("nav.pg-sidenav").get_by_role("link", name=link, exact=True).click()
    page.wait_for_load_state("domcontentloaded")


def type_into_entry(page: Page, entry_id: int, **fields: str) -> None:
    """Type into an entry of the report form and wait until the draft is saved (htmx autosave)."""
    ids = {
        "actual_value": f"#e{entry_id}-actual",
        "completion_pct": f"#e{entry_id}-completion",
        "narrative": f"#e{entry_id}-narrative",
        "problems": f"#e{entry_id}-problems",
        "next_steps": f"#e{entry_id}-next",
        "explanation": f"#e{entry_id}-explanation",
    }
    page.wait_for_load_state()  # htmx, which saves the draft, comes with the page's scripts
    for name, value in fields.items():
        page.fill(ids[name], value)
    # Leaving the field saves at once ("change"); typing saves after a pause ("input delay").
    page.locator(ids[name]).press("Tab")
    page.wait_for_timeout(1100)
    page.wait_for_load_state("networkidle")
    expect(page.locator(f"#entry-{entry_id}-status")).to_contain_text("已保存")


def upload_evidence(page: Page, entry_id: int, name: str, content: bytes) -> None:
    """Choose the file: it is uploaded at once, without a click on 上传 (a chosen file is never left behind)."""
    page.set_input_files(f"#ev-{entry_id}", files=[{"name": name, "mimeType": "application/pdf", "buffer": content}])
    expect(page.locator(f"#entry-{entry_id}-evidence-list")).to_contain_text(name)


def message(page: Page):
    """The flash messages at the top of the page."""
    return page.locator(".pg-messages")


AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_serious(page: Page) -> list[str]:
    """axe-core's serious and critical WCAG 2.1 A/AA violations on the page as it stands (axe is
    evaluated in the page, not added as a script, so the page keeps its CSP)."""
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
