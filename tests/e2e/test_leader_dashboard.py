"""A leader reads the year on the dashboard; a resident reads the results without an account.

The year's reports are approved, scored and published, the budget project is half spent, the
survey firm has entered its interviews. 周海峰 opens the leader dashboard: every chart container
holds a drawn chart (an ECharts canvas), and the figures beside them are the city's. Then, in a
browser where nobody is logged in, the public disclosure page shows the published results and
draws its charts too.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from . import world
from .browser import journey
from .steps import axe_serious, go

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Panels that have data in this city: every one of them must draw.
PANELS_WITH_DATA = [
    "radar",
    "heatmap",
    "rankings",
    "progress",
    "health",
    "budget",
    "recommendations",
    "satisfaction_area",
    "satisfaction_region",
]


def assert_every_chart_drawn(page: Page, at_least: int) -> int:
    """Each chart container has a canvas that ECharts drew, of a readable size."""
    page.wait_for_load_state("networkidle")
    containers = page.locator("[data-chart]")
    count = containers.count()
    assert count >= at_least, count
    for i in range(count):
        chart = containers.nth(i)
        expect(chart).to_have_attribute("data-drawn", "1")
        expect(chart.locator("canvas").first).to_be_attached()
        box = chart.bounding_box()
        assert box and box["width"] >= 150 and box["height"] >= 150, (chart.get_attribute("data-source"), box)
    return count


def ranking_axes(page: Page) -> list[list[float]]:
    """The value-axis range of each ranking chart, as ECharts drew it."""
    return page.eval_on_selector_all(
        "[data-chart=ranking]",
        "els => els.map(el => echarts.getInstanceByDom(el).getModel().getComponent('xAxis', 0).axis.scale.getExtent())",
    )


def test_leader_dashboard_and_public_page(live_server, people, departments, settings):
    settings.SATISFACTION_MIN_GROUP_SIZE = 5  # twelve interviews: each district shows
    year = world.build_city(people, departments)
    health = world.score_total(year, "health", "annual")
    edu = world.score_total(year, "edu", "annual")

    with journey("06-leader-dashboard", live_server.url) as j:
        # The leader opens the dashboard: the year's figures, every chart drawn.
        leader = j.desk("leader")
        go(leader, "领导驾驶舱")
        expect(leader.locator("h1")).to_contain_text(str(year.year))
        kpis = leader.locator(".pg-kpis")
        expect(kpis).to_contain_text("3")
        expect(kpis).to_contain_text(f"{edu:.2f}")  # the highest total
        expect(kpis).to_contain_text(f"{health:.2f}")  # the lowest: the safety deduction
        for key in PANELS_WITH_DATA:
            expect(leader.locator(f"#panel-{key} [data-chart]").first).to_be_visible()
        drawn = assert_every_chart_drawn(leader, at_least=len(PANELS_WITH_DATA) + 3)
        # The ranking bars start at zero on one scale for both groups (86.20 is not drawn as a sliver).
        assert ranking_axes(leader) == [[0, 100], [0, 100]]
        rankings = leader.locator("#panel-rankings")
        rankings.locator("summary").first.click()
        expect(rankings.locator("table").first).to_contain_text("卫生健康委")
        assert axe_serious(leader) == []  # the leader dashboard passes axe-core
        j.shot(leader, "leader-dashboard")

        # The printable results notice (考核结果通报) of the year passes axe-core too.
        leader.goto(j.url(reverse("assessments:notice", args=[year.year]) + "?period=annual"))
        expect(leader.locator("main")).to_contain_text("教育局")
        expect(leader.locator("main")).to_contain_text(f"{edu:.2f}")
        assert axe_serious(leader) == []
        j.shot(leader, "results-notice")

        # On a phone, the department's own dashboard and the leader's home fit the screen's width.
        for user, path in (("filer", reverse("dashboards:department", args=["edu"])), ("leader", "/")):
            phone = j.desk(user, width=360)
            phone.goto(j.url(path))
            phone.wait_for_load_state("networkidle")
            assert phone.evaluate("document.documentElement.scrollWidth") <= 360, (user, path)
            j.shot(phone, f"{user}-home-360")

        # Nobody logged in: the public disclosure page with the published results and its charts.
        resident = j.desk()
        resident.goto(j.url("/public/"))
        expect(resident.locator("h1")).to_contain_text(str(year.year))
        expect(resident.locator(".pg-user")).to_have_count(0)
        results = resident.locator("table").filter(has_text="教育局").first
        expect(results).to_contain_text(f"{edu:.2f}")
        expect(results).to_contain_text(f"{health:.2f}")
        assert_every_chart_drawn(resident, at_least=1)
        assert ranking_axes(resident) == [[0, 100], [0, 100]]
        j.shot(resident, "public-page")
        resident.get_by_role("link", name="教育局").first.click()
        expect(resident.locator("h1")).to_contain_text("教育局")
        j.shot(resident, "public-department")

    assert drawn >= 12
