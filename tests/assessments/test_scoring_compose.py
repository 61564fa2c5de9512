"""Department totals, ledgers, grades and ranks (assessments.scoring) — pure table and property tests."""

import datetime as dt
from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from assessments.scoring import AssignmentIn, Band, EventIn, RuleIn, compute_department, grade_and_rank
from indicators.scoring import Inputs, Spec

BANDS = [
    Band("excellent", "优秀", D(90)),
    Band("good", "良好", D(80)),
    Band("fair", "一般", D(60)),
    Band("poor", "较差", D(0)),
]


def assignment(i, points="10", method="proportional", basic="100", actual="100", category="central"):
    spec = Spec(method=method, direction="ge", points=D(points), basic=D(basic) if basic else None)
    return AssignmentIn(
        id=i,
        indicator_id=i,
        indicator_code=f"i{i}",
        indicator_name=f"指标{i}",
        category_code=category,
        spec=spec,
        inputs=Inputs(actual=D(actual) if actual else None),
    )


def rule(rid, points="2", cap=None, kind="deduction", scope="department", effect="points", indicator=None):
    return RuleIn(
        id=rid,
        code=f"r{rid}",
        name=f"规则{rid}",
        kind=kind,
        scope=scope,
        effect=effect,
        points=D(points),
        cap=D(cap) if cap else None,
        indicator_id=indicator,
    )


def event(eid, r, n=1, day=1):
    return EventIn(id=eid, rule=r, date=dt.date(2026, 5, day), occurrences=n)


def compute(assignments, events=(), bonus_cap=None):
    return compute_department(
        department_id=1,
        group_id=1,
        assignments=list(assignments),
        events=list(events),
        bonus_cap=D(bonus_cap) if bonus_cap else None,
    )


def test_ledger_sums_exactly_to_the_total():
    r = compute([assignment(1, actual="50"), assignment(2, points="15", actual="33.333")], [event(1, rule(1, "1.5"))])
    assert r.total == sum(ln.points for ln in r.lines)
    assert r.total == D("5.00") + D("5.00") - D("1.50")


def test_one_accident_lowers_the_indicator_by_exactly_the_rule():
    safe = assignment(7, points="5", method="deduction", basic=None, actual=None, category="safety")
    r = compute([safe], [event(1, rule(1, "2", scope="indicator", indicator=7))])
    assert r.total == D(3)
    line = [ln for ln in r.lines if ln.kind == "deduction"][0]
    assert line.points == D(-2) and line.key == "evt:1"


def test_deductions_beyond_the_points_stop_at_zero():
    """扣完为止: three accidents × 2 on a 5-point indicator take 5, and the ledger says so."""
    safe = assignment(7, points="5", method="deduction", basic=None, actual=None, category="safety")
    r = compute([safe], [event(1, rule(1, "2", scope="indicator", indicator=7), n=3)])
    assert r.total == 0
    floor = [ln for ln in r.lines if ln.key == "floor:7"]
    assert floor and floor[0].points == D(1) and floor[0].kind == "cap"


def test_a_rule_cap_limits_what_its_events_take():
    r1 = rule(1, "1", cap="3")
    r = compute([assignment(1)], [event(1, r1, n=2, day=1), event(2, r1, n=2, day=2)])
    assert r.total == D(10) - D(3)
    cap = [ln for ln in r.lines if ln.key == "cap:evt:2"]
    assert cap[0].points == D(1)  # the second event's 2 points, 1 over the cap


def test_to_zero_resets_the_indicator():
    safe = assignment(7, points="5", method="deduction", basic=None, actual=None, category="safety")
    r = compute([safe], [event(1, rule(1, "0", scope="indicator", indicator=7, effect="to_zero"))])
    assert r.total == 0 and [ln.points for ln in r.lines] == [D(5), D(-5)]


def test_bonus_capped_by_the_plan():
    award = rule(2, "1", cap="5", kind="bonus")
    r = compute([assignment(1)], [event(1, award, n=4)], bonus_cap="3")
    assert r.total == D(13)
    assert [ln for ln in r.lines if ln.key == "cap:bonus"][0].points == D(-1)


def test_department_total_never_below_zero():
    r = compute([assignment(1, actual="10")], [event(1, rule(1, "5"), n=3)])
    assert r.total == 0


