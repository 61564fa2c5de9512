"""Working days on plain dates (docs/monitoring.md, "Responding to a warning").

A working day is Monday to Friday, except the official holidays; a make-up working day (调休,
a Saturday or Sunday declared a working day) counts as working. Administrators keep the holidays
and make-up days of each year (``monitoring.CalendarDay``); this module knows nothing of the
database and is tested on plain dates.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection


def is_working_day(day: datetime.date, *, holidays: Collection = (), workdays: Collection = ()) -> bool:
    if day in workdays:
        return True
    if day in holidays:
        return False
    return day.weekday() < 5


def add_working_days(
    start: datetime.date, days: int, *, holidays: Collection = (), workdays: Collection = ()
) -> datetime.date:
    """The ``days``-th working day after ``start`` (``start`` itself is not counted).

    "Respond within 10 working days" of a warning issued on ``start`` means by the end of the
    day returned (inclusive). ``days`` = 0 gives ``start``.
    """
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    left = days
    while left:
        day += datetime.timedelta(days=1)
        if is_working_day(day, holidays=holidays, workdays=workdays):
            left -= 1
    return day


def working_days_between(
    start: datetime.date, end: datetime.date, *, holidays: Collection = (), workdays: Collection = ()
) -> int:
    """The working days after ``start`` up to ``end`` inclusive (0 when ``end`` is not after ``start``),
    so that ``add_working_days(start, working_days_between(start, end))`` is the last working day up to ``end``."""
    count = 0
    day = start
    while day < end:
        day += datetime.timedelta(days=1)
        if is_working_day(day, holidays=holidays, workdays=workdays):
            count += 1
    return count
