"""The scores list of the REST API (API.md, Scores), in-process, against bare psycopg2 + json."""

from __future__ import annotations

import json
import time
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from .common import Row, median_of, ratio, say

PAGE = 200
SCORES_SQL = """
    SELECT d.code, d.name, p.year, s.period, s.total, s.grade_label, s.grade_code, s.rank, g.code, s.vetoed,
           s.published, s.categories, s.computed_at
    FROM assessments_score s JOIN assessments_plan p ON p.id = s.plan_id
    JOIN organizations_department d ON d.id = s.department_id
    LEFT JOIN organizations_rankinggroup g ON g.id = s.group_id
    WHERE p.year = %(year)s AND s.period = 'annual'
    ORDER BY p.year, s.period, g."order", s.rank, d."order"
    LIMIT %(limit)s"""
COUNT_SQL = """SELECT count(*) FROM assessments_score s JOIN assessments_plan p ON p.id = s.plan_id
               WHERE p.year = %(year)s AND s.period = 'annual'"""
TWO = Decimal("0.01")


def _two(value) -> str:
    return f"{Decimal(value).quantize(TWO, rounding=ROUND_HALF_UP):.2f}"


def bare_scores(conn, year: int, limit: int = PAGE) -> bytes:
    """The same page as the API, from the minimal SQL and json.dumps (the physical limit)."""
    with conn.cursor() as cur:
        cur.execute(COUNT_SQL, {"year": year})
        count = cur.fetchone()[0]
        cur.execute(SCORES_SQL, {"year": year, "limit": limit})
        rows = cur.fetchall()
    conn.rollback()
    results = [
        {
            "department": {"code": code, "name": name},
            "year": y,
            "period": period,
            "total": _two(total),
            "grade": grade,
            "grade_code": grade_code,
            "rank": rank,
            "group": group,
            "vetoed": vetoed,
            "published": published,
            "categories": [
                {"code": c["code"], "name": c["name"], "points": _two(c["points"]), "score": _two(c["score"])}
                for c in categories
            ],
            "computed_at": computed_at.isoformat(),
        }
        for (
            code,
            name,
            y,
            period,
            total,
            grade,
            grade_code,
            rank,
            group,
            vetoed,
            published,
            categories,
            computed_at,
        ) in rows
    ]
    return json.dumps({"count": count, "next": None, "previous": None, "results": results}).encode()


def api_client(username: str):
    """A client with a real API token of ``username`` (created in the caller's transaction)."""
    from organizations.models import User
    from organizations.services import token_issue

    _token, key = token_issue(user=User.objects.get(username=username), name="bench", actor=None)
    return Client(HTTP_AUTHORIZATION=f"Token {key}"), key


def measures(ctx) -> list[Row]:
    year = ctx.year
    url = f"/api/v1/scores/?year={year}&period=annual&page_size={PAGE}"
    conn = ctx.bare()
    with transaction.atomic():
        client, _key = api_client("city-api_client")
        response = client.get(url)
        assert response.status_code == 200, response.content[:300]
        assert len(response.json()["results"]) == min(PAGE, ctx.counts["departments"])
        queries = {}
        for size in (20, 50, PAGE):
            with CaptureQueriesContext(connection) as captured:
                client.get(f"/api/v1/scores/?year={year}&period=annual&page_size={size}")
            queries[size] = len(captured.captured_queries)
        say("  GET /api/v1/scores/ …")
        times, bare = [], []
        for _ in range(max(ctx.reps * 6, 30)):
            start = time.perf_counter()
            client.get(url)
            times.append(time.perf_counter() - start)
            start = time.perf_counter()
            bare_scores(conn, year)
            bare.append(time.perf_counter() - start)
        transaction.set_rollback(True)
    project, baseline = median_of(times), median_of(bare)
    r = ratio(project, baseline)
    constant = len(set(queries.values())) == 1
    return [
        Row(
            f"GET /api/v1/scores/?year=…&period=annual&page_size={PAGE} (in-process)",
            project,
            baseline,
            "≤ 3× bare psycopg2 + json; queries constant",
            r is not None and r <= 3 and constant,
            ratio=r,
            detail=(
                f"token authentication, pagination count, one query for the page; queries for page_size "
                f"{', '.join(f'{k}: {v}' for k, v in queries.items())}; baseline: the same {PAGE} rows and count by "
                "psycopg2, the same JSON built with json.dumps"
            ),
            extra={"queries": queries},
        )
    ]
