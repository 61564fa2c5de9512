"""The leader dashboard's panels: every department of the city (or of one ranking group)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.inputs import provisional_note
from assessments.models import Plan
from core.numbers import chart_number, q2, yuan_to_wan
from core.roles import P
from organizations.models import Department, RankingGroup
from satisfaction import selectors as survey_selectors

from .. import selectors
from ..tables import Column, Table, pct
from .common import (
    ACTION_LABELS,
    Panel,
    category_percents,
    hidden_note,
    mean,
    satisfaction_cells,
    satisfaction_columns,
    status_label,
)


@dataclass
class Scope:
    """The filters of a dashboard and the data several panels share (read once, when needed)."""

    user: object
    plan: Plan
    period: str
    group: RankingGroup | None = None
    department: Department | None = None
    today: dt.date = field(default_factory=timezone.localdate)

    @cached_property
    def categories(self):
        return selectors.top_categories(plan=self.plan)

    @cached_property
    def scores(self):
        return selectors.scores_of(plan=self.plan, period=self.period, group=self.group)

    @property
    def quarter(self) -> int:
        return int(self.period[1]) if self.period.startswith("Q") else 4

    @cached_property
    def survey(self):
        return selectors.main_survey(year=self.plan.year)

    @property
    def published_only(self) -> bool:
        # As on the survey results pages: only survey managers see groups below the minimum size.
        return not self.user.has_perm(P.MANAGE_SURVEY)


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


def progress(scope: Scope) -> Panel:
    """Planned against actual cumulative progress of one department's assignments, with the target line."""
    dept = scope.department
    if dept is None:
        return Panel("progress", _("Progress against plan"), "progress", {}, [], empty=_("Choose a department."))
    shown, rows = selectors.progress_of(plan=scope.plan, department=dept, quarter=scope.quarter)
    return progress_panel(dept, shown, rows)


def progress_panel(dept: Department, shown: int | None, rows: list[dict]) -> Panel:
    table = Table(
        "progress",
        _("%(department)s: planned and actual cumulative progress, Q%(quarter)s")
        % {"department": dept.name, "quarter": shown or "—"},
        [
            Column(_("Indicator")),
            Column(_("Category")),
            Column(_("Planned (percent)"), "pct"),
            Column(_("Actual (percent)"), "pct"),
            Column(_("Lag (percentage points)"), "points"),
            Column(_("Status")),
        ],
        [
            [
                r["indicator"].name,
                r["indicator"].category.name,
                r["planned"],
                r["actual"],
                r["lag"],
                status_label(r["status"]),
            ]
            for r in rows
        ]
        if shown
        else [],
    )
    return Panel(
        key="progress",
        title=_("Progress against plan"),
        chart="progress",
        data={
            "labels": [r["indicator"].name for r in rows],
            "planned": [chart_number(r["planned"]) for r in rows],
            "actual": [chart_number(r["actual"]) for r in rows],
            "status": [r["status"] for r in rows],
            "text": {
                "planned": _("Planned (target line)"),
                "actual": _("Actual"),
                "unit": _("percent"),
            },
        },
        tables=[table],
        empty=_("%(department)s has not reported yet.") % {"department": dept.name},
        note=_("Bars: actual cumulative progress; marks: the planned cumulative progress for the quarter."),
    )


def health(scope: Scope) -> Panel:
    data = selectors.health_of(plan=scope.plan, group=scope.group, today=scope.today)
    rows = []
    for q in data["quarters"]:
        t = data["totals"][q.pk]
        rows.append(
            [f"{q.code} ({q.deadline:%Y-%m-%d})", t["expected"], t["on_time"], t["late"], t["missing"], t["pending"]]
        )
    table = Table(
        "health",
        _("Reports per quarter: on time, late, missing"),
        [
            Column(_("Quarter (deadline)")),
            Column(_("Expected"), "int"),
            Column(_("On time"), "int"),
            Column(_("Late"), "int"),
            Column(_("Missing"), "int"),
            Column(_("Not yet due"), "int"),
        ],
        [r for r in rows if r[1]],
    )
    return Panel(
        key="health",
        title=_("Reporting health"),
        chart="health",
        data={
            "x": [q.code for q in data["quarters"]],
            "series": [
                {
                    "key": "on_time",
                    "name": _("On time"),
                    "values": [data["totals"][q.pk]["on_time"] for q in data["quarters"]],
                },
                {"key": "late", "name": _("Late"), "values": [data["totals"][q.pk]["late"] for q in data["quarters"]]},
                {
                    "key": "missing",
                    "name": _("Missing"),
                    "values": [data["totals"][q.pk]["missing"] for q in data["quarters"]],
                },
                {
                    "key": "pending",
                    "name": _("Not yet due"),
                    "values": [data["totals"][q.pk]["pending"] for q in data["quarters"]],
                },
            ],
            "text": {"y": _("Reports")},
        },
        tables=[table],
    )


