"""A page shows money in one unit: a project's pages and finance's decision table in 元, never beside 万元."""

import re

import pytest
from django.urls import reverse

from .factories import approved_project

pytestmark = pytest.mark.django_db

TAGS = re.compile(r"<[^>]+>")


def money_units(html: str) -> set[str]:
    """The money units written in a page's main content: "万元" and/or a bare "元"."""
    main = html.split("<main", 1)[-1].split("</main>", 1)[0]
    text = TAGS.sub(" ", main)
    units = set()
    if "万元" in text:
        units.add("万元")
    if re.search(r"(?<!万)元(?!/)", text):
        units.add("元")
    return units


def test_money_units_reads_both():
    assert money_units("<main>239.63 万元 <td>2,396,300.00 元</td></main>") == {"万元", "元"}
    assert money_units("<main>支出(元) 单价 8 万元/间</main>") == {"万元", "元"}
    assert money_units("<main>2,396,300.00 元</main>") == {"元"}


@pytest.mark.parametrize("tab", ["sheet", "execution", "evaluation", "revisions"])
def test_project_page_speaks_yuan_only(client_for, departments, tab):
    project = approved_project(departments["edu"], amount="2396300.00")
    url = reverse("budgets:project_detail", args=[project.pk]) + f"?tab={tab}"
    html = client_for("finance").get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "2,396,300.00" in html
    assert money_units(html) == {"元"}, tab
