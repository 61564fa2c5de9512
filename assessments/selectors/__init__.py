"""Reads of plans, reports, scores and appeals — each scoped to what the user may see.

One module per concern; callers (this app, the dashboards and budgets) use ``assessments.selectors``.
"""

from .crosscheck import crosscheck
from .plans import current_plan, current_quarter, default_period, plan_get, plans_list
from .reports import (
    HEALTH_STATES,
    dashboard_for_department,
    entries_for_report,
    report_get_for_user,
    reporting_health,
    reports_for_user,
    review_next,
    review_queue,
)
from .scores import (
    EVENT_STATUSES,
    SCORE_LIST_FIELDS,
    ScoreRow,
    annual_grades,
    appeals_for_user,
    events_for_user,
    ledger_of,
    previous_totals,
    publication_of,
    score_get_for_user,
    score_outlook,
    score_rows,
    scores_for_user,
)

__all__ = [
    "EVENT_STATUSES",
    "HEALTH_STATES",
    "SCORE_LIST_FIELDS",
    "ScoreRow",
    "annual_grades",
    "appeals_for_user",
    "crosscheck",
    "current_plan",
    "current_quarter",
    "dashboard_for_department",
    "default_period",
    "entries_for_report",
    "events_for_user",
    "ledger_of",
    "plan_get",
    "plans_list",
    "previous_totals",
    "publication_of",
    "report_get_for_user",
    "reporting_health",
    "reports_for_user",
    "review_next",
    "review_queue",
    "score_get_for_user",
    "score_outlook",
    "score_rows",
    "scores_for_user",
]
