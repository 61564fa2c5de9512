"""The unusual-value test on plain values (assessments/outliers.py)."""

from decimal import Decimal as D

from assessments.outliers import MIN_SAMPLE, THRESHOLD, judge, modified_z

HISTORY = [D(90), D(92), D(95), D(91), D(93)]  # median 92, MAD 1
PEERS = [D(88), D(90), D(91), D(92), D(94), D(96)]  # median 91.5, MAD 2


def test_modified_z_uses_the_median_and_the_median_absolute_deviation():
    c = modified_z(D(100), HISTORY)
    assert c.median == D(92) and c.n == 5
    assert c.z == D("5.40")  # 0.6745 × (100 − 92) ÷ 1
    assert modified_z(D(84), HISTORY).z == D("-5.40")


def test_one_odd_value_in_the_sample_does_not_move_the_yardstick():
    # A mean and standard deviation would be dragged by 900; the median and MAD are not.
    assert modified_z(D(110), [*HISTORY[:4], D(900)]).z > THRESHOLD  # 0.6745 × 18 ÷ 2


def test_the_threshold_is_3_5_and_exclusive():
    # 0.6745 × d ÷ 1 = 3.5 exactly is impossible in two places; just below and above it.
    assert not modified_z(D("97.18"), HISTORY).far  # z = 3.49
    assert modified_z(D("97.20"), HISTORY).far  # z = 3.51


def test_too_short_a_history_is_not_judged():
    assert MIN_SAMPLE == 5
    assert modified_z(D(1000), HISTORY[:4]) is None
    assert modified_z(D(1000), [*HISTORY[:4], None]) is None


def test_a_sample_without_spread_is_not_judged():
    assert modified_z(D(101), [D(100)] * 6) is None
    assert modified_z(D(101), [D(100), D(100), D(100), D(200), D(300)]) is None  # MAD 0


def test_unusual_only_when_far_from_its_history_and_its_peers():
    assert judge(D(140), own=HISTORY, peers=PEERS).unusual
    # Far from its own history but in line with its peers: not unusual
    assert not judge(D(97), own=HISTORY, peers=[D(95), D(96), D(97), D(98), D(99)]).unusual
    # In line with its history but far from its peers: not unusual
    assert not judge(D(92), own=HISTORY, peers=[D(10), D(12), D(11), D(13), D(9)]).unusual


def test_one_comparison_suffices_when_the_other_cannot_be_made():
    assert judge(D(140), own=HISTORY[:2], peers=PEERS).unusual
    assert judge(D(140), own=HISTORY, peers=[]).unusual
    assert not judge(D(140), own=[], peers=[]).unusual
    assert not judge(None, own=HISTORY, peers=PEERS).unusual


def test_the_verdict_keeps_what_reviewers_see():
    v = judge(D(140), own=HISTORY, peers=PEERS)
    assert v.as_dict() == {
        "own": {"z": "32.38", "median": "92.0000", "n": 5},
        "peers": {"z": "16.36", "median": "91.5000", "n": 6},
    }
