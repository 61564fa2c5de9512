"""The values the demo data and the benchmark workloads report: Decimal, within the indicator's range."""

import random
from decimal import Decimal as D
from types import SimpleNamespace

import pytest

from assessments.demo import believable_value
from indicators.choices import Direction, Method, ValueType


def assignment(target, planned=(D(25), D(50), D(75), D(100))):
    return SimpleNamespace(basic_target=target, planned=lambda q: planned[q - 1])


def indicator(direction=Direction.GE, method=Method.PROPORTIONAL, value_type=ValueType.CUMULATIVE, unit="万元"):
    return SimpleNamespace(direction=direction, method=method, value_type=value_type, unit=unit)


@pytest.mark.parametrize("seed", range(20))
def test_an_amount_is_a_two_place_decimal_near_the_planned_share_of_its_target(seed):
    actual, completion = believable_value(random.Random(seed), assignment(D("2396.30")), indicator(), 2, 1.0)
    assert completion is None
    assert isinstance(actual, D)
    assert actual == actual.quantize(D("0.01"))
    # Half of the target is planned by Q2; the noise is 0.9–1.08 of it.
    assert D("2396.30") / 2 * D("0.9") <= actual <= D("2396.30") / 2 * D("1.08")


def test_the_same_seed_gives_the_same_values_and_another_seed_others():
    draw = [believable_value(random.Random(7), assignment(D(500)), indicator(), 3, 0.93) for _ in range(2)]
    assert draw[0] == draw[1]
    assert believable_value(random.Random(8), assignment(D(500)), indicator(), 3, 0.93) != draw[0]


def test_a_lower_is_better_value_shrinks_with_skill():
    ind = indicator(direction=Direction.LE, value_type=ValueType.LEVEL, unit="件")
    weak, _c = believable_value(random.Random(1), assignment(D(20)), ind, 4, 0.8)
    strong, _c = believable_value(random.Random(1), assignment(D(20)), ind, 4, 1.2)
    assert strong < weak


def test_a_percentage_never_exceeds_100_and_a_task_without_target_reports_completion():
    pct = indicator(value_type=ValueType.LEVEL, unit="%")
    values = [believable_value(random.Random(s), assignment(D(99)), pct, 4, 1.12)[0] for s in range(30)]
    assert max(values) == D(100)  # some draws above 100 are capped
    actual, completion = believable_value(random.Random(2), assignment(None), indicator(unit=""), 4, 1.12)
    assert actual is None
    assert isinstance(completion, D) and D(0) < completion <= D(100)


def test_a_yes_no_indicator_reports_done():
    assert believable_value(random.Random(3), assignment(None), indicator(direction=Direction.BOOL), 1, 1.0) == (
        D(1),
        None,
    )


@pytest.mark.parametrize("seed", range(30))
def test_a_cumulative_value_never_falls_from_one_quarter_to_the_next(seed):
    rng = random.Random(seed)
    ind = indicator(unit="万元")
    a = assignment(D(500), planned=(D(25), D(50), D(50), D(100)))  # Q3 plans no progress over Q2
    last = (None, None)
    for quarter in (1, 2, 3, 4):
        actual, _c = believable_value(rng, a, ind, quarter, 1.0, previous=last)
        assert last[0] is None or actual >= last[0]
        last = (actual, None)


@pytest.mark.parametrize("seed", range(10))
def test_counted_things_are_whole_numbers(seed):
    for unit in ("所", "件", "人次"):
        actual, _c = believable_value(random.Random(seed), assignment(D(37)), indicator(unit=unit), 2, 0.97)
        assert actual == actual.to_integral_value() and actual.as_tuple().exponent >= 0


def test_a_completion_never_falls_either():
    a = assignment(None, planned=(D(25), D(50), D(50), D(100)))
    first, c2 = believable_value(random.Random(1), a, indicator(), 2, 1.05)
    _a, c3 = believable_value(random.Random(2), a, indicator(), 3, 0.9, previous=(None, c2))
    assert first is None and c3 >= c2
