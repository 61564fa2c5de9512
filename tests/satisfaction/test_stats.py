"""Rates, scores and intervals checked against figures computed by hand."""

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from satisfaction.stats import Cell, estimate, weighted_estimate, wilson


def cell(values):
    return Cell(
        n=len(values),
        satisfied=sum(1 for v in values if v >= 4),
        total=sum(values),
        total_sq=sum(v * v for v in values),
    )


def test_wilson_seven_of_ten():
    # p = 0.7, z = 1.96: centre 0.89208 / 1.38416, half 1.96 / 1.38416 × √(0.021 + 0.009604)
    low, high = wilson(7, 10)
    assert round(low, 4) == D("0.3968")
    assert round(high, 4) == D("0.8922")


def test_estimate_of_five_answers_by_hand():
    # 5, 4, 4, 3, 2: three satisfied of five; mean 3.6; s² = (70 − 18²/5) / 4 = 1.3
    est = estimate(cell([5, 4, 4, 3, 2]))
    assert est.n == 5
    assert est.rate == D("60.00")
    # Wilson 3/5: (0.2307, 0.8824)
    assert (est.rate_low, est.rate_high) == (D("23.07"), D("88.24"))
    assert est.score == D("72.00")
    # 72 ± 1.96 × √(1.3 / 5) × 20 = 72 ± 19.99
    assert (est.score_low, est.score_high) == (D("52.01"), D("91.99"))


def test_all_satisfied_keeps_the_interval_below_100_percent_only_at_the_top():
    est = estimate(cell([5] * 10))
    assert est.rate == D("100.00")
    assert est.rate_high == D("100.00")
    # Wilson 10/10: lower bound 0.7225
    assert est.rate_low == D("72.25")
    # No spread: the score interval collapses on the mean.
    assert (est.score, est.score_low, est.score_high) == (D("100.00"), D("100.00"), D("100.00"))


def test_none_satisfied():
    est = estimate(cell([1, 2, 3, 3]))
    assert est.rate == D("0.00")
    assert est.rate_low == D("0.00")
    assert est.rate_high == D("48.99")  # Wilson 0/4 upper bound 0.4899


def test_one_answer_has_no_score_interval_and_no_answers_no_figures():
    est = estimate(cell([4]))
    assert est.score == D("80.00") and est.score_low is None
    empty = estimate(Cell())
    assert empty.n == 0 and empty.rate is None and empty.score is None


def test_weighting_by_population_by_hand():
    # A (300,000 people): 5, 5, 4, 2 → p 0.75, mean 4.0; B (100,000): 4, 1, 1, 1 → p 0.25, mean 1.75.
    cells = {"a": cell([5, 5, 4, 2]), "b": cell([4, 1, 1, 1])}
    unweighted = estimate(cells["a"] + cells["b"])
    assert unweighted.rate == D("50.00")
    assert unweighted.score == D("57.50")
    w = weighted_estimate(cells, {"a": 300_000, "b": 100_000}).estimate
    # 0.75 × 0.75 + 0.25 × 0.25 = 0.625; 0.75 × 4.0 + 0.25 × 1.75 = 3.4375 → 68.75
    assert w.rate == D("62.50")
    assert w.score == D("68.75")
    # var = 0.75² × 0.1875 / 4 + 0.25² × 0.1875 / 4 = 0.029297; 1.96 × √var = 0.33548
    assert (w.rate_low, w.rate_high) == (D("28.95"), D("96.05"))
    assert w.n == 8


def test_equal_populations_weight_like_equal_samples():
    cells = {"a": cell([5, 4, 1, 2]), "b": cell([5, 5, 3, 2])}
    w = weighted_estimate(cells, {"a": 1000, "b": 1000}).estimate
    assert w.rate == estimate(cells["a"] + cells["b"]).rate


def test_weighting_needs_every_population_and_skips_empty_regions():
    cells = {"a": cell([5, 4]), "b": cell([1, 2]), "c": Cell()}
    result = weighted_estimate(cells, {"a": 100, "b": None, "c": None})
    assert result.estimate is None and result.missing == ["b"]
    only_a = weighted_estimate({"a": cell([5, 4]), "c": Cell()}, {"a": 100, "c": None})
    assert only_a.estimate.rate == D("100.00")


@given(st.lists(st.integers(min_value=1, max_value=5), min_size=1, max_size=60))
def test_intervals_contain_the_estimate_and_stay_in_range(values):
    est = estimate(cell(values))
    assert D(0) <= est.rate_low <= est.rate <= est.rate_high <= D(100)
    assert D(20) <= est.score <= D(100)
    if est.score_low is not None:
        assert D(20) <= est.score_low <= est.score <= est.score_high <= D(100)


@pytest.mark.parametrize(("n", "x"), [(1, 0), (1, 1), (3, 2), (1000, 999)])
def test_wilson_is_within_zero_and_one(n, x):
    low, high = wilson(x, n)
    assert D(0) <= low <= D(x) / D(n) <= high <= D(1)
