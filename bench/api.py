"""The scores list of the REST API (docs/api.md, Scores), in-process, against bare psycopg2 + json."""

from __future__ import annotations

import time

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from .bare import PAGE, bare_scores
from .common import Row, median_of, ratio, say


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
