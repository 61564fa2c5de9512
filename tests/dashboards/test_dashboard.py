"""What the leader dashboard and the department view show, figure by figure.

The city of tests/dashboards/factories.py: 教育局 (edu) and 卫生健康委 (health) in the social
group, 水利局 (water) in the urban group. 2025 annual totals: edu 75, health 76, water 77, each
with 中心工作 = total − 4 of 90 points and 平安建设 = 4 of 10 points; 2026 totals are 5 higher.
"""

import json
import re
from decimal import Decimal as D

import pytest

pytestmark = pytest.mark.django_db


def panels(response) -> dict:
    return {p.key: p for p in response.context["panels"]}


def rows(panel, index=0) -> list[list]:
    return panel.tables[index].plain_rows()


def chart_data(html: str, key: str) -> dict:
    match = re.search(rf'<script id="chart-{key}" type="application/json">(.*?)</script>', html, re.S)
    assert match, key
    return json.loads(match.group(1))


def test_the_leader_sees_every_panel_with_its_chart_and_table(city, client_for):
    response = client_for("leader").get("/dashboards/?year=2026&period=annual")
    assert response.status_code == 200
    got = panels(response)
    assert list(got) == [
        "radar",
        "heatmap",
        "rankings",
        "trend",
        "progress",
        "health",
        "budget",
        "recommendations",
        "satisfaction_area",
        "satisfaction_region",
    ]
    html = response.content.decode()
    for key, panel in got.items():
        assert panel.has_data, key
        # A chart container per chart, its data beside it, and the table with a caption.
        assert f'data-source="chart-{key}"' in html, key
        assert f'<script id="chart-{key}" type="application/json">' in html, key
        assert f"<caption>{panel.tables[0].caption}</caption>" in html, key
        assert f"/dashboards/export/{key}.xlsx?" in html and f"/dashboards/export/{key}.csv?" in html, key
    # One radar per department.
    assert html.count('data-chart="radar"') == 3


def test_an_empty_panel_says_so_instead_of_drawing_nothing(city, client_for):
    response = client_for("leader").get("/dashboards/?year=2025")
    recommendations = panels(response)["recommendations"]
    assert not recommendations.has_data
    html = response.content.decode()
    assert "暂无2025年的预算安排建议。" in html and 'data-source="chart-recommendations"' not in html


def test_radar_shows_percent_of_points_with_the_group_average(city, client_for):
    response = client_for("leader").get("/dashboards/?year=2025&period=annual")
    radar = panels(response)["radar"]
    table = {(r[0], r[2]): r for r in rows(radar)}
    # 教育局: 中心工作 71 of 90 = 78.9 percent; the social group's average of 78.9 and 80.0 (卫生健康委 72/90).
    edu = table[("教育局", "中心工作")]
    assert edu[3] == D("71.00") and edu[4] == D("90.00") and edu[5] == D("78.9") and edu[6] == D("79.5")
    # 水利局 is alone in its group: its own values are the average.
    water = table[("水利局", "中心工作")]
    assert water[5] == water[6] == D("81.1")
    assert table[("水利局", "平安建设")][5] == D("40.0")
    data = chart_data(response.content.decode(), "radar")
    assert [i["name"] for i in data["indicators"]] == ["中心工作", "平安建设"]
    edu_chart = next(i for i in data["items"] if i["name"] == "教育局")
    assert edu_chart["values"] == [78.9, 40.0] and edu_chart["average"] == [79.5, 40.0]
    # Chart labels come translated in the payload.
    assert data["text"]["average"] == "分组平均"


def test_heatmap_rankings_and_trend(city, client_for):
    response = client_for("leader").get("/dashboards/?year=2025&period=annual")
    got = panels(response)
    heat = rows(got["heatmap"])
    assert heat[0] == ["卫生健康委", D("80.0"), D("40.0"), D("76.00"), ""]  # final, not provisional
    ranking = rows(got["rankings"])
    assert [(r[0], r[1], r[2], r[3]) for r in ranking] == [
        ("社会事业类", 1, "卫生健康委", D("76.00")),
        ("社会事业类", 2, "教育局", D("75.00")),
        ("城乡建设类", 1, "水利局", D("77.00")),
    ]
    # Q1 totals: edu 71, health 72 → social 71.50; water 73; city average 72.00.
    trend = {r[0]: r[1:] for r in rows(got["trend"])}
    assert trend["社会事业类"] == [D("71.50"), D("72.50"), D("73.50"), D("74.50")]
    assert trend["城乡建设类"][0] == D("73.00")
    assert trend["全市平均"][0] == D("72.00")


def test_group_filter_keeps_one_group(city, client_for):
    response = client_for("supervisor").get("/dashboards/?year=2025&group=urban")
    got = panels(response)
    assert [r[2] for r in rows(got["rankings"])] == ["水利局"]
    assert {r[0] for r in rows(got["radar"])} == {"水利局"}
    # With a group chosen, the trend shows each of its departments.
    assert [r[0] for r in rows(got["trend"])] == ["水利局"]
    health = rows(got["health"])
    assert health[0][1:4] == [1, 1, 0]  # Q1: one expected, one on time, none late


