"""Method parameters are validated per method, with messages on the right field."""

from decimal import Decimal as D

import pytest

from indicators.methods import validate_method


def check(method, direction="ge", points="10", basic="100", challenge=None, upper=None, params=None):
    return validate_method(
        method=method,
        direction=direction,
        points=D(points) if points is not None else None,
        basic_target=D(basic) if basic is not None else None,
        challenge_target=D(challenge) if challenge is not None else None,
        range_upper=D(upper) if upper is not None else None,
        params=params or {},
    )


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"method": "tiered", "basic": "90", "challenge": "90"}, "challenge_target"),
        ({"method": "tiered", "basic": "90", "challenge": "80"}, "challenge_target"),
        ({"method": "tiered", "direction": "le", "basic": "5", "challenge": "6"}, "challenge_target"),
        ({"method": "tiered", "basic": "90"}, "challenge_target"),
        ({"method": "tiered", "basic": "90", "challenge": "100", "params": {"basic_share": "1.5"}}, "params"),
        ({"method": "proportional", "basic": None}, "basic_target"),
        ({"method": "proportional", "basic": "0"}, "basic_target"),
        ({"method": "proportional", "direction": "eq"}, "direction"),
        ({"method": "threshold", "direction": "range", "basic": "5", "upper": "5"}, "range_upper"),
        (
            {
                "method": "scale",
                "direction": "le",
                "params": {"bands": [{"bound": "2", "points": "3"}, {"bound": "1", "points": "5"}]},
            },
            "params",
        ),
        (
            {
                "method": "scale",
                "direction": "ge",
                "params": {"bands": [{"bound": "1", "points": "3"}, {"bound": "2", "points": "5"}]},
            },
            "params",
        ),
        ({"method": "scale", "params": {"bands": []}}, "params"),
        ({"method": "scale", "direction": "le", "params": {"bands": [{"bound": "1", "points": "11"}]}}, "params"),
        ({"method": "grade", "params": {"grades": {"A": "120"}}}, "params"),
        ({"method": "per_unit", "direction": "le", "params": {"per_unit": "0"}}, "params"),
        ({"method": "per_unit", "direction": "le", "params": {}}, "params"),
        ({"method": "rank", "params": {"shares": ["50", "60"]}}, "params"),
        ({"method": "satisfaction", "params": {"scope": "area"}}, "params"),
        ({"method": "satisfaction", "params": {"target": "120"}}, "params"),
        ({"method": "threshold", "points": "0"}, "points"),
        ({"method": "nonsense"}, "method"),
    ],
)
def test_invalid_combinations_name_the_field(kwargs, field):
    _params, errors = check(**kwargs)
    assert field in errors, errors
    assert all(isinstance(m, str) and m for m in errors[field])


@pytest.mark.parametrize(
    "kwargs",
    [
        {"method": "threshold"},
        {"method": "threshold", "direction": "bool", "basic": None},
        {"method": "threshold", "direction": "range", "basic": "5", "upper": "8"},
        {"method": "proportional", "direction": "le", "basic": "35"},
        {"method": "tiered", "basic": "90", "challenge": "100"},
        {"method": "tiered", "direction": "le", "basic": "6", "challenge": "5"},
        {"method": "deduction", "basic": None},
        {
            "method": "scale",
            "direction": "le",
            "basic": None,
            "params": {"bands": [{"bound": "1", "points": "5"}, {"bound": "2", "points": "3"}], "otherwise": "0"},
        },
        {"method": "grade", "basic": None},
        {"method": "satisfaction", "basic": None, "params": {"scope": "department", "target": "85"}},
        {"method": "per_unit", "direction": "le", "basic": "45", "params": {"per_unit": "0.5"}},
        {"method": "rank", "basic": None},
    ],
)
def test_valid_combinations_pass(kwargs):
    _params, errors = check(**kwargs)
    assert errors == {}


def test_defaults_are_filled_in():
    params, _ = check("tiered", basic="90", challenge="100")
    assert params == {"basic_share": "0.8"}
    params, _ = check("grade", basic=None)
    assert params["grades"] == {"A": "100", "B": "80", "C": "60", "D": "40"}
    params, _ = check("rank", basic=None)
    assert params["shares"] == ["60", "57", "54", "51", "48"]
