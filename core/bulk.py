"""Inserting many rows of plain values at once, for the jobs that write thousands (docs/architecture.md).

``bulk_create`` builds a model instance per row and prepares each value through its field; for
the rows of a daily job (values the job computed itself: ids, dates, decimals, text) that costs
more than the insert. ``insert_values`` sends one array a column to PostgreSQL in one
``INSERT … SELECT FROM unnest(…)``, the columns not given taking their field's default; on
other databases it falls back to ``bulk_create``.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection, models
from django.utils import timezone


def _element(value) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, dt.date | dt.datetime | dt.time):
        text = value.isoformat()
    else:
        text = str(value)
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def pg_array(values) -> str:
    """One PostgreSQL array literal (``{"a","b",NULL}``) for a query parameter cast to ``type[]``.

    psycopg2 sends a list as ``ARRAY[v1, v2, …]``, an expression PostgreSQL parses element by
    element; for thousands of rows one literal per column parses several times faster."""
    return "{" + ",".join(_element(v) for v in values) + "}"


def insert_values(model: type[models.Model], rows: list[dict], *, ignore_conflicts: bool = False) -> int:
    """Insert ``rows`` (dicts of field attnames, e.g. ``project_id``) in one statement; returns the
    number of rows inserted (conflicting rows skipped when ``ignore_conflicts``)."""
    if not rows:
        return 0
    if connection.vendor != "postgresql":
        created = model.objects.bulk_create([model(**row) for row in rows], ignore_conflicts=ignore_conflicts)
        return len(created)
    now = timezone.now()
    given = set().union(*(row.keys() for row in rows))
    columns, casts, arrays = [], [], []
    for field in model._meta.concrete_fields:
        if field.primary_key and field.attname not in given:
            continue
        if field.attname in given:
            values = [row.get(field.attname) for row in rows]
        else:
            if getattr(field, "auto_now_add", False) or getattr(field, "auto_now", False):
                default = now
            else:
                default = field.get_db_prep_save(field.get_default(), connection)
            values = [default] * len(rows)
        columns.append(connection.ops.quote_name(field.column))
        casts.append(f"%s::{field.cast_db_type(connection)}[]")
        arrays.append(pg_array(values))
    sql = (
        f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({', '.join(columns)}) "  # noqa: S608
        f"SELECT * FROM unnest({', '.join(casts)})" + (" ON CONFLICT DO NOTHING" if ignore_conflicts else "")
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, arrays)
        return cursor.rowcount
