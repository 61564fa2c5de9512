"""The public disclosure pages: no login, published information only, accessible markup,
spreadsheets that match the page, and a cache that follows publications."""

import re
from decimal import Decimal

import pytest
from django.utils import timezone

from assessments.models import Publication, Score
from budgets.choices import GRADES
from budgets.models import Evaluation
from satisfaction.models import Survey

from .helpers import csv_rows, html_tables, xlsx_rows

pytestmark = pytest.mark.django_db


def test_published_results_are_shown_without_login(city, client):
    response = client.get("/public/")
    assert response.status_code == 200
    html = response.content.decode()
    # The latest year with published annual results is the default.
    assert response.context["year"] == 2025
    tables = {t["caption"]: t["rows"] for t in html_tables(html)}
    scores = tables["2025年度考核公布结果"]
    assert scores[0][:5] == ["部门", "考核分组", "组内排名", "合计", "等次"]
    assert scores[1][:5] == ["卫生健康委", "社会事业类", "1", "76.00", "一般"]
    assert any(r[0] == "水利局" and r[3] == "77.00" for r in scores[1:])


def test_unpublished_scores_do_not_appear(city, client):
    """2026 is scored (totals 80–82) but not published: no total, grade or rank is shown."""
    html = client.get("/public/2026/").content.decode()
    assert "2026年度考核结果尚未公布。" in html
    for s in Score.objects.filter(plan__year=2026):
        assert f">{s.total}<" not in html
    assert "80.00" not in html and "81.00" not in html and "82.00" not in html
    edu = client.get("/public/2026/edu/").content.decode()
    assert "80.00" not in edu and "尚未公布" in edu
    download = xlsx_rows(client.get("/public/2026/download/scores.xlsx").content)
    assert len(download) == 1  # the header only
    # The 2025 quarterly scores are not published either (only the annual ones were).
    html_2025 = client.get("/public/2025/").content.decode()
    assert "71.00" not in html_2025.split("2025年度考核公布结果")[1].split("</table>")[0]


def test_a_publication_shows_at_once(city, client):
    """The pages are cached; a publication invalidates them."""
    assert "尚未公布" in client.get("/public/2026/").content.decode()
    Score.objects.filter(plan__year=2026, period="annual").update(published=True, published_at=timezone.now())
    Publication.objects.create(
        plan=city.plans[2026],
        period="annual",
        published_at=timezone.now(),
        published_by=city.departments[0].users.first() or _supervisor(),
        appeal_deadline=timezone.localdate(),
    )
    html = client.get("/public/2026/").content.decode()
    assert "尚未公布" not in html and "80.00" in html


def _supervisor():
    from organizations.models import User

    return User.objects.get(username="supervisor")


def test_only_approved_projects_and_finished_evaluations(city, client):
    html = client.get("/public/2025/").content.decode()
    assert "教育局批准项目2025" in html
    assert "草稿项目" not in html
    budget = {t["caption"]: t["rows"] for t in html_tables(html)}["2025年已批准的预算项目"]
    edu = next(r for r in budget if r[1] == "教育局批准项目2025")
    assert edu[2:4] == ["100.00", "85.50"] and edu[5] == "40.0%"
    assert edu[4] == str(dict(GRADES)["good"])
    targets = csv_rows(client.get("/public/2025/download/budget_targets.csv").content)
    assert {r[1] for r in targets[1:]} == {f"{d.name}批准项目2025" for d in city.departments}
    assert all("草稿" not in cell for row in targets for cell in row)
    # 2026 projects are approved but not evaluated: no score, and no year-end value is published.
    html_2026 = client.get("/public/2026/").content.decode()
    assert "尚未评价" in html_2026
    assert not Evaluation.objects.filter(project__year=2026).exists()


def test_only_closed_surveys_and_no_small_groups(city, client):
    html = client.get("/public/2025/").content.decode()
    tables = {t["caption"]: t["rows"] for t in html_tables(html)}
    by_area = {r[0]: r for r in tables["2025年度群众满意度调查: 分领域"][1:]}
    assert by_area["学有所教"][1:3] == ["80", "82.5%"]
    assert by_area["病有所医"][1:] == ["样本不足"] + ["—"] * 4  # 3 respondents, below the minimum of 30
    # The 2026 survey is open: not on the public page.
    html_2026 = client.get("/public/2026/").content.decode()
    assert "2026年度群众满意度调查" not in html_2026
    city.open_survey.status = Survey.Status.CLOSED
    city.open_survey.save()  # closing a survey invalidates the cached pages
    assert "2026年度群众满意度调查" in client.get("/public/2026/").content.decode()


def test_no_names_of_people(city, client, users):
    pages = [client.get(u).content.decode() for u in ("/public/2025/", "/public/2025/edu/", "/public/2026/edu/")]
    for user in users.values():
        for html in pages:
            assert f">{user.username}<" not in html
            if user.get_full_name():
                assert user.get_full_name() not in html


