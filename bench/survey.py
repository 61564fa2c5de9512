"""Satisfaction results over the workload's survey (2,000,000 answers on city-L)."""

from __future__ import annotations

import time

from django.test import Client

from .common import Row, bare_read, median_of, ratio, say

# The minimal SQL producing the page's aggregates: every answer counted once by question, region
# and value gives n, satisfied, Σv and Σv² of every grouping and the distribution of every question.
AGGREGATE = """
    SELECT question_id, region_id, scale, value, count(*) FROM satisfaction_answer
    WHERE survey_id = %(survey)s GROUP BY question_id, region_id, scale, value"""


def _clear_caches() -> None:
    from satisfaction import selectors

    for name in ("_CELLS_CACHE", "_COUNTS_CACHE"):
        getattr(selectors, name, {}).clear()


def measures(ctx) -> list[Row]:
    from organizations.models import User

    survey = ctx.survey
    client = Client()
    client.force_login(User.objects.get(username="city-surveyor"))
    url = f"/satisfaction/{survey.pk}/results/"
    conn = ctx.bare()
    page, weighted, warm, bare = [], [], [], []
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    say("  results page (answers read for every request) …")
    for _ in range(ctx.reps):
        _clear_caches()
        start = time.perf_counter()
        client.get(url)
        page.append(time.perf_counter() - start)
        _clear_caches()
        start = time.perf_counter()
        client.get(url + "?weighted=1")
        weighted.append(time.perf_counter() - start)
        start = time.perf_counter()
        client.get(url)
        warm.append(time.perf_counter() - start)
        start = time.perf_counter()
        bare_read(conn, [(AGGREGATE, {"survey": survey.pk})])
        bare.append(time.perf_counter() - start)
    project, baseline = median_of(page), median_of(bare)
    r = ratio(project, baseline)
    return [
        Row(
            f"satisfaction results over {ctx.counts['answers']:,} answers",
            project,
            baseline,
            "≤ 2 s and ≤ 2× bare aggregate",
            project <= 2 and r is not None and r <= 2,
            ratio=r,
            detail=(
                f"the results page (every grouping, intervals, per-option distribution, quotas, charts) with the "
                f"answers aggregated for the request; population-weighted: {median_of(weighted):.2f} s; "
                f"until the next response arrives the aggregate is reused: {median_of(warm) * 1000:.0f} ms; "
                "baseline: the one aggregate by psycopg2 + json.dumps"
            ),
            extra={"weighted": median_of(weighted), "warm": median_of(warm)},
        )
    ]
