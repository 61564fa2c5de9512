"""Satisfaction results over the workload's survey (2,000,000 answers on city-L, 20,000,000 on XL)."""

from __future__ import annotations

import time

from django.test import Client

from .common import Row, bare_read, median_of, ratio, say


# The minimal SQL producing the page's figures from the answers themselves: respondents per
# (region, group, m, s, v) for the survey, each area and each department, and every question's
# counts by value (satisfaction.aggregates.scan, by psycopg2).
def _per_respondent(column: str | None) -> str:
    key, by = (column, f", {column}") if column else ("0", "")
    return f"""
    SELECT region_id, k, m, s, v, count(*) FROM (
        SELECT response_id, region_id, {key} AS k, count(*) AS m, sum((value >= 4)::int) AS s, sum(value) AS v
        FROM satisfaction_answer WHERE survey_id = %(survey)s AND scale AND value >= 1
        GROUP BY response_id, region_id{by}) r GROUP BY region_id, k, m, s, v"""  # noqa: S608 - fixed names


SCAN = [
    _per_respondent(None),
    _per_respondent("area_id"),
    _per_respondent("department_id"),
    """SELECT region_id, question_id, scale, value, count(*) FROM satisfaction_answer
       WHERE survey_id = %(survey)s GROUP BY region_id, question_id, scale, value""",
]
# What the page reads instead: the stored aggregates per respondent.
STORED = """SELECT dimension, key, region_id, m, s, v, sum(respondents) FROM satisfaction_resultcell
            WHERE survey_id = %(survey)s GROUP BY dimension, key, region_id, m, s, v"""


def _clear_caches() -> None:
    from satisfaction import selectors

    selectors.clear_caches()


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
    say("  results page (stored aggregates read for every request) …")
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
        bare_read(conn, [(sql, {"survey": survey.pk}) for sql in SCAN])
        bare.append(time.perf_counter() - start)
    start = time.perf_counter()
    bare_read(conn, [(STORED, {"survey": survey.pk})])
    stored = time.perf_counter() - start
    project, baseline = median_of(page), median_of(bare)
    r = ratio(project, baseline)
    return [
        Row(
            f"satisfaction results over {ctx.counts['answers']:,} answers",
            project,
            baseline,
            "≤ 2 s and ≤ 2× the bare per-respondent aggregate",
            project <= 2 and r is not None and r <= 2,
            ratio=r,
            detail=(
                f"the results page (every grouping per respondent, intervals, per-option distribution, quotas, "
                f"charts) with the survey's stored aggregates read for the request; population-weighted: "
                f"{median_of(weighted):.2f} s; until the next response arrives they are reused: "
                f"{median_of(warm) * 1000:.0f} ms; baseline: the same figures' aggregates computed from the "
                f"answers by psycopg2 + json.dumps (what the page would cost without stored aggregates); reading "
                f"the stored aggregates alone by psycopg2: {stored * 1000:.1f} ms"
            ),
            extra={"weighted": median_of(weighted), "warm": median_of(warm), "stored": stored},
        )
    ]
