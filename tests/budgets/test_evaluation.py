"""The self-evaluation score as pure computation: hand-computed cases and properties."""

from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from budgets import evaluation as ev
from budgets.evaluation import LinkedIndicator, TargetInput, Weights


def t(id_, dim, name, op, value, actual, *, upper=None, weight=None, order=0, link=None):
    return TargetInput(
        id=id_,
        name=name,
        dimension=dim,
        operator=op,
        value=D(value),
        upper=D(upper) if upper is not None else None,
        weight=D(weight) if weight is not None else None,
        actual=D(actual) if actual is not None else None,
        order=order,
        link=link,
    )


def points_of(result):
    return {line.target_name or line.kind: line.points for line in result.lines}


def test_hand_computed_execution_below_full_and_a_le_target_exceeded():
    """amount 1,000,000, spent 850,000; output 50 shared by 2 output targets and the cost target.

    execution 10 × 0.85 = 8.50
    output group 50.00 in cents: 16.67, 16.67, 16.66 (output targets first, then cost)
      activities ≥ 50, actual 40: 16.67 × 40/50 = 13.336 → 13.34
      accidents ≤ 3, actual 4 (exceeded): 16.67 × 3/4 = 12.5025 → 12.50
      lecturer fee ≤ 200, actual 250 (cost, exceeded): 16.66 × 200/250 = 13.328 → 13.33
    effect: schools ≥ 120, actual 120: 30.00
    satisfaction ≥ 90, actual 81: 10 × 0.9 = 9.00
    total 86.67 → 良 (good)
    """
    targets = [
        t(1, "output", "activities", "ge", "50", "40", order=1),
        t(2, "output", "accidents", "le", "3", "4", order=2),
        t(3, "cost", "lecturer fee", "le", "200", "250", order=3),
        t(4, "effect", "schools", "ge", "120", "120"),
        t(5, "satisfaction", "satisfaction", "ge", "90", "81"),
    ]
    result = ev.evaluate(amount=D("1000000.00"), spent=D("850000.00"), targets=targets)
    assert points_of(result) == {
        "execution": D("8.50"),
        "activities": D("13.34"),
        "accidents": D("12.50"),
        "lecturer fee": D("13.33"),
        "schools": D("30.00"),
        "satisfaction": D("9.00"),
    }
    assert result.total == D("86.67")
    assert result.grade == "good"
    assert result.execution_rate == D("85.00")
    available = {line.target_name or line.kind: line.available for line in result.lines}
    assert available["activities"] == D("16.67") and available["lecturer fee"] == D("16.66")
    accidents = next(line for line in result.lines if line.target_name == "accidents")
    assert accidents.detail.args["target"] == "3" and accidents.detail.args["actual"] == "4"
    assert "(≤)" in accidents.detail.message


def test_everything_met_and_spent_scores_exactly_100():
    targets = [
        t(1, "cost", "fee", "le", "200", "180"),
        t(2, "output", "activities", "ge", "50", "55"),
        t(3, "output", "plan", "eq", "100", "100"),
        t(4, "effect", "clubs", "range", "80", "85", upper="100"),
        t(5, "effect", "schools", "ge", "120", "130"),
        t(6, "effect", "health", "ge", "92", "93"),
        t(7, "satisfaction", "satisfaction", "ge", "90", "95"),
    ]
    result = ev.evaluate(amount=D("2396300.00"), spent=D("2396300.00"), targets=targets)
    assert result.total == D("100.00")
    assert result.grade == "excellent"
    # 30 shared by three effect targets: 10.00 each; 50 by three output-group targets: 16.67, 16.67, 16.66.
    assert sorted(line.available for line in result.lines if line.group == "effect") == [D("10.00")] * 3
    assert sorted(line.available for line in result.lines if line.group == "output") == [
        D("16.66"),
        D("16.67"),
        D("16.67"),
    ]


def test_equal_and_range_targets_are_met_or_not():
    targets = [
        t(1, "output", "exact", "eq", "100", "99"),
        t(2, "effect", "range", "range", "80", "101", upper="100"),
        t(3, "satisfaction", "sat", "ge", "90", "90"),
        t(4, "cost", "fee", "le", "10", "0"),  # ≤ with actual 0: full points
    ]
    result = ev.evaluate(amount=D("100"), spent=D("100"), targets=targets, weights=Weights(output=D(50), cost=D(0)))
    pts = points_of(result)
    assert pts["exact"] == D("0.00")
    assert pts["range"] == D("0.00")
    assert pts["sat"] == D("10.00")
    assert pts["fee"] == D("25.00")  # output group: 25 for "exact", 25 for "fee"
    assert result.total == D("10.00") + D("0") + D("25.00") + D("10.00")


