"""Fill translations into a gettext catalogue from a JSON object {msgid: msgstr}.

Usage: python scripts/po_fill.py locale/zh_Hans/LC_MESSAGES/django.po translations.json
       python scripts/po_fill.py locale/zh_Hans/LC_MESSAGES/django.po --missing   (list what is left)
       python scripts/po_fill.py locale/zh_Hans/LC_MESSAGES/django.po --count     (how many are left)
       python scripts/po_fill.py locale/en/LC_MESSAGES/django.po --identity       (English = msgid)
Plural entries take a string (used for every form) or a list. An entry with a context
(pgettext) is keyed "context\u0004msgid", as gettext itself does. Fuzzy flags are cleared
on the entries it fills.
"""

import json
import sys

import polib


def key(entry) -> str:
    """The JSON key of an entry: its msgid, prefixed by "context\u0004" when it has a context."""
    return f"{entry.msgctxt}\u0004{entry.msgid}" if entry.msgctxt else entry.msgid


def main(argv: list[str]) -> int:
    path = argv[1]
    po = polib.pofile(path, wrapwidth=0)
    if argv[2] == "--count":
        left = sum(1 for e in po if not e.obsolete and (not e.translated() or "fuzzy" in e.flags))
        print(f"{path}: {len(po)} entries, untranslated or fuzzy {left}")
        return 0
    if argv[2] == "--identity":
        # English msgids are the English text: fill every entry with its own msgid.
        for e in po:
            if e.msgid_plural:
                e.msgstr_plural = {0: e.msgid, 1: e.msgid_plural}
            else:
                e.msgstr = e.msgid
            if "fuzzy" in e.flags:
                e.flags.remove("fuzzy")
        po.metadata_is_fuzzy = False
        po.save(path)
        return 0
    if argv[2] == "--missing":
        missing = [key(e) for e in po if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]
        print(json.dumps(dict.fromkeys(missing, ""), ensure_ascii=False, indent=1))
        return 0
    with open(argv[2], encoding="utf-8") as fh:
        table = json.load(fh)
    filled = 0
    plural_forms = po.metadata.get("Plural-Forms", "nplurals=2;")
    nplurals = int(plural_forms.split("nplurals=")[1].split(";")[0])
    for entry in po:
        if not table.get(key(entry)):
            continue
        value = table[key(entry)]
        if entry.msgid_plural:
            forms = value if isinstance(value, list) else [value]
            entry.msgstr_plural = {i: forms[min(i, len(forms) - 1)] for i in range(nplurals)}
        else:
            entry.msgstr = value
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        filled += 1
    if po.metadata_is_fuzzy:
        po.metadata_is_fuzzy = False
    language = path.split("/locale/")[-1].split("/")[0] if "/locale/" in path else path.split("/")[1]
    po.metadata.update(
        {
            "Project-Id-Version": "perfgov",
            "Language-Team": "perfgov",
            "Last-Translator": "perfgov",
            "Language": language,
            "PO-Revision-Date": po.metadata.get("POT-Creation-Date", ""),
        }
    )
    po.save(path)
    left = sum(1 for e in po if not e.obsolete and (not e.translated() or "fuzzy" in e.flags))
    print(f"filled {filled}, untranslated left {left}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