def test_department_page(city, client):
    response = client.get("/public/2025/edu/")
    html = response.content.decode()
    facts = response.context["page"].facts["score"]
    assert facts["total"] == Decimal("75.00") and facts["rank"] == 2 and facts["grade"] == "一般"
    tables = {t["caption"]: t["rows"] for t in html_tables(html)}
    assert tables["教育局:2025年度公布结果（分类别）"][1] == ["中心工作", "90.00", "71.00", "78.9%"]
    targets = tables["2025年考核指标及目标"]
    assert targets[1][:3] == ["农村公路里程", "中心工作", "≥ 300 公里"]
    satisfaction = tables["2025年群众对教育局的评价"]
    assert satisfaction[1][1:3] == ["40", "90.0%"]
    # Another department's page shows its own figures only.
    water = client.get("/public/2025/water/").content.decode()
    assert "77.00" in water and "教育局批准项目" not in water


def test_department_downloads_match_the_page(city, client):
    response = client.get("/public/2025/edu/")
    html = response.content.decode()
    page = response.context["page"]
    shown = {t["caption"]: t["rows"] for t in html_tables(html)}
    for key in ("score", "targets", "budget", "budget_targets", "satisfaction"):
        table = page.tables[key]
        xlsx = xlsx_rows(client.get(f"/public/2025/edu/download/{key}.xlsx").content)
        csv = csv_rows(client.get(f"/public/2025/edu/download/{key}.csv").content)
        assert xlsx[0] == csv[0] == shown[table.caption][0] == table.header(), key
        assert len(xlsx) == len(csv) == len(shown[table.caption]) == len(table.rows) + 1, key
        assert [r[0] for r in csv[1:]] == [r[0] for r in shown[table.caption][1:]], key


def test_accessible_markup(city, client):
    for url in ("/public/", "/public/2025/edu/", "/public/2026/"):
        html = client.get(url).content.decode()
        assert '<html lang="zh-hans">' in html
        assert html.count("<h1") == 1, url
        levels = [int(n) for n in re.findall(r"<h([1-6])", html)]
        assert levels[0] == 1 and all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), url
        for landmark in ("<header", "<main", "<footer"):
            assert landmark in html, (url, landmark)
        assert "pg-sidenav" not in html and "pg-bell" not in html  # its own plain layout
        tables = html_tables(html)
        assert tables and all(t["caption"] for t in tables), url
        assert html.count("<table") == html.count("<caption")
        assert 'scope="col"' in html and 'scope="row"' in html
        # Nothing from another host.
        assert not re.search(r'(src|href)="(https?:)?//', html), url
        # The charts are an enhancement: their data is in the tables, and each says so.
        for label in re.findall(r'role="img"\s+aria-label="([^"]+)"', html):
            assert "表格" in label


def test_the_public_page_works_without_any_data(db, client):
    response = client.get("/public/")
    assert response.status_code == 200 and "暂无公开信息" in response.content.decode()


def test_the_method_card_says_what_the_library_applies(city, client):
    """算法透明: categories with points, each method in plain words, the rules, bands and policies —
    generated from the year's library, so a changed rule changes the card."""
    from assessments.models import MissingPolicy, Plan
    from indicators.models import GradeBand, Rule

    plan = city.plans[2025]
    for code, label, low in (
        ("excellent", "优秀", 90),
        ("good", "良好", 80),
        ("fair", "一般", 60),
        ("poor", "较差", 0),
    ):
        GradeBand.objects.get_or_create(library=plan.library, code=code, defaults={"label": label, "min_score": low})
    Plan.objects.filter(pk=plan.pk).update(top_grade_share=Decimal(20), missing_policy=MissingPolicy.EXCLUDE)
    response = client.get("/public/2025/method/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "中心工作" in html and "农村公路里程" in html and "90.00" in html
    assert "比例制" in html and "90 × min(实际值 ÷ 目标值, 1)" in html
    assert "安全质量事故" in html and "每起扣 2 分（指标：安全生产与质量）" in html
    assert "每个考核分组评为优秀的部门不超过 20%" in html
    assert "不计入，本类其他指标按本类分值折算" in html
    assert "样本不足" in html
    Rule.objects.filter(library=plan.library, code="accident").update(points=Decimal(3), cap=Decimal(6))
    again = client.get("/public/2025/method/").content.decode()
    assert "每起扣 3 分（指标：安全生产与质量），全年最多扣 6 分。" in again
    assert client.get("/public/1999/method/").status_code == 404


def test_public_tables_fold_into_labelled_cards_on_a_phone(client, db):
    """At 360 px a wide table becomes one card per row: every data cell carries its column's name
    (the CSS shows it beside the value), so no amount is cut off at the screen's edge."""
    import re as _re

    from dashboards.tables import Column, Table

    table = Table(
        key="t",
        caption="预算",
        columns=[Column("部门", "text"), Column("预算(万元)", "wan"), Column("已支出(万元)", "wan")],
        rows=[["教育局", __import__("decimal").Decimal("239.63"), __import__("decimal").Decimal("120.50")]],
    )
    from django.template.loader import render_to_string

    html = render_to_string("dashboards/_table.html", {"table": table})
    assert 'class="table-responsive pg-fold-table"' in html
    assert _re.search(r'<td data-label="预算\(万元\)"\s+class="num">239\.63</td>', html)
    with open("static/css/dashboards.css", encoding="utf-8") as f:
        css = f.read()
    assert "td::before { content: attr(data-label)" in css and "max-width: 576px" in css