def test_progress_against_plan_of_the_chosen_department(city, client_for):
    response = client_for("leader").get("/dashboards/?year=2025&department=water")
    progress = rows(panels(response)["progress"])
    # Q1 is the only submitted quarter: planned 25 percent; roads reached 20 percent (behind).
    assert progress[0][:5] == ["农村公路里程", "中心工作", D("25.00"), D("20.00"), D("5.00")]
    assert progress[0][5] == "滞后"
    assert progress[1][3] == D("100.00") and progress[1][5] == "已完成"
    data = chart_data(response.content.decode(), "progress")
    assert data["planned"] == [25.0, 25.0] and data["actual"] == [20.0, 100.0]
    assert panels(response)["progress"].tables[0].caption.startswith("水利局")


def test_reporting_health_counts(city, client_for):
    got = panels(client_for("leader").get("/dashboards/?year=2025"))
    health = rows(got["health"])
    # Q1: three reports, all submitted on 8 April (deadline 10 April); Q2–Q4 missing.
    assert health[0][1:] == [3, 3, 0, 0, 0]
    assert health[1][1:] == [3, 0, 0, 3, 0]


def test_budget_execution_and_recommendations(city, client_for):
    got = panels(client_for("finance").get("/dashboards/?year=2025"))
    budget = {r[0]: r for r in rows(got["budget"])}
    # 教育局: one approved project of 100万元, 40万元 spent; the draft project is not counted.
    assert budget["教育局"][1:] == [1, D("100.00"), D("40.00"), D("40.0")]
    assert budget["水利局"][2] == D("300.00")
    got = panels(client_for("finance").get("/dashboards/?year=2026"))
    recommendations = rows(got["recommendations"])
    assert recommendations == [["维持", 3, D("600.00"), D("600.00"), D("0.00"), 3]]


def test_satisfaction_hides_small_groups_for_readers_but_not_for_survey_managers(city, client_for):
    leader = panels(client_for("leader").get("/dashboards/?year=2025"))
    by_area = {r[0]: r for r in rows(leader["satisfaction_area"])}
    # 学有所教: 80 answers (30×5, 10×2, 36×4, 4×1): 66 satisfied → 82.5 percent.
    assert by_area["学有所教"][1:3] == [80, D("82.5")]
    # 病有所医: 3 respondents, fewer than the minimum of 30: 样本不足, no figures.
    assert by_area["病有所医"][1:] == ["样本不足", None, None, None, None]
    supervisor = panels(client_for("supervisor").get("/dashboards/?year=2025"))
    by_area = {r[0]: r for r in rows(supervisor["satisfaction_area"])}
    assert by_area["病有所医"][1:] == [3, "样本不足", None, None, None]  # the survey managers see how many


def test_the_department_view_sets_this_year_beside_last_year(city, client_for):
    response = client_for("filer").get("/dashboards/department/edu/?year=2026&period=annual")
    assert response.status_code == 200
    got = panels(response)
    assert list(got) == ["radar", "trend", "progress", "health", "budget", "satisfaction"]
    radar = rows(got["radar"])
    # 中心工作: 2026 76 of 90 (84.4 percent), 2025 71 of 90 (78.9 percent).
    assert radar[0] == ["中心工作", D("90.00"), D("76.00"), D("84.4"), D("71.00"), D("78.9")]
    data = chart_data(response.content.decode(), "radar")
    assert [s["name"] for s in data["series"]] == ["2026", "2025"]
    trend = {r[0]: r[1:] for r in rows(got["trend"])}
    assert trend["Q1"] == [D("76.00"), D("71.00")] and trend["年度"] == [D("80.00"), D("75.00")]
    budget = rows(got["budget"])
    assert [r[0] for r in budget] == [2026, 2025] and all("教育局" in r[1] for r in budget)
    assert all("草稿" not in r[1] for r in budget)
    satisfaction = rows(got["satisfaction"])
    # The 2026 survey is open but department users see the same published figures: 36 of 40 satisfied.
    assert [r[0] for r in satisfaction] == ["2026年度群众满意度调查", "2025年度群众满意度调查"]
    assert satisfaction[1][1:3] == [40, D("90.0")]
    assert response.context["score"].total == D("80.00")
    assert response.context["previous_score"].total == D("75.00")


def test_a_department_user_sees_only_their_department(city, client_for):
    html = client_for("filer").get("/dashboards/department/edu/?year=2025").content.decode()
    assert "教育局" in html and "卫生健康委" not in html and "水利局" not in html


def test_pages_work_before_anything_is_scored(db, departments, users, client_for, client):
    from assessments.models import Plan
    from indicators.models import Library

    # No plan at all.
    assert "尚无考核方案" in client_for("leader").get("/dashboards/").content.decode()
    assert client_for("filer").get("/dashboards/department/edu/").status_code == 200
    # A plan without scores, reports, budgets or surveys: every panel says it has nothing yet.
    library = Library.objects.create(year=2026, name="2026年度指标")
    Plan.objects.create(library=library, year=2026, name="2026年度考核方案", status=Plan.Status.ACTIVE)
    for role, url in (
        ("leader", "/dashboards/"),
        ("finance", "/dashboards/?group=social"),
        ("filer", "/dashboards/department/edu/"),
        ("leader", "/dashboards/reports/2026/"),
        ("leader", "/dashboards/reports/2026/edu/"),
        ("leader", "/dashboards/export/radar.csv"),
    ):
        assert client_for(role).get(url).status_code == 200, url
    html = client_for("leader").get("/dashboards/").content.decode()
    assert "当前筛选条件下没有数据。" in html and "data-chart=" not in html
    assert client.get("/public/").status_code == 200
    assert client.get("/public/2026/").status_code == 200
