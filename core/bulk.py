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
    out, seen = [], {}  # dates, decimals and the like repeat: each written once
    for v in values:
        kind = type(v)
        if kind is str:
            out.append('"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"')
        elif kind is int:
            out.append(str(v))
        else:
            text = seen.get(v)
            if text is None:
                text = seen[v] = _element(v)
            out.append(text)
    return "{" + ",".join(out) + "}"


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
    columns, selected, arrays, names, constants = [], [], [], [], []
    for field in model._meta.concrete_fields:
        if field.primary_key and field.attname not in given:
            continue
        column = connection.ops.quote_name(field.column)
        cast = field.cast_db_type(connection)
        columns.append(column)
        if field.attname in given:
            names.append(f"c{len(names)}")
            selected.append(f"u.{names[-1]}")
            arrays.append((pg_array(row.get(field.attname) for row in rows), cast))
        else:  # the same value on every row: one parameter, not an array
            if getattr(field, "auto_now_add", False) or getattr(field, "auto_now", False):
                default = now
            else:
                default = field.get_db_prep_save(field.get_default(), connection)
            selected.append(f"%s::{cast}")
            constants.append(default)
    sql = (
        f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({', '.join(columns)}) "  # noqa: S608
        f"SELECT {', '.join(selected)} FROM unnest({', '.join(f'%s::{cast}[]' for _, cast in arrays)}) "
        f"AS u({', '.join(names)})" + (" ON CONFLICT DO NOTHING" if ignore_conflicts else "")
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*constants, *(literal for literal, _ in arrays)])
        return cursor.rowcount
