"""Every scoring method at and around its boundaries, and properties that hold for all inputs."""

from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.scoring import Inputs, Spec, competition_ranks, score


def s(method, direction="ge", points="10", basic=None, challenge=None, upper=None, **params):
    return Spec(
        method=method,
        direction=direction,
        points=D(points),
        basic=D(basic) if basic else None,
        challenge=D(challenge) if challenge else None,
        upper=D(upper) if upper else None,
        params=params,
    )


def pts(spec, **inputs):
    conv = {k: D(v) if k in ("actual", "satisfaction") and v is not None else v for k, v in inputs.items()}
    return score(spec, Inputs(**conv)).points


@pytest.mark.parametrize(
    ("spec", "actual", "expected"),
    [
        (s("threshold", basic="100"), "100", "10.00"),
        (s("threshold", basic="100"), "99.99", "0"),
        (s("threshold", "le", basic="5"), "5", "10.00"),
        (s("threshold", "le", basic="5"), "5.01", "0"),
        (s("threshold", "eq", basic="3"), "3", "10.00"),
        (s("threshold", "range", basic="3", upper="5"), "5", "10.00"),
        (s("threshold", "range", basic="3", upper="5"), "2.99", "0"),
        (s("threshold", "bool"), "1", "10.00"),
        (s("threshold", "bool"), "0", "0"),
        # proportional ≥: capped at P
        (s("proportional", basic="90"), "45", "5.00"),
        (s("proportional", basic="90"), "120", "10.00"),
        (s("proportional", basic="3", points="5"), "1", "1.67"),  # 1.666… half up
        (s("proportional", basic="8", points="5"), "1", "0.63"),  # 0.625 → 0.63 (half up, not banker's)
        # proportional ≤: P × min(target / actual, 1), and P where actual is 0
        (s("proportional", "le", basic="35"), "0", "10.00"),
        (s("proportional", "le", basic="35"), "35", "10.00"),
        (s("proportional", "le", basic="35"), "70", "5.00"),
        (s("proportional", "le", basic="35"), "20", "10.00"),
        # tiered ≥ (s = 0.8): exactly at basic → s·P; exactly at challenge → P
        (s("tiered", basic="90", challenge="100"), "90", "8.00"),
        (s("tiered", basic="90", challenge="100"), "100", "10.00"),
        (s("tiered", basic="90", challenge="100"), "95", "9.00"),
        (s("tiered", basic="90", challenge="100"), "110", "10.00"),
        (s("tiered", basic="90", challenge="100"), "45", "4.00"),
        (s("tiered", basic="90", challenge="100", basic_share="0.6"), "90", "6.00"),
        # tiered ≤ mirrored
        (s("tiered", "le", basic="6", challenge="5"), "5", "10.00"),
        (s("tiered", "le", basic="6", challenge="5"), "6", "8.00"),
        (s("tiered", "le", basic="6", challenge="5"), "5.5", "9.00"),
        (s("tiered", "le", basic="6", challenge="5"), "12", "4.00"),
        # scale ≤ band edges (within 1 h → 5, within 2 h → 3, otherwise 0)
        (
            s(
                "scale",
                "le",
                points="5",
                bands=[{"bound": "1", "points": "5"}, {"bound": "2", "points": "3"}],
                otherwise="0",
            ),
            "1",
            "5.00",
        ),
        (
            s(
                "scale",
                "le",
                points="5",
                bands=[{"bound": "1", "points": "5"}, {"bound": "2", "points": "3"}],
                otherwise="0",
            ),
            "1.01",
            "3.00",
        ),
        (
            s(
                "scale",
                "le",
                points="5",
                bands=[{"bound": "1", "points": "5"}, {"bound": "2", "points": "3"}],
                otherwise="0",
            ),
            "2",
            "3.00",
        ),
        (
            s(
                "scale",
                "le",
                points="5",
                bands=[{"bound": "1", "points": "5"}, {"bound": "2", "points": "3"}],
                otherwise="0",
            ),
            "2.01",
            "0.00",
        ),
        (
            s(
                "scale",
                "ge",
                points="5",
                bands=[{"bound": "95", "points": "5"}, {"bound": "90", "points": "3"}],
                otherwise="1",
            ),
            "89",
            "1.00",
        ),
        # per unit: 0.5 per year above 45, never below 0
        (s("per_unit", "le", points="5", basic="45", per_unit="0.5"), "45", "5.00"),
        (s("per_unit", "le", points="5", basic="45", per_unit="0.5"), "47.5", "3.75"),
        (s("per_unit", "le", points="5", basic="45", per_unit="0.5"), "80", "0.00"),
        (s("per_unit", "ge", points="5", basic="100", per_unit="0.1"), "90", "4.00"),
        # deduction starts at P; events are separate lines
        (s("deduction", points="5"), None, "5.00"),
    ],
)
def test_methods_at_their_boundaries(spec, actual, expected):
    assert pts(spec, actual=actual) == D(expected)


