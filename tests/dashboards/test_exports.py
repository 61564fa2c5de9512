"""Every chart's download holds exactly the table shown beside the chart, in xlsx and in csv."""

from decimal import Decimal

import pytest

from dashboards.tables import display

from .helpers import csv_rows, html_tables, xlsx_rows

pytestmark = pytest.mark.django_db


def _same(page_table: dict, columns, xlsx: list[list], csv: list[list[str]], label: str) -> None:
    header, *body = page_table["rows"]
    assert xlsx[0] == header == csv[0], label
    assert len(body) == len(xlsx) - 1 == len(csv) - 1 and body, label
    for shown, from_xlsx, from_csv in zip(body, xlsx[1:], csv[1:], strict=True):
        for column, text, x, c in zip(columns, shown, from_xlsx, from_csv, strict=True):
            if c == "":
                assert x is None and text == "—", (label, column.label)
            elif column.kind == "text" or isinstance(x, str):
                # Text, or a word in a number's place (a survey group's 样本不足): the same everywhere.
                assert text == c == x, (label, column.label)
            else:
                # The page shows the downloaded number, formatted (two places, percent sign, …).
                assert Decimal(str(x)) == Decimal(c), (label, column.label)
                assert text == display(Decimal(c), column.kind), (label, column.label, text, c)


def test_leader_downloads_match_the_tables(city, client_for):
    client = client_for("leader")
    query = "year=2026&period=annual&department=water"
    response = client.get(f"/dashboards/?{query}")
    html = response.content.decode()
    for panel in response.context["panels"]:
        shown = html_tables(html, within=f"panel-{panel.key}")
        assert len(shown) == 1, panel.key
        assert shown[0]["caption"] == panel.tables[0].caption
        xlsx = client.get(f"/dashboards/export/{panel.key}.xlsx?{query}")
        csv = client.get(f"/dashboards/export/{panel.key}.csv?{query}")
        assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
        assert csv["Content-Type"].startswith("text/csv")
        assert f"{panel.key}.xlsx" in xlsx["Content-Disposition"]
        _same(shown[0], panel.tables[0].columns, xlsx_rows(xlsx.content), csv_rows(csv.content), panel.key)


def test_department_downloads_match_the_tables(city, client_for):
    client = client_for("dept_head")
    query = "year=2026&period=annual"
    response = client.get(f"/dashboards/department/edu/?{query}")
    html = response.content.decode()
    for panel in response.context["panels"]:
        shown = html_tables(html, within=f"panel-{panel.key}")
        xlsx = client.get(f"/dashboards/department/edu/export/{panel.key}.xlsx?{query}")
        csv = client.get(f"/dashboards/department/edu/export/{panel.key}.csv?{query}")
        _same(shown[0], panel.tables[0].columns, xlsx_rows(xlsx.content), csv_rows(csv.content), panel.key)


def test_a_download_follows_the_filters(city, client_for):
    client = client_for("leader")
    everyone = csv_rows(client.get("/dashboards/export/rankings.csv?year=2025").content)
    urban = csv_rows(client.get("/dashboards/export/rankings.csv?year=2025&group=urban").content)
    assert {r[2] for r in everyone[1:]} == {"教育局", "卫生健康委", "水利局"}
    assert [r[2] for r in urban[1:]] == ["水利局"]
    q1 = csv_rows(client.get("/dashboards/export/rankings.csv?year=2025&period=Q1").content)
    assert {r[2]: r[3] for r in q1[1:]}["教育局"] == "71.00"
