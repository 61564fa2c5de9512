"""The department view's panels: one department, with the previous year beside the chosen one."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import Plan
from core.numbers import chart_number, yuan_to_wan
from core.roles import DEPARTMENT_ROLES, P, acts_for
from organizations.models import Department
from satisfaction.selectors import min_group_size

from .. import selectors
from ..tables import Column, Table, pct
from .common import (
    GRADE_LABELS,
    Panel,
    category_percents,
    category_scores,
    health_label,
    hidden_note,
    satisfaction_cells,
    satisfaction_columns,
)
from .reporting import progress_panel


@dataclass
class DepartmentScope:
    user: object
    department: Department
    plan: Plan
    previous: Plan | None
    period: str
    today: dt.date = field(default_factory=timezone.localdate)

    @property
    def year(self) -> int:
        return self.plan.year

    @property
    def last_year(self) -> int:
        return self.plan.year - 1

    @property
    def quarter(self) -> int:
        return int(self.period[1]) if self.period.startswith("Q") else 4

    @property
    def own(self) -> bool:
        return self.user.role in DEPARTMENT_ROLES

    def may(self, all_perm: str, own_perm: str) -> bool:
        if self.own:
            return acts_for(self.user, self.department.pk, own_perm)
        return self.user.has_perm(all_perm)

    @cached_property
    def categories(self):
        return selectors.top_categories(plan=self.plan)

    @cached_property
    def score(self):
        return selectors.score_for(year=self.year, period=self.period, department=self.department)

    @cached_property
    def previous_score(self):
        """Last year's score of the same period (annual against annual, Q2 against Q2)."""
        return selectors.score_for(year=self.last_year, period=self.period, department=self.department)


def radar(scope: DepartmentScope) -> Panel:
    cats = scope.categories
    this = category_percents(scope.score) if scope.score else {}
    last = category_percents(scope.previous_score) if scope.previous_score else {}
    this_raw = category_scores(scope.score) if scope.score else {}
    last_raw = category_scores(scope.previous_score) if scope.previous_score else {}
    rows = []
    for c in cats:
        t, p = this_raw.get(c.code), last_raw.get(c.code)
        rows.append(
            [
                c.name,
                Decimal(str(t["points"])) if t else c.points,
                Decimal(str(t["score"])) if t else None,
                this.get(c.code),
                Decimal(str(p["score"])) if p else None,
                last.get(c.code),
            ]
        )
    year, last_year = str(scope.year), str(scope.last_year)
    table = Table(
        "radar",
        _("Category scores, %(period)s: %(year)s and %(last)s")
        % {"period": _period(scope.period), "year": year, "last": last_year},
        [
            Column(_("Category")),
            Column(_("Points"), "points"),
            Column(_("Score %(year)s") % {"year": year}, "points"),
            Column(_("Percent of points %(year)s") % {"year": year}, "pct"),
            Column(_("Score %(year)s") % {"year": last_year}, "points"),
            Column(_("Percent of points %(year)s") % {"year": last_year}, "pct"),
        ],
        rows if scope.score or scope.previous_score else [],
    )
    series = [{"name": year, "values": [chart_number(this.get(c.code)) for c in cats]}]
    if scope.previous_score:
        series.append({"name": last_year, "values": [chart_number(last.get(c.code)) for c in cats]})
    return Panel(
        key="radar",
        title=_("Category profile, this year and last year"),
        chart="radar2",
        data={
            "indicators": [{"name": c.name, "max": 100} for c in cats],
            "series": series,
            "text": {"unit": _("percent of points")},
        },
        tables=[table],
        empty=_("No score yet for %(period)s.") % {"period": _period(scope.period)},
    )


def _period(period: str) -> str:
    return _("Annual") if period == "annual" else period


def trend(scope: DepartmentScope) -> Panel:
    plans = [scope.plan] + ([scope.previous] if scope.previous else [])
    raw = selectors.quarter_totals(plans=plans, department=scope.department)
    by = {(r["plan__year"], r["period"]): r["total"] for r in raw}
    periods = [*selectors.QUARTERS, "annual"]
    years = [scope.year] + ([scope.last_year] if scope.previous else [])
    rows = [[_period(p), *[by.get((y, p)) for y in years]] for p in periods]
    table = Table(
        "trend",
        _("Totals by quarter, %(year)s and %(last)s") % {"year": scope.year, "last": scope.last_year},
        [Column(_("Period")), *[Column(str(y), "points") for y in years]],
        rows if by else [],
    )
    return Panel(
        key="trend",
        title=_("Totals by quarter, both years"),
        chart="trend",
        data={
            "x": list(selectors.QUARTERS),
            "series": [
                {"name": str(y), "values": [chart_number(by.get((y, q))) for q in selectors.QUARTERS]} for y in years
            ],
            "text": {"y": _("Total")},
        },
        tables=[table],
        empty=_("No score yet."),
    )


def progress(scope: DepartmentScope) -> Panel:
    shown, rows = selectors.progress_of(plan=scope.plan, department=scope.department, quarter=scope.quarter)
    return progress_panel(scope.department, shown, rows)