def test_missing_value_scores_zero_and_says_so():
    result = score(s("proportional", basic="90"), Inputs())
    assert result.points == 0 and result.missing
    assert "0" in result.detail.render()


@pytest.mark.parametrize(
    ("grade", "expected"), [("A", "15.00"), ("B", "12.00"), ("C", "9.00"), ("D", "6.00"), (None, "0")]
)
def test_grade(grade, expected):
    assert pts(s("grade", points="15"), grade=grade) == D(expected)


def test_custom_grades():
    spec = s("grade", points="10", grades={"优": "100", "良": "85"})
    assert pts(spec, grade="良") == D("8.50")
    assert pts(spec, grade="A") == 0


@pytest.mark.parametrize(
    ("mode", "value", "expected"),
    [
        ("proportional", "85", "15.00"),
        ("proportional", "90", "15.00"),
        ("proportional", "68", "12.00"),
        ("threshold", "84.99", "0"),
        ("threshold", "85", "15.00"),
    ],
)
def test_satisfaction(mode, value, expected):
    spec = s("satisfaction", points="15", target="85", mode=mode)
    assert pts(spec, satisfaction=value) == D(expected)


@pytest.mark.parametrize(("rank", "expected"), [(1, "6.00"), (2, "5.70"), (5, "4.80"), (6, "4.50"), (None, "0")])
def test_rank_shares(rank, expected):
    spec = s("rank", shares=["60", "57", "54", "51", "48"], rest="45")
    assert pts(spec, rank=rank, rank_of=8) == D(expected)


def test_competition_ranking_with_ties():
    assert competition_ranks({"a": D(9), "b": D(7), "c": D(9), "d": D(5)}) == {"a": 1, "c": 1, "b": 3, "d": 4}
    assert competition_ranks({"a": D(9), "b": D(7), "c": D(7), "d": D(5)}) == {"a": 1, "b": 2, "c": 2, "d": 4}
    assert competition_ranks({"a": D(1), "b": D(3), "c": None}, higher_is_better=False) == {"a": 1, "b": 2}


def test_quarter_targets_scale_with_the_plan():
    spec = s("proportional", basic="300").scaled(D("0.25"))
    assert spec.basic == D(75)
    assert pts(spec, actual="75") == D("10.00")


def test_details_are_readable_and_translated():
    from django.utils import translation

    result = score(s("proportional", "le", basic="35"), Inputs(actual=D(70)))
    with translation.override("en"):
        assert result.detail.render() == "Proportional (≤): 10 × min(35 ÷ 70, 1) = 5."
    with translation.override("zh-hans"):
        assert "比例" in result.detail.render()


decimals = st.decimals(min_value=D("-1000"), max_value=D("100000"), places=2, allow_nan=False, allow_infinity=False)
positive = st.decimals(min_value=D("0.01"), max_value=D("10000"), places=2)
points = st.decimals(min_value=D("0.5"), max_value=D("100"), places=2)


@st.composite
def specs(draw):
    method = draw(st.sampled_from(["threshold", "proportional", "tiered", "per_unit", "scale"]))
    direction = draw(st.sampled_from(["ge", "le"]))
    p = draw(points)
    basic = draw(positive)
    if method == "tiered":
        challenge = basic + draw(positive) if direction == "ge" else basic / 2
        return Spec(method, direction, p, basic, challenge, params={"basic_share": "0.8"})
    if method == "per_unit":
        return Spec(method, direction, p, basic, params={"per_unit": str(draw(positive))})
    if method == "scale":
        b1 = draw(positive)
        b2 = b1 + draw(positive) if direction == "le" else b1 / 2
        pa, pb = sorted([draw(st.decimals(min_value=0, max_value=p, places=2)) for _ in range(2)], reverse=True)
        return Spec(
            method,
            direction,
            p,
            None,
            params={
                "bands": [{"bound": str(b1), "points": str(pa)}, {"bound": str(b2), "points": str(pb)}],
                "otherwise": "0",
            },
        )
    return Spec(method, direction, p, basic)


@settings(max_examples=300, deadline=None)
@given(specs(), decimals)
def test_score_stays_within_zero_and_points_and_is_deterministic(spec, actual):
    first = score(spec, Inputs(actual=actual))
    assert D(0) <= first.points <= spec.points
    assert first.points == first.points.quantize(D("0.01"))
    assert score(spec, Inputs(actual=actual)) == first


@settings(max_examples=200, deadline=None)
@given(specs(), positive, positive)
def test_a_better_value_never_scores_less(spec, a, b):
    lo, hi = sorted([a, b])
    worse, better = (lo, hi) if spec.direction == "ge" else (hi, lo)
    assert score(spec, Inputs(actual=better)).points >= score(spec, Inputs(actual=worse)).points