def budget(scope: Scope) -> Panel:
    rows_raw = selectors.execution_by_department(year=scope.plan.year, group=scope.group)
    rows = [
        [
            r["department_name"],
            r["projects"],
            yuan_to_wan(r["amount"]),
            yuan_to_wan(r["spent"]),
            pct(r["spent"], r["amount"]),
        ]
        for r in rows_raw
    ]
    table = Table(
        "budget",
        _("Budget execution of approved projects, %(year)s") % {"year": scope.plan.year},
        [
            Column(_("Department")),
            Column(_("Projects"), "int"),
            Column(_("Budget (10k yuan)"), "wan"),
            Column(_("Spent (10k yuan)"), "wan"),
            Column(_("Execution rate (percent)"), "pct"),
        ],
        rows,
    )
    return Panel(
        key="budget",
        title=_("Budget execution"),
        chart="budget",
        data={
            "labels": [r[0] for r in rows],
            "amount": [chart_number(r[2]) for r in rows],
            "spent": [chart_number(r[3]) for r in rows],
            "rate": [chart_number(r[4]) for r in rows],
            "text": {
                "amount": _("Budget"),
                "spent": _("Spent"),
                "rate": _("Execution rate (percent)"),
                "money": _("10k yuan"),
            },
        },
        tables=[table],
        empty=_("No approved budget project in %(year)s.") % {"year": scope.plan.year},
    )


def recommendations(scope: Scope) -> Panel:
    year = scope.plan.year
    raw = {r["in_force"]: r for r in selectors.recommendations_by_action(year=year, group=scope.group)}
    order = ["priority", "maintain", "cut", "suspend", "flag"]
    rows = []
    for key in order:
        r = raw.get(key)
        if r is None:
            continue
        base = yuan_to_wan(r["base"] or 0)
        amount = None if key == "flag" else yuan_to_wan(r["amount"] or 0)
        rows.append(
            [
                str(ACTION_LABELS[key]),
                r["projects"],
                base,
                amount,
                None if amount is None else amount - base,
                r["undecided"],
            ]
        )
    table = Table(
        "recommendations",
        _("Budget recommendations for %(year)s by action") % {"year": year},
        [
            Column(_("Action")),
            Column(_("Projects"), "int"),
            Column(_("Previous amount (10k yuan)"), "wan"),
            Column(_("Recommended or decided (10k yuan)"), "wan"),
            Column(_("Change (10k yuan)"), "wan"),
            Column(_("Undecided"), "int"),
        ],
        rows,
    )
    return Panel(
        key="recommendations",
        title=_("Budget recommendations"),
        chart="recommendations",
        data={
            "labels": [r[0] for r in rows],
            "base": [chart_number(r[2]) for r in rows],
            "amount": [chart_number(r[3]) for r in rows],
            "projects": [r[1] for r in rows],
            "text": {
                "base": _("Previous amount"),
                "amount": _("Recommended or decided"),
                "money": _("10k yuan"),
            },
        },
        tables=[table],
        note=_(
            "From the evaluations of %(previous)s projects, for the %(year)s budget; "
            "finance's decisions replace the recommendations."
        )
        % {"previous": year - 1, "year": year},
        empty=_("No budget recommendation for %(year)s yet.") % {"year": year},
    )


def _satisfaction(scope: Scope, by: str) -> Panel:
    survey = scope.survey
    key = f"satisfaction_{by}"
    title = _("Satisfaction by area") if by == "area" else _("Satisfaction by region")
    if survey is None:
        return Panel(key, title, "satisfaction", {}, [], empty=_("No survey in %(year)s.") % {"year": scope.plan.year})
    results = survey_selectors.survey_results(survey=survey, by=by, published=scope.published_only)
    rows = [[r.label, *satisfaction_cells(r.estimate, r.hidden, r.insufficient)] for r in results]
    table = Table(
        key,
        f"{survey.title}: " + (_("results by area") if by == "area" else _("results by region")),
        satisfaction_columns(_("Area") if by == "area" else _("Region")),
        rows,
    )
    shown = [r for r in results if not r.insufficient and r.estimate.n]
    return Panel(
        key=key,
        title=title,
        chart="satisfaction",
        data={
            "labels": [r.label for r in shown],
            "rate": [chart_number(r.estimate.rate) for r in shown],
            "low": [chart_number(r.estimate.rate_low) for r in shown],
            "high": [chart_number(r.estimate.rate_high) for r in shown],
            "score": [chart_number(r.estimate.score) for r in shown],
            "text": {
                "rate": _("Satisfaction rate (percent)"),
                "interval": _("95 percent interval"),
                "score": _("Score"),
            },
        },
        tables=[table],
        note=hidden_note(survey_selectors.min_group_size()) if scope.published_only else "",
        empty=_("No answers yet."),
    )


def satisfaction_area(scope: Scope) -> Panel:
    return _satisfaction(scope, "area")


def satisfaction_region(scope: Scope) -> Panel:
    return _satisfaction(scope, "region")


# key → (builder, the permission needed to see it)
PANELS = {
    "radar": (radar, P.READ_ALL_SCORES),
    "heatmap": (heatmap, P.READ_ALL_SCORES),
    "rankings": (rankings, P.READ_ALL_SCORES),
    "trend": (trend, P.READ_ALL_SCORES),
    "progress": (progress, P.READ_ALL_REPORTS),
    "health": (health, P.READ_REPORTING_HEALTH),
    "budget": (budget, P.READ_ALL_BUDGETS),
    "recommendations": (recommendations, P.READ_ALL_BUDGETS),
    "satisfaction_area": (satisfaction_area, P.READ_SURVEY_RESULTS),
    "satisfaction_region": (satisfaction_region, P.READ_SURVEY_RESULTS),
}


def panels_for(scope: Scope, keys: list[str] | None = None) -> list[Panel]:
    out = []
    for key, (build, perm) in PANELS.items():
        if keys is not None and key not in keys:
            continue
        if scope.user.has_perm(perm):
            out.append(build(scope))
    return out
