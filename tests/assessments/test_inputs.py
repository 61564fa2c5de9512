"""Input states and what a score uses for them (assessments.inputs), and how the department's
ledger treats them (assessments.scoring): pure table and property tests."""

import datetime as dt
from decimal import Decimal as D

from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from assessments import inputs
from assessments.inputs import InputState
from assessments.scoring import HELD_CODE, AssignmentIn, grade_and_rank
from core.text import render
from indicators.scoring import Inputs, Spec

from .test_scoring_compose import BANDS, compute, event, rule

DEADLINE = dt.date(2026, 10, 10)


def value(qn=3, approved=None, filed=None, today=dt.date(2026, 10, 11), carry=False, policy="zero", exemption=None):
    return inputs.value_input(
        qn=qn,
        approved=approved or {},
        filed=filed or {},
        deadline=DEADLINE,
        today=today,
        carry_over=carry,
        policy=policy,
        exemption=exemption,
    )


def said(used) -> str:
    with translation.override("zh-hans"):
        return render(used.message, used.args)


def test_an_approved_value_is_used_as_it_is():
    assert value(approved={3: D("91.22")}) == (InputState.APPROVED, D("91.22"), None)


def test_a_filed_value_is_pending_and_scored_for_now_with_a_sentence():
    state, used_value, used = value(filed={3: D(80)}, approved={2: D("91.22")})
    assert (state, used_value) == (InputState.PENDING, D(80))
    assert not used.unscored and "80" in said(used) and "待审核" in said(used)


def test_an_earlier_quarter_is_never_used_without_the_indicators_rule():
    state, used_value, used = value(approved={2: D("91.22")})
    assert state == InputState.MISSING and used_value is None
    assert said(used) == "缺少第三季度数据：按本年规则计 0 分。"


def test_carried_over_only_by_the_indicators_rule_and_said():
    state, used_value, used = value(approved={1: D(50), 2: D("91.22")}, carry=True)
    assert (state, used_value) == (InputState.CARRIED_OVER, D("91.22"))
    assert "沿用第二季度数值 91.22" in said(used)


def test_nothing_filed_before_the_deadline_is_pending_and_left_out():
    state, used_value, used = value(today=DEADLINE)  # 23:59 on the deadline is still on time
    assert state == InputState.PENDING and used.excluded and used_value is None


def test_missing_follows_the_plans_policy():
    zero = value(policy="zero")[2]
    exclude = value(policy="exclude")[2]
    hold = value(policy="hold")[2]
    assert (zero.unscored, zero.excluded, zero.held) == (True, False, False)
    assert (exclude.excluded, exclude.held) == (True, False)
    assert (hold.excluded, hold.held) == (True, True)
    assert "折算" in said(exclude) and "暂缓" in said(hold)


def test_an_exemption_wins_over_every_other_state():
    state, used_value, used = value(approved={3: D(1)}, exemption="本年度无此项任务")
    assert state == InputState.NOT_APPLICABLE and used.excluded
    assert "本年度无此项任务" in said(used)


def test_an_ungraded_qualitative_indicator_is_pending_not_zero():
    state, used = inputs.grade_input(grade=None, exemption=None)
    assert state == InputState.PENDING and used.excluded
    assert inputs.grade_input(grade="A", exemption=None) == (InputState.APPROVED, None)


def test_survey_figures_by_sample_and_closing():
    common = {"minimum": 30, "policy": "zero", "exemption": None}
    assert inputs.satisfaction_input(value=D(88), respondents=56, final=True, surveyed=True, **common)[0] == "approved"
    running = inputs.satisfaction_input(value=D(88), respondents=56, final=False, surveyed=True, **common)
    assert running[:2] == (InputState.PENDING, D(88))
    short = inputs.satisfaction_input(value=None, respondents=20, final=False, surveyed=True, **common)
    assert short[0] == InputState.PENDING and short[2].excluded and "20" in said(short[2])
    closed_short = inputs.satisfaction_input(value=None, respondents=20, final=True, surveyed=True, **common)
    assert closed_short[0] == InputState.MISSING and "0 分" in said(closed_short[2])


def judged(
    i, points="10", actual="100", category="central", state=InputState.APPROVED, used=None, method="proportional"
):
    spec = Spec(method=method, direction="ge", points=D(points), basic=D(100) if method == "proportional" else None)
    return AssignmentIn(
        id=i,
        indicator_id=i,
        indicator_code=f"i{i}",
        indicator_name=f"指标{i}",
        category_code=category,
        category_name={"central": "中心工作", "party": "党的建设"}.get(category, category),
        spec=spec,
        inputs=Inputs(actual=D(actual) if actual is not None else None),
        state=state,
        used=used,
    )


PENDING = inputs.Used("not scored for now", excluded=True)


def test_a_left_out_input_scores_zero_and_its_category_is_rescaled():
    r = compute([judged(1, actual="80"), judged(2, actual=None, state=InputState.PENDING, used=PENDING)])
    lines = {ln.key: ln for ln in r.lines}
    assert lines["ind:1"].points == D(8) and lines["ind:2"].points == D(0)
    assert lines["rescale:central"].points == D(8)  # 8 of 10 counted → 16 of 20
    assert r.total == D(16) == sum(ln.points for ln in r.lines)
    assert r.provisional and r.inputs == {"approved": 1, "pending": 1}