def test_a_target_without_a_year_end_value_scores_zero_and_says_so():
    targets = [
        t(1, "cost", "fee", "le", "200", None),
        t(2, "output", "a", "ge", "50", "50"),
        t(3, "effect", "b", "ge", "1", "1"),
        t(4, "satisfaction", "c", "ge", "90", "90"),
    ]
    result = ev.evaluate(amount=D("100"), spent=D("100"), targets=targets)
    fee = next(line for line in result.lines if line.target_name == "fee")
    assert fee.points == D("0.00") and fee.missing
    assert result.total == D("75.00")


def test_own_weights_take_their_points_and_the_rest_is_shared_equally():
    targets = [
        t(1, "effect", "heavy", "ge", "10", "10", weight="20"),
        t(2, "effect", "light a", "ge", "10", "5"),
        t(3, "effect", "light b", "ge", "10", "10"),
    ]
    result = ev.evaluate(amount=D("100"), spent=D("0"), targets=targets)
    available = {line.target_name: line.available for line in result.lines if line.kind == "target"}
    assert available == {"heavy": D("20"), "light a": D("5.00"), "light b": D("5.00")}
    assert points_of(result)["light a"] == D("2.50")
    assert points_of(result)["execution"] == D("0.00")


def test_weight_errors_name_the_group():
    targets = [t(1, "effect", "a", "ge", "1", None, weight="20"), t(2, "effect", "b", "ge", "1", None, weight="5")]
    problems = ev.weight_errors(Weights(), targets)
    assert len(problems) == 1 and problems[0].args["sum"] == "25" and problems[0].args["weight"] == "30"
    targets = [t(1, "effect", "a", "ge", "1", None, weight="30"), t(2, "effect", "b", "ge", "1", None)]
    assert len(ev.weight_errors(Weights(), targets)) == 1
    targets = [t(1, "effect", "a", "ge", "1", None, weight="12.5"), t(2, "effect", "b", "ge", "1", None)]
    assert ev.weight_errors(Weights(), targets) == []


def test_a_year_with_its_own_cost_weight_scores_cost_apart():
    weights = Weights(execution=D(10), output=D(40), cost=D(10), effect=D(30), satisfaction=D(10))
    targets = [
        t(1, "cost", "fee", "le", "200", "400"),
        t(2, "output", "a", "ge", "50", "50"),
        t(3, "effect", "b", "ge", "1", "1"),
        t(4, "satisfaction", "c", "ge", "90", "90"),
    ]
    result = ev.evaluate(amount=D("100"), spent=D("100"), targets=targets, weights=weights)
    pts = points_of(result)
    assert pts["fee"] == D("5.00")  # 10 × 200/400
    assert pts["a"] == D("40.00")
    assert result.total == D("95.00")


def test_a_target_linked_to_a_tiered_indicator_is_scored_by_its_method():
    """Indicator: tiered, challenge 100, basic share 0.8. Target: ≥ 92 worth 30 (the only effect target).

    actual 95 lies between 92 and 100: 0.8 × 30 + 0.2 × 30 × (95 − 92)/(100 − 92) = 24 + 2.25 = 26.25.
    """
    link = LinkedIndicator(
        code="edu_preschool",
        name="普惠率",
        method="tiered",
        points=D(10),
        challenge=D(100),
        params={"basic_share": "0.8"},
    )
    targets = [t(1, "effect", "preschool", "ge", "92", "95", link=link)]
    result = ev.evaluate(amount=D("100"), spent=D("100"), targets=targets)
    line = next(line for line in result.lines if line.target_name == "preschool")
    assert line.points == D("26.25")
    assert line.method == "tiered"


def test_scale_band_points_scale_with_the_targets_points():
    """Indicator: ≤ 1 h → 5, ≤ 2 h → 3 of 5 points. A target worth 10: 1.5 h → 3/5 × 10 = 6.00."""
    link = LinkedIndicator(
        code="hotline",
        name="响应时长",
        method="scale",
        points=D(5),
        params={"bands": [{"bound": "1", "points": "5"}, {"bound": "2", "points": "3"}], "otherwise": "0"},
    )
    targets = [t(1, "satisfaction", "response", "le", "1", "1.5", link=link)]
    result = ev.evaluate(amount=D("100"), spent=D("100"), targets=targets)
    assert points_of(result)["response"] == D("6.00")


