"""The leader dashboard's budget panels: execution and next year's recommendations."""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.numbers import chart_number, yuan_to_wan

from .. import selectors
from ..tables import Column, Table, pct
from .common import (
    ACTION_LABELS,
    Panel,
)
from .scope import Scope


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
