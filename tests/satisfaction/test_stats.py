"""Rates, scores and intervals per respondent, checked against figures computed by hand
(docs/satisfaction.md has the same worked example)."""

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from satisfaction.stats import Hist, respondent_estimate, weighted_respondent_estimate, wilson


def hist(respondents) -> Hist:
    """Each respondent is the list of their 1–5 answers in the group."""
    out: Hist = {}
    for answers in respondents:
        key = (len(answers), sum(1 for v in answers if v >= 4), sum(answers))
        out[key] = out.get(key, 0) + 1
    return out


def test_wilson_seven_of_ten():
    # p = 0.7, z = 1.96: centre 0.89208 / 1.38416, half 1.96 / 1.38416 × √(0.021 + 0.009604)
    low, high = wilson(7, 10)
    assert round(low, 4) == D("0.3968")
    assert round(high, 4) == D("0.8922")


def test_one_question_each_is_the_classic_proportion_with_wilson():
    # 5, 4, 4, 3, 2, one answer per respondent: three satisfied of five; mean 3.6; s² = 1.3
    est = respondent_estimate(hist([[5], [4], [4], [3], [2]]))
    assert est.n == 5
    assert est.rate == D("60.00")
    assert (est.rate_low, est.rate_high) == (D("23.07"), D("88.24"))  # Wilson 3/5
    assert est.score == D("72.00")
    assert (est.score_low, est.score_high) == (D("52.01"), D("91.99"))  # 72 ± 1.96 × √(1.3 / 5) × 20


def test_many_answers_per_respondent_count_each_person_once():
    # A answers 5, 5, 4, 4 (y = 1, x = 4.5); B 2, 3 (y = 0, x = 2.5); C 4, 1, 1, 1, 1, 1 (y = 1/6, x = 1.5).
    # Per answer it would be 12 answers, 5 satisfied: 41.67 %. Per respondent:
    #   n = 3; rate = (1 + 0 + 1/6) / 3 = 7/18 = 38.89 %;
    #   s²_y = (37/36 − (7/6)² / 3) / 2 = 31/108; half = 1.96 × √(31/108 / 3) = 0.60627 → [0, 99.52];
    #   score = 20 × (4.5 + 2.5 + 1.5) / 3 = 56.67; s²_x = (28.75 − 8.5² / 3) / 2 = 7/3;
    #   half = 1.96 × √(7/9) = 1.72856 → 20 × [1.10478, 4.56189] = [22.10, 91.24].
    est = respondent_estimate(hist([[5, 5, 4, 4], [2, 3], [4, 1, 1, 1, 1, 1]]))
    assert est.n == 3
    assert est.rate == D("38.89")
    assert (est.rate_low, est.rate_high) == (D("0.00"), D("99.52"))
    assert est.score == D("56.67")
    assert (est.score_low, est.score_high) == (D("22.10"), D("91.24"))


def test_a_cluster_does_not_narrow_the_interval():
    """Twenty answers from two people are two observations, not twenty."""
    clustered = respondent_estimate(hist([[5] * 10, [1] * 10]))
    spread = respondent_estimate(hist([[5], [1]] * 10))
    assert clustered.n == 2 and spread.n == 20
    assert clustered.rate == spread.rate == D("50.00")
    assert clustered.rate_high - clustered.rate_low > 2 * (spread.rate_high - spread.rate_low)


def test_all_satisfied_and_none():
    top = respondent_estimate(hist([[5]] * 10))
    assert (top.rate, top.rate_low, top.rate_high) == (D("100.00"), D("72.25"), D("100.00"))
    assert (top.score, top.score_low, top.score_high) == (D("100.00"), D("100.00"), D("100.00"))
    none = respondent_estimate(hist([[1], [2], [3], [3]]))
    assert (none.rate, none.rate_low, none.rate_high) == (D("0.00"), D("0.00"), D("48.99"))


def test_one_respondent_has_no_interval_and_no_respondents_no_figures():
    one = respondent_estimate(hist([[4, 5]]))
    assert one.n == 1 and one.rate == D("100.00") and one.rate_low is None and one.score_low is None
    empty = respondent_estimate({})
    assert empty.n == 0 and empty.rate is None and empty.score is None


def test_weighting_by_population_per_respondent_by_hand():
    # Region a (300,000 people): [5, 5] → y 1, [4, 2] → y 0.5: ȳ = 0.75, s² = 0.125
    # Region b (100,000 people): [4, 1] → y 0.5, [1, 1] → y 0:    ȳ = 0.25, s² = 0.125
    hists = {"a": hist([[5, 5], [4, 2]]), "b": hist([[4, 1], [1, 1]])}
    w = weighted_respondent_estimate(hists, {"a": 300_000, "b": 100_000}).estimate
    # rate = 0.75 × 0.75 + 0.25 × 0.25 = 0.625; var = 0.75² × 0.125 / 2 + 0.25² × 0.125 / 2 = 0.0390625
    # half = 1.96 × 0.197642 = 0.387378 → [23.76, 100.00]
    assert w.n == 4
    assert w.rate == D("62.50")
    assert (w.rate_low, w.rate_high) == (D("23.76"), D("100.00"))
    # score: a x̄ = (5 + 3) / 2 = 4, b x̄ = (2.5 + 1) / 2 = 1.75 → 0.75 × 4 + 0.25 × 1.75 = 3.4375 → 68.75
    assert w.score == D("68.75")
    unweighted = respondent_estimate({**hists["a"], **hists["b"]})
    assert unweighted.rate == D("50.00")


def test_equal_populations_weight_like_equal_samples():
    hists = {"a": hist([[5, 4], [1], [2, 2]]), "b": hist([[5], [5, 3], [2]])}
    w = weighted_respondent_estimate(hists, {"a": 1000, "b": 1000}).estimate
    merged: Hist = dict(hists["a"])
    for k, c in hists["b"].items():
        merged[k] = merged.get(k, 0) + c
    assert w.rate == respondent_estimate(merged).rate


def test_weighting_needs_every_population_and_skips_empty_regions():
    result = weighted_respondent_estimate({"a": hist([[5, 4]]), "b": hist([[1]]), "c": {}}, {"a": 100, "b": None})
    assert result.estimate is None and result.missing == ["b"]
    only_a = weighted_respondent_estimate({"a": hist([[5, 4]]), "c": {}}, {"a": 100, "c": None})
    assert only_a.estimate.rate == D("100.00")


respondent = st.lists(st.integers(min_value=1, max_value=5), min_size=1, max_size=12)


@given(st.lists(respondent, min_size=1, max_size=40))
def test_intervals_contain_the_estimate_and_stay_in_range(respondents):
    est = respondent_estimate(hist(respondents))
    assert est.n == len(respondents)
    if est.rate_low is not None:
        assert D(0) <= est.rate_low <= est.rate <= est.rate_high <= D(100)
    assert D(20) <= est.score <= D(100)
    if est.score_low is not None:
        assert D(20) <= est.score_low <= est.score <= est.score_high <= D(100)


@pytest.mark.parametrize(("n", "x"), [(1, 0), (1, 1), (3, 2), (1000, 999)])
def test_wilson_is_within_zero_and_one(n, x):
    low, high = wilson(x, n)
    assert D(0) <= low <= D(x) / D(n) <= high <= D(1)
