"""The leader dashboard's reporting panels: one department's progress against plan, and the
reporting health of every department."""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.numbers import chart_number
from organizations.models import Department

from .. import selectors
from ..tables import Column, Table
from .common import (
    Panel,
    status_label,
)
from .scope import Scope


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
