"""Ex-ante assessments and third-party work packages, and what key evaluations share with them, as
one import (docs/budgets.md, sections 5–7). They live in services.exante (the ex-ante assessments),
services.work_packages (finance's assignments to evaluation firms) and services.appraisal_work
(the evaluator's scope, finance's review, notifications); key evaluations are in
services.key_evaluations, the score sheet both fill in services.appraisal_sheets.
"""

from .appraisal_work import (
    WORK_FIELDS,
    AssignmentClosed,
    NotAssigned,
    check_package_open,
    is_evaluator,
    latest_self_evaluation,
)
from .exante import (
    EXANTE_FIELDS,
    exante_block,
    exante_evidence_add,
    exante_problems,
    exante_required,
    exante_review,
    exante_save,
    exante_start,
    exante_submit,
    latest_concluded,
)
from .key_evaluations import KEY_FIELDS
from .work_packages import package_create, package_update

__all__ = [
    "EXANTE_FIELDS",
    "KEY_FIELDS",
    "WORK_FIELDS",
    "AssignmentClosed",
    "NotAssigned",
    "check_package_open",
    "exante_block",
    "exante_evidence_add",
    "exante_problems",
    "exante_required",
    "exante_review",
    "exante_save",
    "exante_start",
    "exante_submit",
    "is_evaluator",
    "latest_concluded",
    "latest_self_evaluation",
    "package_create",
    "package_update",
]
