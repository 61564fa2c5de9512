"""The leader dashboard's satisfaction panels, by area and by region."""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.numbers import chart_number
from satisfaction import selectors as survey_selectors

from ..tables import Table
from .common import (
    Panel,
    hidden_note,
    satisfaction_cells,
    satisfaction_columns,
)
from .scope import Scope


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
