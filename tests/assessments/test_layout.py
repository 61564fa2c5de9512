"""Layouts that do not break: buttons and dates on one line, a fall in score written once with its sign."""

import re

from .test_scores import scored  # noqa: F401  (the scored fixture)


def test_plan_and_grades_keep_buttons_and_dates_on_one_line(scored, client_for):  # noqa: F811
    supervisor = client_for("supervisor")
    plan = supervisor.get(f"/assessments/plans/{scored.year}/").content.decode()
    saves = re.findall(r'value="quarter-\d+"\s*class="([^"]+)">保存</button>', plan)
    assert len(saves) == 4 and all("text-nowrap" in c for c in saves)
    assert 'class="d-flex gap-1 pg-quarter-form"' in plan  # the date input gets its full width
    closes = re.findall(r'<td class="text-nowrap">\d{4}-\d{2}-\d{2}</td>', plan)
    assert len(closes) == 4
    grades = supervisor.get("/assessments/grades/").content.decode()
    assert re.search(r'class="btn btn-sm btn-outline-primary text-nowrap">保存</button>', grades)


def test_a_fall_in_score_has_one_minus_and_colour(scored, client_for, monkeypatch):  # noqa: F811
    from decimal import Decimal

    # the totals compared with are 7.26 points above this year's for every department
    monkeypatch.setattr(
        "assessments.views.scores.selectors.previous_totals",
        lambda *, plan, period: {s.department_id: s.total + Decimal("7.26") for s in plan.scores.filter(period=period)},
    )
    html = client_for("supervisor").get(f"/assessments/scores/?year={scored.year}&period=annual").content.decode()
    assert "▼ 7.26" in html and "▼ -" not in html
    assert re.search(r'<td class="num pg-negative"\s*data-value="-7.26">\s*▼ 7.26', html)
