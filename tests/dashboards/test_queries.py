"""Every page runs the same number of queries for 3 departments as for 15 (aggregates in SQL,
no query per department), and a cached public page runs almost none."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .factories import grow

pytestmark = pytest.mark.django_db

PAGES = {
    "leader": [
        "/dashboards/?year=2025&period=annual",
        "/dashboards/?year=2026&period=Q1&group=social",
        "/dashboards/reports/2025/",
        "/dashboards/reports/2025/edu/",
        "/dashboards/department/edu/?year=2026",
        "/dashboards/export/radar.xlsx?year=2025",
    ],
    "filer": ["/dashboards/department/edu/?year=2026"],
    None: ["/public/2025/", "/public/2025/edu/", "/public/2025/download/targets.xlsx"],
}


def _count(client, url) -> int:
    cache.clear()  # the public pages: count the build, not a cache hit
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def test_query_counts_do_not_grow_with_the_number_of_departments(city, client_for, client):
    clients = {role: client_for(role) if role else client for role in PAGES}
    for role, urls in PAGES.items():
        for url in urls:
            clients[role].get(url)  # warm up (session, content types)
    small = {url: _count(clients[role], url) for role, urls in PAGES.items() for url in urls}
    grow(city, 12)
    large = {url: _count(clients[role], url) for role, urls in PAGES.items() for url in urls}
    assert large == small
    # And none is a long list of queries in the first place.
    assert max(small.values()) <= 45, small


def test_a_cached_public_page_costs_almost_nothing(city, client):
    client.get("/public/2025/")
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/public/2025/")
    assert response.status_code == 200
    # Only the look-up of the years (cached too) and nothing for the content.
    assert len(ctx.captured_queries) <= 1, [q["sql"] for q in ctx.captured_queries]