def test_veto_forces_the_lowest_grade_whatever_the_total():
    r = compute([assignment(1, points="100")], [event(1, rule(9, "0", effect="veto"))])
    assert r.vetoed and r.total == D(100)
    standing = grade_and_rank({1: (1, r.total, True)}, BANDS, None)
    assert standing[1].grade_code == "poor"


def test_grade_band_edges():
    totals = {
        1: (1, D("90.00"), False),
        2: (1, D("89.99"), False),
        3: (1, D("60.00"), False),
        4: (1, D("59.99"), False),
    }
    s = grade_and_rank(totals, BANDS, None)
    assert [s[i].grade_code for i in (1, 2, 3, 4)] == ["excellent", "good", "fair", "poor"]


def test_competition_ranks_within_groups():
    totals = {
        1: (1, D(95), False),
        2: (1, D(90), False),
        3: (1, D(90), False),
        4: (1, D(70), False),
        5: (2, D(50), False),
    }
    s = grade_and_rank(totals, BANDS, None)
    assert [s[i].rank for i in (1, 2, 3, 4, 5)] == [1, 2, 2, 4, 1]


def test_top_grade_share_cap_moves_the_rest_down_and_says_why():
    totals = {i: (1, D(100 - i), False) for i in range(1, 6)}  # five departments all ≥ 90
    s = grade_and_rank(totals, BANDS, D(40))  # at most 40 % of 5 = 2 may be 优秀
    assert [s[i].grade_code for i in range(1, 6)] == ["excellent", "excellent", "good", "good", "good"]
    assert s[3].extra_lines and s[3].extra_lines[0].points == 0
    assert not s[1].extra_lines


def test_a_tie_at_the_share_limit_moves_both_down():
    totals = {
        1: (1, D(98), False),
        2: (1, D(95), False),
        3: (1, D(95), False),
        4: (1, D(70), False),
        5: (1, D(60), False),
    }
    s = grade_and_rank(totals, BANDS, D(40))  # 2 allowed; ranks 1, 2, 2: the tie would make 3
    assert [s[i].grade_code for i in (1, 2, 3)] == ["excellent", "good", "good"]


amounts = st.decimals(min_value=D("0.5"), max_value=D("5"), places=1)


@st.composite
def departments(draw):
    assignments = [
        assignment(i, points=str(draw(st.integers(1, 20))), actual=str(draw(st.integers(0, 150))))
        for i in range(1, draw(st.integers(1, 5)) + 1)
    ]
    safe = assignment(99, points="5", method="deduction", basic=None, actual=None, category="safety")
    rules = [
        rule(1, str(draw(amounts)), scope="indicator", indicator=99, cap=draw(st.sampled_from([None, "3"]))),
        rule(2, str(draw(amounts)), cap=draw(st.sampled_from([None, "2"]))),
        rule(3, str(draw(amounts)), kind="bonus", cap="2"),
    ]
    events = [
        event(i, draw(st.sampled_from(rules)), n=draw(st.integers(1, 3)), day=draw(st.integers(1, 28)))
        for i in range(1, draw(st.integers(0, 6)) + 1)
    ]
    return [*assignments, safe], events


@settings(max_examples=200, deadline=None)
@given(departments())
def test_properties_ledger_sums_and_same_inputs_same_result(dept):
    assignments, events = dept
    first = compute(assignments, events, bonus_cap="3")
    assert first.total == sum(ln.points for ln in first.lines)
    assert first.total >= 0
    for a in assignments:  # each indicator (with its own deductions) stays within 0 and its points
        subtotal = sum(ln.points for ln in first.lines if ln.indicator_id == a.indicator_id)
        assert 0 <= subtotal <= a.spec.points
    again = compute(assignments, events, bonus_cap="3")
    assert [(ln.key, ln.points) for ln in again.lines] == [(ln.key, ln.points) for ln in first.lines]


@settings(max_examples=200, deadline=None)
@given(departments(), st.integers(1, 3), amounts)
def test_property_adding_a_deduction_never_raises_the_total(dept, n, points):
    assignments, events = dept
    before = compute(assignments, events, bonus_cap="3").total
    extra = event(1000, rule(50, str(points)), n=n, day=28)
    after = compute(assignments, [*events, extra], bonus_cap="3").total
    assert after <= before
