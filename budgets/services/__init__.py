"""Writes of budget performance management. Each is atomic, validated and audited.

The department that asks for money writes the targets (谁申请预算,谁编制目标); finance reviews
them, records execution and year-end values, evaluates and turns results into next year's
recommendations (docs/budgets.md).
"""

from .adjustments import adjustment_approve, adjustment_request, adjustment_return
from .common import PROJECT_FIELDS, TARGET_FIELDS, sheet_snapshot
from .evaluations import evaluation_compute, evaluation_confirm, evaluation_publish, missing_actuals
from .execution import (
    actuals_record,
    spending_record,
    tranche_conditions,
    tranche_create,
    tranche_release,
)
from .library import sheet_grade
from .results import policy_save, recommendation_decide, recommendations_generate
from .sheets import (
    next_code,
    project_approve,
    project_create,
    project_return,
    project_submit,
    project_update,
    sheet_problems,
    target_delete,
    target_save,
)

__all__ = [
    "adjustment_approve",
    "adjustment_request",
    "adjustment_return",
    "sheet_grade",
    "PROJECT_FIELDS",
    "TARGET_FIELDS",
    "actuals_record",
    "evaluation_compute",
    "evaluation_confirm",
    "evaluation_publish",
    "missing_actuals",
    "next_code",
    "policy_save",
    "project_approve",
    "project_create",
    "project_return",
    "project_submit",
    "project_update",
    "recommendation_decide",
    "recommendations_generate",
    "sheet_problems",
    "sheet_snapshot",
    "spending_record",
    "target_delete",
    "target_save",
    "tranche_conditions",
    "tranche_create",
    "tranche_release",
]
