"""Writes of budget performance management. Each is atomic, validated and audited.

The department that asks for money writes the targets (谁申请预算,谁编制目标); finance reviews
them, records execution and year-end values, evaluates and turns results into next year's
recommendations (docs/budgets.md).
"""

from .adjustments import adjustment_approve, adjustment_request, adjustment_return
from .appraisal_work import AssignmentClosed, NotAssigned, latest_self_evaluation
from .common import PROJECT_FIELDS, TARGET_FIELDS, sheet_snapshot
from .department import (
    department_policy_save,
    department_sheet_approve,
    department_sheet_create,
    department_sheet_return,
    department_sheet_submit,
    department_target_delete,
    department_target_save,
)
from .department_evaluations import (
    department_actuals_record,
    department_evaluation_compute,
    department_evaluation_confirm,
    department_evaluation_publish,
)
from .disclosure import disclosure_set
from .evaluations import evaluation_compute, evaluation_confirm, evaluation_publish, missing_actuals
from .exante import (
    exante_block,
    exante_evidence_add,
    exante_problems,
    exante_required,
    exante_review,
    exante_save,
    exante_start,
    exante_submit,
)
from .execution import (
    actuals_record,
    spending_record,
    tranche_conditions,
    tranche_create,
    tranche_release,
    tranches_pause,
    tranches_pause_many,
    tranches_resume,
)
from .key_evaluations import key_evidence_add, key_problems, key_review, key_save, key_start, key_submit
from .library import library_indicator_retire, library_indicator_save, retired_choice_error, sheet_grade
from .reallocations import reallocation_approve, reallocation_request, reallocation_resubmit, reallocation_return
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
from .work_packages import package_create, package_update

__all__ = [
    "AssignmentClosed",
    "NotAssigned",
    "exante_block",
    "exante_evidence_add",
    "exante_problems",
    "exante_required",
    "exante_review",
    "exante_save",
    "exante_start",
    "exante_submit",
    "key_evidence_add",
    "key_problems",
    "key_review",
    "key_save",
    "key_start",
    "key_submit",
    "latest_self_evaluation",
    "package_create",
    "package_update",
    "adjustment_approve",
    "adjustment_request",
    "adjustment_return",
    "library_indicator_retire",
    "library_indicator_save",
    "retired_choice_error",
    "sheet_grade",
    "PROJECT_FIELDS",
    "TARGET_FIELDS",
    "actuals_record",
    "department_actuals_record",
    "department_evaluation_compute",
    "department_evaluation_confirm",
    "department_evaluation_publish",
    "department_policy_save",
    "department_sheet_approve",
    "department_sheet_create",
    "department_sheet_return",
    "department_sheet_submit",
    "department_target_delete",
    "department_target_save",
    "disclosure_set",
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
    "reallocation_approve",
    "reallocation_request",
    "reallocation_resubmit",
    "reallocation_return",
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
    "tranches_pause",
    "tranches_pause_many",
    "tranches_resume",
]