def test_a_satisfaction_indicator_uses_the_targets_own_value():
    link = LinkedIndicator(code="sat", name="满意度", method="satisfaction", points=D(15), params={"target": "85"})
    targets = [t(1, "satisfaction", "sat", "ge", "90", "81", link=link)]
    result = ev.evaluate(amount=D("100"), spent=D("100"), targets=targets)
    assert points_of(result)["sat"] == D("9.00")  # 10 × 81/90, not 81/85


@pytest.mark.parametrize(
    ("total", "grade"),
    [
        (D("100"), "excellent"),
        (D("90.00"), "excellent"),
        (D("89.99"), "good"),
        (D("80.00"), "good"),
        (D("79.99"), "fair"),
        (D("60.00"), "fair"),
        (D("59.99"), "poor"),
        (D("0"), "poor"),
    ],
)
def test_grade_bands(total, grade):
    assert ev.grade_for(total) == grade


@pytest.mark.parametrize(
    ("weight", "own", "expected"),
    [
        (D(50), [None, None, None], [D("16.67"), D("16.67"), D("16.66")]),
        (D(30), [None, None, None], [D("10.00")] * 3),
        (D(10), [None] * 7, [D("1.43"), D("1.43"), D("1.43"), D("1.43"), D("1.43"), D("1.43"), D("1.42")]),
        (D(30), [D(20), None], [D(20), D("10.00")]),
        (D(30), [D(30)], [D(30)]),
    ],
)
def test_allocation_in_whole_cents(weight, own, expected):
    shares = ev.allocate(weight, own)
    assert shares == expected
    if any(w is None for w in own):
        assert sum(shares) == weight


@pytest.mark.parametrize(
    ("op", "value", "upper", "field"),
    [
        ("ge", "0", None, "value"),
        ("le", "-1", None, "value"),
        ("range", "5", None, "upper"),
        ("range", "5", "5", "upper"),
        ("ge", "5", "10", "upper"),
        ("gt", "5", None, "operator"),
    ],
)
def test_value_errors_name_the_field(op, value, upper, field):
    errors = ev.value_errors(op, D(value), D(upper) if upper else None)
    assert field in errors


def test_link_errors():
    grade = LinkedIndicator(code="g", name="g", method="grade", points=D(5))
    assert ev.link_errors("ge", D(1), grade)
    tiered = LinkedIndicator(code="t", name="t", method="tiered", points=D(5), challenge=D(90))
    assert ev.link_errors("ge", D(95), tiered)  # challenge below the target value
    assert ev.link_errors("ge", D(85), tiered) == []
    proportional = LinkedIndicator(code="p", name="p", method="proportional", points=D(5))
    assert ev.link_errors("eq", D(85), proportional)


# --- properties -----------------------------------------------------------------------------------------

DIMS = ["cost", "output", "effect", "satisfaction"]
decimals = st.decimals(min_value=D("0"), max_value=D("100000"), places=2, allow_nan=False, allow_infinity=False)


@st.composite
def target_inputs(draw, id_):
    op = draw(st.sampled_from(["ge", "le", "eq", "range"]))
    value = draw(decimals)
    if op == "ge":
        value = max(value, D("0.01"))
    upper = value + draw(st.decimals(min_value=D("0.01"), max_value=D("1000"), places=2)) if op == "range" else None
    actual = draw(st.one_of(st.none(), decimals))
    return TargetInput(
        id=id_,
        name=f"t{id_}",
        dimension=draw(st.sampled_from(DIMS)),
        operator=op,
        value=value,
        upper=upper,
        actual=actual,
        order=id_,
    )


@settings(max_examples=200, deadline=None)
@given(
    targets=st.lists(st.integers(min_value=1, max_value=10_000), min_size=1, max_size=15, unique=True).flatmap(
        lambda ids: st.tuples(*[target_inputs(i) for i in ids])
    ),
    amount=st.decimals(min_value=D("0.01"), max_value=D("100000000"), places=2),
    share=st.decimals(min_value=D("0"), max_value=D("1"), places=4),
)
def test_properties_total_is_the_sum_of_lines_within_bounds_and_repeatable(targets, amount, share):
    spent = (amount * share).quantize(D("0.01"))
    result = ev.evaluate(amount=amount, spent=spent, targets=list(targets))
    assert result.total == sum(line.points for line in result.lines)
    assert D(0) <= result.total <= D(100)
    for line in result.lines:
        assert D(0) <= line.points <= line.available
        assert line.points == line.points.quantize(D("0.01"))
    # Each group with targets hands out exactly its weight.
    for group, weight, _dims in Weights().groups():
        lines = [line for line in result.lines if line.group == group]
        if lines:
            assert sum(line.available for line in lines) == weight
    assert ev.evaluate(amount=amount, spent=spent, targets=list(targets)) == result