def test_a_missing_input_under_the_zero_policy_counts_as_zero_without_rescaling():
    zero = value()[2]
    r = compute([judged(1, actual="80"), judged(2, actual=None, state=InputState.MISSING, used=zero)])
    assert r.total == D(8) and not any(ln.key.startswith("rescale") for ln in r.lines)
    assert r.provisional


def test_not_applicable_inputs_do_not_make_a_score_provisional():
    na = inputs.exempt("不适用")[2]
    r = compute([judged(1, actual="80"), judged(2, state=InputState.NOT_APPLICABLE, used=na)])
    assert r.total == D(16) and not r.provisional


def test_events_are_never_rescaled():
    left_out = judged(2, actual=None, state=InputState.PENDING, used=PENDING)
    plain = compute([judged(1, actual="80"), left_out])
    fined = compute([judged(1, actual="80"), left_out], [event(1, rule(1, "2"))])
    assert fined.total == plain.total - D(2)


def test_a_category_with_nothing_counted_is_spread_over_the_others():
    r = compute(
        [
            judged(1, actual="80"),
            judged(2, points="10", actual=None, category="party", state=InputState.PENDING, used=PENDING),
        ]
    )
    lines = {ln.key: ln for ln in r.lines}
    assert "rescale:party" not in lines and lines["rescale:total"].points == D(8)  # 8 of 10 → 16 of 20
    assert r.total == D(16)


def test_the_hold_policy_holds_the_grade_and_rank():
    hold = value(policy="hold")[2]
    held = compute([judged(1, actual="95"), judged(2, actual=None, state=InputState.MISSING, used=hold)])
    assert held.held
    standings = grade_and_rank({1: (1, held.total, False, True), 2: (1, D(50), False, False)}, BANDS, None)
    assert (standings[1].grade_code, standings[1].rank) == (HELD_CODE, None)
    assert standings[2].rank == 1


def test_a_vetoed_department_ranks_after_every_department_without_a_veto():
    totals = {1: (1, D(99), True), 2: (1, D(70), False), 3: (1, D(80), False), 4: (1, D(95), True)}
    s = grade_and_rank(totals, BANDS, None)
    assert [s[d].rank for d in (3, 2, 1, 4)] == [1, 2, 3, 4]  # vetoed ones among themselves by total
    assert s[1].grade_code == s[4].grade_code == "poor"
    out = grade_and_rank(totals, BANDS, None, veto_last=False)
    assert (out[1].rank, out[4].rank, out[3].rank, out[2].rank) == (None, None, 1, 2)


def test_the_veto_line_says_where_the_department_ranks():
    veto = rule(9, "0", effect="veto")
    with translation.override("zh-hans"):
        last = compute([judged(1)], [event(1, veto)]).lines[-1]
        assert "排在本组未被否决的部门之后" in render(last.message, last.args)


STATES = st.sampled_from(
    [
        (InputState.APPROVED, None),
        (InputState.PENDING, PENDING),
        (InputState.PENDING, inputs.Used("scored for now")),
        (InputState.MISSING, value()[2]),
        (InputState.MISSING, value(policy="exclude")[2]),
        (InputState.NOT_APPLICABLE, inputs.exempt("不适用")[2]),
        (InputState.CARRIED_OVER, inputs.Used("carried")),
    ]
)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            STATES,
            st.sampled_from(["central", "party", "safety"]),
            st.integers(min_value=1, max_value=20),
            st.integers(min_value=0, max_value=150),
        ),
        min_size=1,
        max_size=8,
    ),
    st.integers(min_value=0, max_value=3),
)
def test_any_mix_of_states_keeps_the_ledger_exact_and_within_the_points(rows, fines):
    assignments = [
        judged(i, points=str(p), actual=str(a), category=c, state=s, used=u)
        for i, ((s, u), c, p, a) in enumerate(rows, start=1)
    ]
    events = [event(j, rule(j, "1")) for j in range(1, fines + 1)]
    r = compute(assignments, events)
    assert r.total == sum(ln.points for ln in r.lines)
    assert D(0) <= r.total <= sum(a.spec.points for a in assignments)
    assert r.provisional == any(a.state in inputs.PROVISIONAL_STATES for a in assignments)
    assert sum(r.inputs.values()) == len(assignments)


def test_a_score_resting_on_less_than_half_its_points_is_held_not_extrapolated():
    """A department that has filed nothing must not look perfect: with less than half the points
    counting, nothing is rescaled and the score is held without grade or rank."""
    r = compute(
        [
            judged(1, points="10", method="deduction", actual=None, category="safety"),
            judged(2, points="90", actual=None, state=InputState.PENDING, used=PENDING),
        ]
    )
    assert r.held and r.total == D(10)
    assert not any(ln.key.startswith("rescale") for ln in r.lines)
    with translation.override("zh-hans"):
        held = next(ln for ln in r.lines if ln.key == "held:coverage")
        assert "10" in render(held.message, held.args) and "100" in render(held.message, held.args)
