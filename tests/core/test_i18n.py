"""Translations are complete: every string of the project is translated into Simplified Chinese
(and English), the compiled catalogue matches the source catalogue, and pages render in Chinese.

(a) runs Django's ``makemessages`` over the project into a temporary copy of the catalogues and
fails on any message that is missing, untranslated or fuzzy; it proves that it would catch a
new string by adding an untranslated ``{% translate %}`` to a temporary template. It needs GNU
gettext (xgettext, msgmerge): without it the test is skipped, unless REQUIRE_SERVICES=1.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]
ZH_PO = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
EN_PO = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
# What scripts/i18n.sh leaves out of the extraction.
NOT_SCANNED = {".venv", "var", "tests", "bench", "node_modules", "scripts", "locale", "control"}
PROBE = "A probe sentence that nobody has translated"


def _missing(po: polib.POFile) -> set[str]:
    return {e.msgid for e in po if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)}


def _need_gettext():
    if shutil.which("xgettext") and shutil.which("msgmerge") and shutil.which("msguniq"):
        return
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail("GNU gettext (xgettext, msgmerge) is required (REQUIRE_SERVICES=1)")
    pytest.skip("GNU gettext is not installed")


def test_every_message_is_translated(tmp_path, settings, monkeypatch):
    """makemessages over the whole project, merged into copies of the catalogues."""
    _need_gettext()
    # A copy of the project made of links to its folders, plus a template with a new string.
    for entry in ROOT.iterdir():
        if entry.name.startswith(".") or entry.name in NOT_SCANNED:
            continue
        (tmp_path / entry.name).symlink_to(entry, target_is_directory=entry.is_dir())
    probe = tmp_path / "probe" / "templates"
    probe.mkdir(parents=True)
    (probe / "probe.html").write_text(f'{{% load i18n %}}<p>{{% translate "{PROBE}" %}}</p>\n', encoding="utf-8")
    for language, source in (("zh_Hans", ZH_PO), ("en", EN_PO)):
        target = tmp_path / "locale" / language / "LC_MESSAGES"
        target.mkdir(parents=True)
        shutil.copy(source, target / "django.po")
    settings.LOCALE_PATHS = [str(tmp_path / "locale")]
    monkeypatch.chdir(tmp_path)
    call_command("makemessages", locale=["zh_Hans", "en"], symlinks=True, no_obsolete=True, verbosity=0)

    zh = polib.pofile(str(tmp_path / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    en = polib.pofile(str(tmp_path / "locale" / "en" / "LC_MESSAGES" / "django.po"))
    # The extraction saw the project (not an empty copy) …
    assert len(zh) > 1000 and "Leader dashboard" in {entry.msgid for entry in zh}
    # … and reports the new, untranslated string: this is what catches a forgotten translation.
    assert PROBE in _missing(zh)
    assert _missing(zh) - {PROBE} == set(), "untranslated or fuzzy in zh_Hans; run scripts/i18n.sh"
    assert _missing(en) - {PROBE} == set(), "untranslated in en; run scripts/i18n.sh"


def test_the_compiled_catalogue_matches_the_source():
    """Every msgid translates through Django's gettext in zh-hans to the .po's msgstr, so the
    committed .mo is up to date (a machine without gettext runs on it)."""
    po = polib.pofile(str(ZH_PO))
    mismatched = []
    with translation.override("zh-hans"):
        for e in po:
            # Untranslated and fuzzy entries are the first test's business (msgfmt leaves them out).
            if e.obsolete or not e.msgid or not e.translated() or "fuzzy" in e.flags:
                continue
            if e.msgid_plural:
                got, want = translation.ngettext(e.msgid, e.msgid_plural, 1), e.msgstr_plural[0]
                if e.msgctxt:
                    got = translation.npgettext(e.msgctxt, e.msgid, e.msgid_plural, 1)
            elif e.msgctxt:
                got, want = translation.pgettext(e.msgctxt, e.msgid), e.msgstr
            else:
                got, want = translation.gettext(e.msgid), e.msgstr
            if got != want:
                mismatched.append((e.msgid, want, got))
    assert len(po) > 1000
    assert mismatched == [], f"{len(mismatched)} messages differ from the .mo; run compilemessages: {mismatched[:5]}"


# --- Pages in Chinese ------------------------------------------------------------------------


@pytest.fixture
def city(db, departments, users, monkeypatch):
    import datetime as dt

    from django.utils import timezone

    from tests.dashboards.factories import build_city

    now = dt.datetime(2026, 11, 20, 10, 0, tzinfo=timezone.get_current_timezone())
    monkeypatch.setattr(timezone, "now", lambda: now)
    return build_city()


# page → (Chinese strings that must be there, their English msgids that must not)
PAGES = {
    ("leader", "/dashboards/?year=2025"): (
        ["领导驾驶舱", "各部门类别得分画像", "部门 × 类别热力图", "分组排名", "数据表", "下载", "筛选条件"],
        ["Leader dashboard", "Category profile", "Heat map", "Rankings per group", "Data table", "Download"],
    ),
    ("filer", "/dashboards/department/edu/?year=2026"): (
        ["部门看板", "类别得分画像（本年与上年）", "计划进度对比", "预算执行（两年对比）"],
        ["Department dashboard", "this year and last year", "Progress against plan", "both years"],
    ),
    ("leader", "/dashboards/reports/2025/edu/"): (
        ["年度绩效考核报告", "分类别小计", "计分明细摘要", "扣分与加分", "打印"],
        ["Annual performance report", "Category subtotals", "Ledger summary", "Print"],
    ),
    ("leader", "/"): (["数据看板", "领导驾驶舱", "年度报告"], ["Dashboards", "Annual reports", "Log out"]),
    (None, "/public/"): (
        ["政府绩效信息公开", "考核结果", "各部门目标与结果", "预算项目及其绩效评价", "群众满意度", "跳到正文"],
        ["Government performance disclosure", "Assessment results", "Residents' satisfaction", "Skip to content"],
    ),
    (None, "/accounts/login/"): (["登录"], ["Log in", "Password"]),
}


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "url"), list(PAGES))
def test_pages_render_in_chinese(city, client_for, client, role, url):
    chinese, english = PAGES[(role, url)]
    response = (client_for(role) if role else client).get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    for text in chinese:
        assert text in html, text
    for text in english:
        assert text not in html, text


@pytest.mark.django_db
def test_the_language_switch_changes_the_language(city, client):
    html = client.get("/public/").content.decode()
    assert 'name="language"' in html and 'value="en"' in html  # the switch, offered in English
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/public/"})
    assert response.status_code == 302
    html = client.get("/public/").content.decode()
    assert '<html lang="en">' in html and "Government performance disclosure" in html
    assert "政府绩效信息公开" not in html


@pytest.mark.django_db
def test_api_errors_are_translated(city, api_for):
    response = api_for("auditor").get("/api/v1/scores/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 403
    assert response.json()["detail"] == "您没有执行该操作的权限。"
    response = api_for(None).get("/api/v1/scores/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code in (401, 403) and "认证" in response.json()["detail"]
    response = api_for("leader").get("/api/v1/scores/nowhere/2025/annual/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 404 and response.json()["detail"] in ("未找到。", "找不到。")
    assert settings.LANGUAGE_CODE == "zh-hans"
