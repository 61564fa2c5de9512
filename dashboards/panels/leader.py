"""The leader dashboard's panels: every department of the city (or of one ranking group).

The panels live by subject (``scores``, ``reporting``, ``budget``, ``surveys``); this module says which
the dashboard shows, in which order, and who may see each.
"""

from __future__ import annotations

from core.roles import P

from .budget import budget, recommendations
from .common import Panel
from .reporting import health, progress
from .scope import Scope
from .scores import heatmap, radar, rankings, trend
from .surveys import satisfaction_area, satisfaction_region

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
