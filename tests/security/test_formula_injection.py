"""Spreadsheet formula injection: no exported cell runs what a user typed (core.spreadsheets)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from core.spreadsheets import safe_cell
from dashboards.tables import Column, Table, csv_text, workbook_bytes

TYPED = ['=HYPERLINK("http://evil.example","点击")', "+1", "-1", "@x", "= 100 %"]


def _table():
    return Table(
        key="projects",
        caption="项目",
        columns=[Column("名称"), Column("金额", kind="num")],
        rows=[[text, Decimal("-5")] for text in TYPED],
    )


@pytest.mark.parametrize("text", TYPED)
def test_a_text_that_starts_a_formula_is_escaped(text):
    assert safe_cell(text) == "'" + text
    assert safe_cell(Decimal("-1")) == Decimal("-1") and safe_cell("教育局") == "教育局"


def test_dashboard_and_public_workbooks_hold_text_not_formulas():
    ws = load_workbook(io.BytesIO(workbook_bytes([_table()]))).active
    cells = [row[0] for row in ws.iter_rows(min_row=2)]
    assert [c.value for c in cells] == ["'" + t for t in TYPED]
    assert all(c.data_type == "s" for c in cells)
    assert [row[1].value for row in ws.iter_rows(min_row=2)] == [-5] * len(TYPED)  # numbers stay numbers


def test_dashboard_and_public_csv_hold_text_not_formulas():
    rows = list(csv.reader(io.StringIO(csv_text(_table()))))[1:]
    assert [r[0] for r in rows] == ["'" + t for t in TYPED]


@pytest.mark.django_db
def test_the_admin_import_export_download_is_escaped():
    from organizations.admin import DepartmentResource
    from tests.factories import DepartmentFactory

    DepartmentFactory(code="evil", name='=HYPERLINK("http://evil.example")')
    data = DepartmentResource().export()
    names = [row for row in data.dict if row.get("code") == "evil"]
    assert names and all(not str(v).startswith("=") for v in names[0].values())
    assert "'=HYPERLINK" in data.csv
