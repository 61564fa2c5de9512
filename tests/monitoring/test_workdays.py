"""The working-day calendar on plain dates: weekends, official holidays and make-up working days."""

import datetime as dt

import pytest

from monitoring.workdays import add_working_days, is_working_day

D = dt.date


def test_weekends_are_skipped():
    # Friday 2026-05-08 + 1 working day → Monday 2026-05-11 (Saturday and Sunday skipped).
    assert add_working_days(D(2026, 5, 8), 1) == D(2026, 5, 11)
    # Ten working days from Monday are two weeks later.
    assert add_working_days(D(2026, 5, 4), 10) == D(2026, 5, 18)


def test_a_holiday_is_skipped():
    # National Day week 2026: 1–7 October off; 10 October (Saturday) a make-up working day.
    holidays = {D(2026, 10, d) for d in range(1, 8)}
    workdays = {D(2026, 10, 10)}
    # From Wednesday 30 September: working days are 9 Oct (Fri), 10 Oct (Sat, 调休), 12, 13 … Oct.
    assert add_working_days(D(2026, 9, 30), 1, holidays=holidays, workdays=workdays) == D(2026, 10, 8)
    assert add_working_days(D(2026, 9, 30), 3, holidays=holidays, workdays=workdays) == D(2026, 10, 10)
    assert add_working_days(D(2026, 9, 30), 4, holidays=holidays, workdays=workdays) == D(2026, 10, 12)
    # Without the calendar, the same count lands a week earlier.
    assert add_working_days(D(2026, 9, 30), 4) == D(2026, 10, 6)


def test_a_make_up_working_day_counts():
    saturday = D(2026, 10, 10)
    assert not is_working_day(saturday)
    assert is_working_day(saturday, workdays={saturday})
    assert not is_working_day(D(2026, 10, 1), holidays={D(2026, 10, 1)})


def test_zero_days_is_the_start_and_negative_is_refused():
    assert add_working_days(D(2026, 5, 9), 0) == D(2026, 5, 9)
    with pytest.raises(ValueError):
        add_working_days(D(2026, 5, 9), -1)
