"""Chinese sentences use full-width punctuation: no ASCII , : ; ( ) between Chinese characters in
the Chinese catalogue (the Latin-word scan of rendered pages is tests/assessments/test_chinese_pages.py)."""

import re
from pathlib import Path

import polib

PO = Path(__file__).resolve().parents[2] / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
CJK = "\u3400-\u9fff"
ASCII_BETWEEN_CJK = re.compile(rf"[{CJK}]\s*[,:;()]\s*(?=[{CJK}])")


def offenders(texts) -> list[str]:
    return [t for t in texts if ASCII_BETWEEN_CJK.search(t)]


def test_the_scan_finds_ascii_punctuation_between_chinese_characters():
    assert offenders(["申诉已提交,由督查室处理。", "原因: 见附件", "目标(万元)", "分(指标"]) == [
        "申诉已提交,由督查室处理。",
        "原因: 见附件",
        "目标(万元)",
        "分(指标",
    ]
    assert offenders(["申诉已提交，由督查室处理。", "完成率(%)", "min(实际值 ÷ 目标值, 1)", "10:00 前"]) == []


def test_chinese_messages_use_full_width_punctuation():
    po = polib.pofile(str(PO), wrapwidth=0)
    texts = []
    for entry in po:
        if entry.obsolete:
            continue
        texts.append(entry.msgstr)
        texts.extend(entry.msgstr_plural.values())
    assert offenders(texts) == []
