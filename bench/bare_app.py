"""The bare baseline server of the capacity measures: a minimal WSGI application, without Django,
that answers the same requests as perfgov with psycopg2 and json, served by the same gunicorn
settings. Whatever it sustains is the physical limit of this machine for that request; perfgov's
capacity is reported as a share of it.

- ``GET /api/v1/scores/?year=Y&period=annual[&page_size=N]``: the page and its count, as JSON
  (the SQL and JSON of ``bench.bare``);
- ``GET /assessments/reports/<id>/``: the report's entries with their indicators, as an HTML table;
- ``GET /satisfaction/s/<key>/``: a form with a token and a ``csrftoken`` cookie;
  ``POST`` the same: one INSERT per answer (and one for the respondent) in one transaction, 302.

Configured by ``BENCH_BARE_DSN``; the survey writes into ``bench_bare_response`` and
``bench_bare_answer``, which ``bench.load`` creates before and drops after the run.
"""

from __future__ import annotations

import html
import os
import secrets
from urllib.parse import parse_qs

import psycopg2

from bench.bare import bare_scores

_conn = None

REPORT_SQL = """
    SELECT i.code, i.name, a.basic_target, e.actual_value, e.completion_pct, e.narrative, e.status_colour
    FROM assessments_entry e
    JOIN assessments_assignment a ON a.id = e.assignment_id
    JOIN indicators_indicator i ON i.id = a.indicator_id
    JOIN indicators_category c ON c.id = i.category_id
    WHERE e.report_id = %s
    ORDER BY c."order", i."order", i.code"""


def connection():
    global _conn
    if _conn is None or _conn.closed:
        _conn = psycopg2.connect(os.environ["BENCH_BARE_DSN"])
    return _conn


def _scores(environ) -> tuple[str, list, bytes]:
    query = parse_qs(environ.get("QUERY_STRING", ""))
    year = int(query.get("year", ["0"])[0])
    size = int(query.get("page_size", ["50"])[0])
    return "200 OK", [("Content-Type", "application/json")], bare_scores(connection(), year, size)


def _report(report_id: int) -> tuple[str, list, bytes]:
    conn = connection()
    with conn.cursor() as cur:
        cur.execute(REPORT_SQL, [report_id])
        rows = cur.fetchall()
    conn.rollback()
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape('' if v is None else str(v))}</td>" for v in row) + "</tr>" for row in rows
    )
    page = f"<!doctype html><html><body><table>{body}</table></body></html>"
    return "200 OK", [("Content-Type", "text/html; charset=utf-8")], page.encode()


def _survey_form() -> tuple[str, list, bytes]:
    token = secrets.token_urlsafe(32)
    page = f'<!doctype html><form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="{token}"></form>'
    headers = [("Content-Type", "text/html; charset=utf-8"), ("Set-Cookie", f"csrftoken={token}; Path=/")]
    return "200 OK", headers, page.encode()


def _survey_submit(environ) -> tuple[str, list, bytes]:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    form = parse_qs(environ["wsgi.input"].read(length).decode())
    if not form.get("csrfmiddlewaretoken"):
        return "403 Forbidden", [("Content-Type", "text/plain")], b"no token"
    region = int(form["region"][0])
    conn = connection()
    with conn, conn.cursor() as cur:
        cur.execute("INSERT INTO bench_bare_response (region, submitted_at) VALUES (%s, now()) RETURNING id", [region])
        response_id = cur.fetchone()[0]
        for key, values in form.items():
            if key.startswith("q"):
                cur.execute(
                    "INSERT INTO bench_bare_answer (response_id, question, value) VALUES (%s, %s, %s)",
                    [response_id, int(key[1:]), int(values[0])],
                )
    return "302 Found", [("Location", environ["PATH_INFO"] + "thanks/"), ("Content-Length", "0")], b""


def application(environ, start_response):
    path, method = environ["PATH_INFO"], environ["REQUEST_METHOD"]
    if path.startswith("/api/v1/scores/"):
        status, headers, body = _scores(environ)
    elif path.startswith("/assessments/reports/"):
        status, headers, body = _report(int(path.strip("/").split("/")[-1]))
    elif path.startswith("/satisfaction/s/"):
        status, headers, body = _survey_submit(environ) if method == "POST" else _survey_form()
    else:
        status, headers, body = "404 Not Found", [("Content-Type", "text/plain")], b"not found"
    if not any(name == "Content-Length" for name, _ in headers):
        headers.append(("Content-Length", str(len(body))))
    start_response(status, headers)
    return [body]
