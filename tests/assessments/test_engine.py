"""The recomputation's engine on plain rows, without a database (assessments.recompute.engine)."""

import datetime as dt
from decimal import Decimal as D

from assessments.recompute.engine import compute
from assessments.recompute.inputs import AssignmentRow, IndicatorRow, RunInputs
from indicators.scoring import Spec

YEAR = 2026
PERIODS = [("Q3", 3, dt.date(YEAR, 9, 30)), ("Q4", 4, dt.date(YEAR, 12, 31)), ("annual", 4, dt.date(YEAR, 12, 31))]
DEADLINES = {3: dt.date(YEAR, 10, 10), 4: dt.date(YEAR + 1, 1, 10)}


def row(pk, dept, method="proportional", points="10", basic="100", code=None):
    ind = IndicatorRow(pk, code or f"i{pk}", f"指标{pk}", 1, method, "ge", D(points), {}, "", "level")
    spec = Spec(method=method, direction="ge", points=D(points), basic=D(basic) if basic else None)
    return AssignmentRow(
        pk=pk,
        department_id=dept,
        indicator=ind,
        indicator_id=pk if method != "rank" else 99,
        method=method,
        spec=spec,
        planned=(None, D(25), D(50), D(75), D(100)),
        category_code="central",
        cumulative=False,
        category_name="中心工作",
    )


def run(assignments, approved=None, filed=None, today=dt.date(YEAR, 12, 3), **extra):
    return RunInputs(
        today=today,
        periods=PERIODS,
        deadlines=DEADLINES,
        policy="zero",
        veto_last=True,
        bonus_cap=None,
        assignments=assignments,
        departments={1: ("edu", 1), 2: ("water", 1)},
        approved=approved or {},
        filed=filed or {},
        exemptions={},
        grades={},
        overrides={},
        events={},
        **extra,
    )


def test_each_period_uses_its_own_quarter_and_the_year_reuses_the_fourth_quarter():
    results = compute(run([row(1, 1)], approved={1: {3: D(80), 4: D(90)}}, today=dt.date(YEAR + 1, 1, 20)))
    assert results[(1, "Q3")].total == D(8) and results[(1, "Q4")].total == D(9)
    assert results[(1, "annual")] is results[(1, "Q4")]  # identical inputs: the result is reused


def test_a_quarter_not_due_yet_leaves_its_inputs_out_and_the_department_held():
    results = compute(run([row(1, 1)], approved={1: {3: D(80)}}))
    q4 = results[(1, "Q4")]
    assert q4.held and q4.provisional and q4.inputs == {"pending": 1}


def test_ranks_are_judged_on_every_departments_own_inputs():
    pool = {99: [(1, 1, False), (2, 2, False)]}
    rows = [row(1, 1, method="rank", basic=None), row(2, 2, method="rank", basic=None)]
    results = compute(
        run(
            rows,
            approved={1: {3: D(5)}},
            filed={2: {3: D(7)}},  # filed, not yet approved: it counts for now, on both sides
            rank_pool=pool,
            rank_approved={1: {3: D(5)}},
            rank_filed={2: {3: D(7)}},
        )
    )
    edu, water = results[(1, "Q3")].lines[0], results[(2, "Q3")].lines[0]
    assert (edu.args["detail"]["args"]["rank"], edu.args["detail"]["args"]["of"]) == (2, 2)
    assert water.args["detail"]["args"]["rank"] == 1 and water.args["state"] == "pending"
