"""The printable annual reports: a department's and the city's."""

import pytest

from .helpers import html_tables

pytestmark = pytest.mark.django_db


def test_department_report(city, client_for):
    response = client_for("filer").get("/dashboards/reports/2025/edu/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "教育局 · 2025年度绩效考核报告" in html
    assert response.context["score"].total == 75 and response.context["group_size"] == 2
    assert "2 / 2" in html  # rank in the social group
    assert "pg-provisional" not in html  # 2025 is published
    tables = {t["caption"]: t["rows"] for t in html_tables(html)}
    assert tables["分类别小计"][1] == ["中心工作", "90.00", "71.00", "78.9%", "—"]
    # The ledger: every line, grouped by category, adding up to the total.
    central = tables["中心工作"]
    assert central[1][1:] == ["农村公路里程", "比例制", "71.00"]
    safety = tables["平安建设"]
    assert [r[3] for r in safety[1:]] == ["6.00", "-2.00"]
    assert sum(float(r[3]) for r in central[1:] + safety[1:]) == 75.0
    # Every deduction and bonus line is listed on its own as well.
    adjustments = tables["扣分与加分"]
    assert adjustments[1][1:] == ["安全质量事故", "安全质量事故 1 起 × -2", "-2.00"]
    budget = tables["已批准的预算项目"]
    assert budget[1] == ["教育局批准项目2025", "100.00", "40.00", "85.50", budget[1][4]]
    satisfaction = tables["群众对本部门的评价"]
    assert satisfaction[1][:3] == ["2025年度群众满意度调查", "40", "90.00%"]
    # Printable: print styles and a print button (shown by the script).
    assert "css/dashboards.css" in html and "data-print" in html


def test_an_unpublished_year_is_marked_provisional(city, client_for):
    html = client_for("leader").get("/dashboards/reports/2026/edu/").content.decode()
    assert "pg-provisional" in html and "尚未公布" in html
    html = client_for("leader").get("/dashboards/reports/2026/").content.decode()
    assert "pg-provisional" in html


def test_city_report(city, client_for):
    response = client_for("supervisor").get("/dashboards/reports/2025/")
    html = response.content.decode()
    assert "2025年度全市绩效考核报告" in html
    tables = {t["caption"]: t["rows"] for t in html_tables(html)}
    assert [r[:3] for r in tables["社会事业类排名"][1:]] == [["1", "卫生健康委", "76.00"], ["2", "教育局", "75.00"]]
    assert tables["城乡建设类排名"][1][:3] == ["1", "水利局", "77.00"]
    # Grade distribution: every department is 一般 (fair) in 2025.
    distribution = tables["等次分布"]
    assert distribution[0] == ["考核分组", "一般", "部门"]
    assert distribution[-1] == ["全市", "3", "3"]
    health = tables["各季度报告情况"]
    assert health[1][1:] == ["3", "3", "0", "0", "0"]
    budget = tables["各部门预算执行情况"]
    assert [r[0] for r in budget[1:]] == ["教育局", "卫生健康委", "水利局"]
    assert budget[1][1:] == ["1", "100.00", "40.00", "40.0%"]
    assert tables["项目评价等级分布"][1] == ["0", "3", "0", "0"]
    areas = tables["按领域"]
    assert areas[1][:3] == ["学有所教", "80", "82.50%"]


def test_finance_city_report_leaves_out_reporting_health(city, client_for):
    html = client_for("finance").get("/dashboards/reports/2025/").content.decode()
    captions = {t["caption"] for t in html_tables(html)}
    assert "各季度报告情况" not in captions and "各部门预算执行情况" in captions


def test_the_navigation_marks_only_the_closest_page(city, client_for):
    import re

    html = client_for("leader").get("/dashboards/reports/2025/").content.decode()
    nav = re.search(r'<nav class="pg-sidenav".*?</nav>', html, re.S).group(0)
    current = re.findall(r'<a href="([^"]+)"\s+class="active" aria-current="page">', nav)
    assert current == ["/dashboards/reports/"]
    links = re.findall(r'href="([^"]+)"', nav)
    assert {"/dashboards/", "/dashboards/department/", "/dashboards/reports/", "/public/"} <= set(links)
