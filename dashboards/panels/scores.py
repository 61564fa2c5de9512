"""The leader dashboard's score panels: radar, heatmap, rankings and trend."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.utils.translation import gettext as _

from assessments.inputs import provisional_note
from core.numbers import chart_number, q2

from .. import selectors
from ..tables import Column, Table
from .common import (
    Panel,
    category_percents,
    mean,
)
from .scope import Scope


def radar(scope: Scope) -> Panel:
    """A radar per department: categories as axes, score as percent of points, with the group average."""
    cats = scope.categories
    percents = {s.department_id: category_percents(s) for s in scope.scores}
    by_group = defaultdict(list)
    for s in scope.scores:
        by_group[s.group_id].append(s.department_id)
    averages = {
        gid: {c.code: mean(percents[d].get(c.code) for d in ids) for c in cats} for gid, ids in by_group.items()
    }
    items, rows = [], []
    for s in scope.scores:
        own, avg = percents[s.department_id], averages[s.group_id]
        items.append(
            {
                "name": s.department.name,
                "values": [chart_number(own.get(c.code)) for c in cats],
                "average": [chart_number(avg.get(c.code)) for c in cats],
            }
        )
        by_code = {c["code"]: c for c in s.categories}
        for c in cats:
            cell = by_code.get(c.code)
            rows.append(
                [
                    s.department.name,
                    s.group.name if s.group else "",
                    c.name,
                    Decimal(str(cell["score"])) if cell else None,
                    Decimal(str(cell["points"])) if cell else c.points,
                    own.get(c.code),
                    avg.get(c.code),
                ]
            )
    table = Table(
        "radar",
        _("Category scores as percent of points, with the group average"),
        [
            Column(_("Department")),
            Column(_("Ranking group")),
            Column(_("Category")),
            Column(_("Score"), "points"),
            Column(_("Points"), "points"),
            Column(_("Percent of points"), "pct"),
            Column(_("Group average (percent)"), "pct"),
        ],
        rows,
    )
    return Panel(
        key="radar",
        title=_("Category profile of each department"),
        chart="radar",
        data={
            "indicators": [{"name": c.name, "max": 100} for c in cats],
            "items": items,
            "text": {"own": _("Department"), "average": _("Group average"), "unit": _("percent of points")},
        },
        tables=[table],
        charts=[s.department.name for s in scope.scores],
        note=_("Each axis is a top-level category; the value is the score as a percent of the category's points."),
        wide=True,
    )


def heatmap(scope: Scope) -> Panel:
    """Departments × categories. A cell resting on inputs not yet approved (or left out) is drawn
    grey and hatched, never as a red zero (docs/scoring.md)."""
    cats = scope.categories
    percents = [category_percents(s) for s in scope.scores]
    data, provisional = [], []
    for y, (s, own) in enumerate(zip(scope.scores, percents, strict=True)):
        open_cats = s.category_states or {}
        for x, c in enumerate(cats):
            if c.code in open_cats:
                provisional.append([x, y, chart_number(own.get(c.code))])
            elif own.get(c.code) is not None:
                data.append([x, y, chart_number(own[c.code])])
    rows = [
        [
            s.department.name,
            *[own.get(c.code) for c in cats],
            s.total,
            provisional_note(s),
        ]
        for s, own in zip(scope.scores, percents, strict=True)
    ]
    table = Table(
        "heatmap",
        _("Departments by category: score as percent of points"),
        [
            Column(_("Department")),
            *[Column(c.name, "pct") for c in cats],
            Column(_("Total"), "points"),
            Column(_("Provisional")),
        ],
        rows,
    )
    return Panel(
        key="heatmap",
        title=_("Heat map of departments and categories"),
        chart="heatmap",
        data={
            "x": [c.name for c in cats],
            "y": [s.department.name for s in scope.scores],
            "values": data,
            "provisional": provisional,
            "text": {
                "unit": _("percent of points"),
                "low": _("low"),
                "high": _("high"),
                "provisional": _("Provisional: rests on inputs not yet approved"),
            },
        },
        tables=[table],
        note=_("Grey hatched cells are provisional: some of their inputs are pending, missing or left out."),
        wide=True,
    )


def rankings(scope: Scope) -> Panel:
    groups: dict = {}
    for s in scope.scores:
        g = groups.setdefault(s.group_id, {"name": s.group.name if s.group else _("No group"), "rows": []})
        g["rows"].append(s)
    items = [
        {
            "name": g["name"],
            "departments": [s.department.name for s in g["rows"]],
            "totals": [chart_number(s.total) for s in g["rows"]],
            "ranks": [s.rank for s in g["rows"]],
            "grades": [s.grade_label for s in g["rows"]],
            "provisional": [s.provisional for s in g["rows"]],
        }
        for g in groups.values()
    ]
    rows = [
        [
            s.group.name if s.group else "",
            s.rank,
            s.department.name,
            s.total,
            s.grade_label,
            _("yes") if s.vetoed else "",
            _("published") if s.published else _("not published"),
            provisional_note(s),
        ]
        for s in scope.scores
    ]
    table = Table(
        "rankings",
        _("Rankings within each group"),
        [
            Column(_("Ranking group")),
            Column(_("Rank"), "int"),
            Column(_("Department")),
            Column(_("Total"), "points"),
            Column(_("Grade")),
            Column(_("Vetoed")),
            Column(_("Publication")),
            Column(_("Provisional")),
        ],
        rows,
    )
    return Panel(
        key="rankings",
        title=_("Rankings per group"),
        chart="ranking",
        data={
            "items": items,
            "text": {
                "total": _("Total"),
                "rank": _("Rank"),
                "provisional": _("Provisional: rests on inputs not yet approved"),
            },
        },
        tables=[table],
        charts=[g["name"] for g in groups.values()],
        note=_("Grey hatched bars marked * are provisional: they rest on inputs not yet approved."),
        wide=True,
    )


def trend(scope: Scope) -> Panel:
    """Totals by quarter: the group averages (and the city's), or each department of the chosen group."""
    rows_raw = selectors.quarter_totals(plans=[scope.plan])
    names = {s.department_id: s.department.name for s in scope.scores}
    group_names = {g.pk: g.name for g in selectors.groups_list()}
    by = defaultdict(lambda: defaultdict(list))
    for r in rows_raw:
        if r["period"] not in selectors.QUARTERS:
            continue
        if scope.group is not None:
            if r["group_id"] == scope.group.pk and r["department_id"] in names:
                by[names[r["department_id"]]][r["period"]].append(r["total"])
        else:
            by[group_names.get(r["group_id"], _("No group"))][r["period"]].append(r["total"])
            by[_("City average")][r["period"]].append(r["total"])
    if scope.group is not None:
        names_in_order = [s.department.name for s in scope.scores]
    else:
        names_in_order = [name for name in group_names.values() if name in by] + [
            name for name in by if name not in group_names.values()
        ]
    series = [[name, *[_avg2(by[name].get(q)) for q in selectors.QUARTERS]] for name in names_in_order if name in by]
    table = Table(
        "trend",
        _("Totals by quarter") if scope.group else _("Average totals by quarter"),
        [
            Column(_("Department") if scope.group else _("Ranking group")),
            *[Column(q, "points") for q in selectors.QUARTERS],
        ],
        series,
    )
    return Panel(
        key="trend",
        title=_("Trend of totals by quarter"),
        chart="trend",
        data={
            "x": list(selectors.QUARTERS),
            "series": [{"name": s[0], "values": [chart_number(v) for v in s[1:]]} for s in series],
            "text": {"y": _("Total")},
        },
        tables=[table],
    )


def _avg2(values) -> Decimal | None:
    if not values:
        return None
    return q2(sum(values, Decimal(0)) / len(values))