def health(scope: DepartmentScope) -> Panel:
    plans = [scope.plan] + ([scope.previous] if scope.previous else [])
    cells_by_year = {}
    for plan in plans:
        data = selectors.health_of(plan=plan, today=scope.today)
        by_number = {q.number: data["cells"].get(scope.department.pk, {}).get(q.pk) for q in data["quarters"]}
        cells_by_year[plan.year] = by_number
    years = [p.year for p in plans]
    rows = [[f"Q{n}", *[health_label(cells_by_year[y].get(n)) for y in years]] for n in (1, 2, 3, 4)]
    chronological = sorted(years)
    kinds = ["on_time", "late", "missing", "pending"]
    labels = {k: str(health_label(k)) for k in kinds}
    series = [
        {
            "key": k,
            "name": labels[k],
            "values": [sum(1 for c in cells_by_year[y].values() if c == k) for y in chronological],
        }
        for k in kinds
    ]
    table = Table(
        "health",
        _("Quarterly reports of %(department)s") % {"department": scope.department.name},
        [Column(_("Quarter")), *[Column(str(y)) for y in years]],
        rows,
    )
    return Panel(
        key="health",
        title=_("Reporting health, both years"),
        chart="health",
        data={"x": [str(y) for y in chronological], "series": series, "text": {"y": _("Reports")}},
        tables=[table],
    )


def budget(scope: DepartmentScope) -> Panel:
    projects = selectors.approved_projects(years=[scope.year, scope.last_year], department=scope.department)
    rows = [
        [
            p.year,
            p.name,
            yuan_to_wan(p.amount),
            yuan_to_wan(p.spent_total or 0),
            pct(p.spent_total or 0, p.amount),
            p.eval_total,
            str(GRADE_LABELS.get(p.eval_grade, "")) if p.eval_grade else None,
        ]
        for p in projects
    ]
    totals = {}
    for p in projects:
        t = totals.setdefault(p.year, [Decimal(0), Decimal(0)])
        t[0] += p.amount
        t[1] += p.spent_total or 0
    years = [scope.last_year, scope.year]
    table = Table(
        "budget",
        _("Approved budget projects of %(department)s") % {"department": scope.department.name},
        [
            Column(_("Year"), "int"),
            Column(_("Project")),
            Column(_("Budget (10k yuan)"), "wan"),
            Column(_("Spent (10k yuan)"), "wan"),
            Column(_("Execution rate (percent)"), "pct"),
            Column(_("Evaluation score"), "points"),
            Column(_("Evaluation grade")),
        ],
        rows,
    )
    return Panel(
        key="budget",
        title=_("Budget execution, both years"),
        chart="budget",
        data={
            "labels": [str(y) for y in years],
            "amount": [chart_number(yuan_to_wan(totals[y][0])) if y in totals else None for y in years],
            "spent": [chart_number(yuan_to_wan(totals[y][1])) if y in totals else None for y in years],
            "rate": [chart_number(pct(totals[y][1], totals[y][0])) if y in totals else None for y in years],
            "text": {
                "amount": _("Budget"),
                "spent": _("Spent"),
                "rate": _("Execution rate (percent)"),
                "money": _("10k yuan"),
            },
        },
        tables=[table],
        empty=_("No approved budget project in %(last)s or %(year)s.") % {"last": scope.last_year, "year": scope.year},
    )


def satisfaction(scope: DepartmentScope) -> Panel:
    results = selectors.department_satisfaction(department=scope.department, years=[scope.year, scope.last_year])
    rows = [[r["label"], *satisfaction_cells(r["estimate"], r["hidden"])] for r in results]
    shown = [r for r in results if not r["hidden"]]
    return Panel(
        key="satisfaction",
        title=_("Satisfaction with the department, both years"),
        chart="satisfaction",
        data={
            "labels": [r["label"] for r in shown],
            "rate": [chart_number(r["estimate"].rate) for r in shown],
            "low": [chart_number(r["estimate"].rate_low) for r in shown],
            "high": [chart_number(r["estimate"].rate_high) for r in shown],
            "score": [chart_number(r["estimate"].score) for r in shown],
            "text": {
                "rate": _("Satisfaction rate (percent)"),
                "interval": _("95 percent interval"),
                "score": _("Score"),
            },
        },
        tables=[
            Table(
                "satisfaction",
                _("Residents' rating of %(department)s") % {"department": scope.department.name},
                satisfaction_columns(_("Survey")),
                rows,
            )
        ],
        note=hidden_note(min_group_size()),
        empty=_("No survey question rates this department."),
    )


# key → (builder, permission for leaders, permission for the department's own users)
PANELS = {
    "radar": (radar, P.READ_ALL_SCORES, P.READ_OWN_SCORES),
    "trend": (trend, P.READ_ALL_SCORES, P.READ_OWN_SCORES),
    "progress": (progress, P.READ_ALL_REPORTS, P.READ_OWN_REPORTS),
    "health": (health, P.READ_ALL_REPORTS, P.READ_OWN_REPORTS),
    "budget": (budget, P.READ_ALL_BUDGETS, P.READ_OWN_BUDGETS),
    "satisfaction": (satisfaction, P.READ_ALL_SCORES, P.READ_OWN_SCORES),
}


def panels_for(scope: DepartmentScope, keys: list[str] | None = None) -> list[Panel]:
    out = []
    for key, (build, all_perm, own_perm) in PANELS.items():
        if keys is not None and key not in keys:
            continue
        if scope.may(all_perm, own_perm):
            out.append(build(scope))
    return out
