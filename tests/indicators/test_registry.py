"""The registry of scoring methods: one module per method, each declaring all it knows."""

from __future__ import annotations

from decimal import Decimal

from indicators.choices import Method
from indicators.methods import NEEDS_TARGET, REGISTRY, REPORTED, InputKind, method_of, methods_with
from indicators.methods.base import Inputs, Spec


def test_every_method_choice_has_exactly_one_module():
    assert set(REGISTRY) == set(Method.values)
    assert all(REGISTRY[code].code == code for code in REGISTRY)


def test_the_derived_sets_follow_the_declarations():
    assert {
        Method.THRESHOLD,
        Method.PROPORTIONAL,
        Method.TIERED,
        Method.SCALE,
        Method.PER_UNIT,
        Method.RANK,
    } == REPORTED
    assert {Method.THRESHOLD, Method.PROPORTIONAL, Method.TIERED, Method.PER_UNIT} == NEEDS_TARGET
    assert methods_with(InputKind.GRADE) == {Method.GRADE}
    assert methods_with(InputKind.EVENTS) == {Method.DEDUCTION}
    assert methods_with(InputKind.SURVEY) == {Method.SATISFACTION}
    assert methods_with(InputKind.RANKED_VALUE) == {Method.RANK}


def test_each_method_scores_within_its_points_and_describes_itself():
    inputs = Inputs(actual=Decimal(90), grade="B", rank=2, rank_of=5, satisfaction=Decimal(88))
    params = {
        Method.TIERED: {"basic_share": "0.8"},
        Method.SCALE: {"bands": [{"bound": "95", "points": "10"}, {"bound": "85", "points": "6"}], "otherwise": "0"},
        Method.PER_UNIT: {"per_unit": "0.5"},
        Method.SATISFACTION: {"target": "90"},
    }
    for code, method in REGISTRY.items():
        direction = sorted(method.directions)[0] if code != Method.SCALE else "ge"
        spec = Spec(
            code, direction, Decimal(10), basic=Decimal(95), challenge=Decimal(100), params=params.get(code, {})
        )
        result = method_of(code).score(spec, inputs)
        assert Decimal(0) <= result.points <= Decimal(10), code
        assert method.describe(spec), code
