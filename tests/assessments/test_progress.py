"""Status colour, progress and lag of an entry (docs/domain.md §3, Lag)."""

from decimal import Decimal as D

import pytest

from assessments.progress import compute, is_lagging


def run(actual, planned="50", basic="300", direction="ge", value_type="cumulative", completion=None, final=False):
    return compute(
        direction=direction,
        value_type=value_type,
        basic=D(basic) if basic else None,
        upper=None,
        actual=D(actual) if actual is not None else None,
        completion_pct=D(completion) if completion is not None else None,
        planned_pct=D(planned),
        final_quarter=final,
    )


@pytest.mark.parametrize(
    ("actual", "colour", "lag"),
    [
        ("150", "on_track", "0.00"),  # exactly the plan
        ("142.5", "on_track", "2.50"),  # 95 % of plan: the band's bound is on track
        ("142.2", "behind", "2.60"),
        ("120", "behind", "10.00"),  # 80 % of plan: behind, not at risk
        ("119.9", "at_risk", "10.03"),
        ("300", "achieved", "-50.00"),  # the annual target met
        ("0", "at_risk", "50.00"),
    ],
)
def test_status_colour_bands(actual, colour, lag):
    p = run(actual)
    assert p.colour == colour
    assert p.lag == D(lag)


def test_no_value_is_not_reported():
    assert run(None).colour == "none"


def test_level_indicators_compare_with_the_annual_target_every_quarter():
    p = run("85.5", planned="100", basic="90", value_type="level")
    assert p.progress_pct == D("95.00") and p.colour == "on_track"


def test_at_most_targets_use_the_quarter_allowance():
    # 2800 a year, half the year allowed 1400; 1500 so far is 93.3 % of plan: behind
    p = run("1500", planned="50", basic="2800", direction="le")
    assert p.colour == "behind"
    assert run("1300", planned="50", basic="2800", direction="le").colour == "on_track"
    assert run("2700", planned="100", basic="2800", direction="le", final=True).colour == "achieved"


def test_completion_percentage_without_a_numeric_target():
    p = run(None, planned="75", basic=None, completion="60")
    assert p.progress_pct == D("60.00") and p.lag == D("15.00") and p.colour == "behind"  # 60 ÷ 75 = 80 %


@pytest.mark.parametrize(
    ("lag", "warns"), [("19.99", False), ("20", True), ("20.00", True), ("35", True), (None, False)]
)
def test_lag_threshold_includes_the_bound(lag, warns):
    """ "滞后 20% 以上" includes the bound: exactly 20 points warns."""
    assert is_lagging(D(lag) if lag else None, D(20)) is warns
