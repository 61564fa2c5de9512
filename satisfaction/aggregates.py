"""Stored aggregates of a survey's answers, per respondent (models.ResultCell, docs/satisfaction.md).

- ``record`` adds one response to its rows, in the response's transaction: one upsert statement,
  rows in a fixed order (so two submissions never deadlock), on the shard of the response's id.
- ``rebuild`` recomputes a survey's rows from its answers (one scan per grouping); the migration
  that introduced the rows, the workload generator and any repair use it.
- ``histograms`` reads a survey's rows, summed over shards: {(dimension, key, region): {(m, s, v):
  respondents}}, the exact input of the statistics (satisfaction.stats).
- ``scan`` computes the same from the answers without the stored rows: the tests compare both.
"""

from __future__ import annotations

from collections import defaultdict

from django.db import connection, transaction

from .models import Answer, ResultCell

OVERALL, AREA, DEPARTMENT, QUESTION = (d.value for d in ResultCell.Dimension)
SATISFIED = 4  # 4 (satisfied) and 5 (very satisfied)


def rows_of(values) -> dict[tuple[str, int], tuple[int, int, int]]:
    """One respondent's (m, s, v) per group, from their closed answers [(question, value), …].

    ``question`` has ``id``, ``is_scale``, ``area_id`` and ``department_id``. A 1–5 answer counts
    in the survey, its question's area and its question's department; every answer (0, "don't
    know", and choice questions included) counts in its question's row.
    """
    groups: dict[tuple[str, int], list[int]] = {}
    for q, value in values:
        value = int(value)
        satisfied = 1 if q.is_scale and value >= SATISFIED else 0
        groups[(QUESTION, q.id)] = [1, satisfied, value]
        if not q.is_scale or value < 1:
            continue
        for group in ((OVERALL, 0), (AREA, q.area_id), (DEPARTMENT, q.department_id)):
            if group[1] is None:
                continue
            cell = groups.setdefault(group, [0, 0, 0])
            cell[0] += 1
            cell[1] += satisfied
            cell[2] += value
    return {group: tuple(cell) for group, cell in groups.items()}


def record(*, response_id: int, survey_id: int, region_id: int, values) -> None:
    """Count one response in its survey's stored aggregates (call inside its transaction)."""
    rows = sorted(rows_of(values).items())
    if not rows:
        return
    shard = response_id % ResultCell.SHARDS
    qn = connection.ops.quote_name
    table = qn(ResultCell._meta.db_table)
    names = ["survey_id", "region_id", "dimension", "key", "m", "s", "v", "shard", "respondents"]
    unique = ["survey_id", "dimension", "key", "region_id", "m", "s", "v", "shard"]
    params: list = []
    for (dimension, key), (m, s, v) in rows:
        params += [survey_id, region_id, dimension, key, m, s, v, shard, 1]
    placeholders = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s, %s)"] * len(rows))
    sql = (
        f"INSERT INTO {table} ({', '.join(qn(c) for c in names)}) VALUES {placeholders} "  # noqa: S608 - names from _meta
        f"ON CONFLICT ({', '.join(qn(c) for c in unique)}) "
        f"DO UPDATE SET {qn('respondents')} = {table}.{qn('respondents')} + EXCLUDED.{qn('respondents')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _grouped_sql(column: str | None) -> str:
    """Respondents per (region, group key, m, s, v) from the answers, for one grouping."""
    table = connection.ops.quote_name(Answer._meta.db_table)
    key = column or "0"
    not_null = f"AND {column} IS NOT NULL" if column else ""
    by = f", {column}" if column else ""  # a constant in GROUP BY would be a column number in SQLite
    return (
        f"SELECT region_id, k, m, s, v, COUNT(*) FROM ("  # noqa: S608 - fixed names
        f"  SELECT response_id, region_id, {key} AS k, COUNT(*) AS m,"
        f"         SUM(CASE WHEN value >= {SATISFIED} THEN 1 ELSE 0 END) AS s, SUM(value) AS v"
        f"  FROM {table} WHERE survey_id = %s AND scale AND value >= 1 {not_null}"
        f"  GROUP BY response_id, region_id{by}) AS r "
        f"GROUP BY region_id, k, m, s, v"
    )


def _question_sql() -> str:
    table = connection.ops.quote_name(Answer._meta.db_table)
    return (
        f"SELECT region_id, question_id, 1, CASE WHEN scale AND value >= {SATISFIED} THEN 1 ELSE 0 END, value, "  # noqa: S608
        f"COUNT(*) FROM {table} WHERE survey_id = %s GROUP BY region_id, question_id, scale, value"
    )


def scan(survey_id: int) -> dict[tuple, int]:
    """{(dimension, key, region, m, s, v): respondents} computed from the answers themselves."""
    out: dict[tuple, int] = defaultdict(int)
    queries = [
        (OVERALL, _grouped_sql(None)),
        (AREA, _grouped_sql("area_id")),
        (DEPARTMENT, _grouped_sql("department_id")),
        (QUESTION, _question_sql()),
    ]
    with connection.cursor() as cursor:
        for dimension, sql in queries:
            cursor.execute(sql, [survey_id])
            for region, key, m, s, v, count in cursor.fetchall():
                out[(dimension, int(key), region, int(m), int(s), int(v))] += int(count)
    return dict(out)


def stored(survey_id: int) -> dict[tuple, int]:
    """The same from the stored rows, summed over shards."""
    out: dict[tuple, int] = defaultdict(int)
    rows = ResultCell.objects.filter(survey_id=survey_id, respondents__gt=0).values_list(
        "dimension", "key", "region_id", "m", "s", "v", "respondents"
    )
    for dimension, key, region, m, s, v, count in rows:
        out[(dimension, key, region, m, s, v)] += count
    return dict(out)


@transaction.atomic
def rebuild(survey_id: int) -> int:
    """Replace a survey's stored rows by those computed from its answers; returns the row count."""
    ResultCell.objects.filter(survey_id=survey_id).delete()
    cells = [
        ResultCell(survey_id=survey_id, dimension=d, key=k, region_id=r, m=m, s=s, v=v, respondents=n)
        for (d, k, r, m, s, v), n in scan(survey_id).items()
    ]
    ResultCell.objects.bulk_create(cells, batch_size=2000)
    return len(cells)


def histograms(survey_id: int) -> dict[tuple[str, int, int], dict[tuple[int, int, int], int]]:
    """{(dimension, key, region): {(m, s, v): respondents}} of the stored rows."""
    out: dict[tuple[str, int, int], dict] = defaultdict(dict)
    for (dimension, key, region, m, s, v), count in stored(survey_id).items():
        hist = out[(dimension, key, region)]
        hist[(m, s, v)] = hist.get((m, s, v), 0) + count
    return dict(out)
