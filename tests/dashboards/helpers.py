"""Reading tables back: from the rendered HTML, from an xlsx download and from a csv download."""

from __future__ import annotations

import csv
import io
from html.parser import HTMLParser

from openpyxl import load_workbook


class _Tables(HTMLParser):
    """Every <table> of a page (or of the element with ``within`` as id): caption and cell texts."""

    def __init__(self, within: str | None = None):
        super().__init__()
        self.within = within
        self.depth = 0 if within else 1  # > 0 while inside the wanted element
        self.stack: list[str] = []
        self.tables: list[dict] = []
        self.cell: list[str] | None = None
        self.caption: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self.within and attrs.get("id") == self.within:
            self.depth = 1
            self.stack = [tag]
            return
        if not self.depth:
            return
        if self.within:
            self.stack.append(tag)
        if tag == "table":
            self.tables.append({"caption": "", "rows": []})
        elif tag == "tr" and self.tables:
            self.tables[-1]["rows"].append([])
        elif tag in ("td", "th"):
            self.cell = []
        elif tag == "caption":
            self.caption = []

    def handle_endtag(self, tag):
        if not self.depth:
            return
        if tag in ("td", "th") and self.cell is not None:
            self.tables[-1]["rows"][-1].append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "caption" and self.caption is not None:
            self.tables[-1]["caption"] = " ".join("".join(self.caption).split())
            self.caption = None
        if self.within and self.stack:
            self.stack.pop()
            if not self.stack:
                self.depth = 0

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)
        elif self.caption is not None:
            self.caption.append(data)


def html_tables(html: str, within: str | None = None) -> list[dict]:
    parser = _Tables(within)
    parser.feed(html)
    return parser.tables


def xlsx_rows(content: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def csv_rows(content: bytes) -> list[list[str]]:
    text = content.decode("utf-8")
    assert text.startswith("\ufeff")  # a byte-order mark, so spreadsheet programs read Chinese right
    return list(csv.reader(io.StringIO(text[1:])))
