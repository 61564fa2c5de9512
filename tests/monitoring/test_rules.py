"""The dual-monitoring rules on plain values: checkpoint boundaries, the gap rule and the colours."""

import datetime as dt
from decimal import Decimal as D

import pytest

from monitoring import rules


def assess(spent, amount="1000000.00", completion=None, on=dt.date(2026, 4, 30), **kw):
    return rules.assess(spent=D(spent), amount=D(amount), completion=completion, year=2026, on=on, **kw)


def test_execution_rate_is_spent_over_approved_in_percent_rounded_half_up():
    assert rules.execution_rate(D("1"), D("3")) == D("33.33")
    assert rules.execution_rate(D("2"), D("3")) == D("66.67")
    assert rules.execution_rate(D("125"), D("1000")) == D("12.50")
    assert rules.execution_rate(D("5"), D("0")) is None


@pytest.mark.parametrize(
    ("spent", "on", "warned", "threshold"),
    [
        ("250000.00", dt.date(2026, 4, 30), False, D(25)),  # exactly 25 % on the checkpoint: no warning
        ("249990.00", dt.date(2026, 4, 30), False, D(25)),  # 24.999 rounds half up to 25.00: no warning
        ("249900.00", dt.date(2026, 4, 30), True, D(25)),  # 24.99 %: warning
        ("100000.00", dt.date(2026, 4, 29), False, None),  # before the first checkpoint: none applies
        ("399900.00", dt.date(2026, 6, 30), True, D(40)),  # 39.99 % at the end of June
        ("399900.00", dt.date(2026, 6, 29), False, D(25)),  # the April checkpoint still applies
        ("600000.00", dt.date(2026, 8, 31), False, D(60)),
        ("799900.00", dt.date(2026, 12, 31), True, D(80)),  # after October the October threshold stays
    ],
)
def test_checkpoint_thresholds_are_inclusive(spent, on, warned, threshold):
    r = assess(spent, on=on)
    assert r.below_threshold is warned
    assert (r.checkpoint.threshold if r.checkpoint else None) == threshold
    assert r.colour == (rules.Colour.YELLOW if warned else rules.Colour.GREEN)


def test_gap_of_exactly_ten_points_is_no_warning_and_more_is():
    # executed 40.00 % at the end of June (threshold 40: met)
    at = assess("400000.00", completion=D("50.00"), on=dt.date(2026, 6, 30))
    assert at.gap == D("10.00") and at.gap_exceeded is False and at.colour == rules.Colour.GREEN
    over = assess("400000.00", completion=D("50.01"), on=dt.date(2026, 6, 30))
    assert over.gap == D("10.01") and over.gap_exceeded is True and over.colour == rules.Colour.YELLOW
    # the gap counts either way: execution ahead of completion too
    ahead = assess("700000.00", completion=D("55.00"), on=dt.date(2026, 6, 30))
    assert ahead.gap == D("15.00") and ahead.gap_exceeded is True


def test_both_warnings_make_red_and_no_completion_means_no_gap_rule():
    both = assess("300000.00", completion=D("60.00"), on=dt.date(2026, 6, 30))  # 30 % < 40, gap 30
    assert both.below_threshold and both.gap_exceeded and both.colour == rules.Colour.RED
    unknown = assess("300000.00", completion=None, on=dt.date(2026, 6, 30))
    assert unknown.gap is None and unknown.gap_exceeded is False and unknown.colour == rules.Colour.YELLOW


def test_a_year_schedule_and_gap_setting_replace_the_defaults():
    schedule = [[3, 31, "20"], [9, 30, "70"]]
    r = assess("190000.00", on=dt.date(2026, 4, 30), schedule=schedule)
    assert r.checkpoint == rules.Checkpoint(dt.date(2026, 3, 31), D(20)) and r.below_threshold
    g = assess("500000.00", completion=D("55"), on=dt.date(2026, 4, 30), gap_points=D("4.99"))
    assert g.gap == D("5.00") and g.gap_exceeded
