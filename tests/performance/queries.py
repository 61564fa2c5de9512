"""Counting queries the way the guards compare them."""

from __future__ import annotations


def statements(queries: list[dict]) -> int:
    """The queries, counting the batches of one bulk insert once.

    ``bulk_create`` splits its rows into statements of a bounded size (the database's limit on
    parameters, or the batch size asked for), so their number grows with the rows by design. A
    batch holds many rows; a loop inserting rows one by one is not collapsed and is still caught.
    """
    n, previous = 0, None
    for q in queries:
        sql = q["sql"]
        head = sql.split(" VALUES ", 1)[0].split(" SELECT ", 1)[0] if sql.startswith("INSERT") else None
        if head is None or head != previous:
            n += 1
        multi_row = head is not None and ("), (" in sql or "UNNEST(" in sql)
        previous = head if multi_row else None
    return n
