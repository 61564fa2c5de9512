"""The bare baselines of the scores list, without Django: the SQL and json.dumps that answer the
same page as the API (used in-process by ``bench.api`` and served by ``bench.bare_app``)."""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal

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
