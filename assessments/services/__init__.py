"""Every write of the assessments app. Keyword-only, atomic, validated and audited."""

from .appeals import appeal_decide, appeal_file
from .entries import entry_save, evidence_add, evidence_remove, report_open
from .events import event_record, event_void, exemption_grant, exemption_revoke, grade_assessment_set
from .plan import (
    assign_all,
    assignment_save,
    plan_create,
    plan_update,
    quarter_reopen,
    quarter_update,
)
from .reports import report_head_return, report_signoff, report_submit, report_withdraw
from .review import entry_review, report_approve, report_return, report_review_complete
from .urge import reports_urge

__all__ = [
    "reports_urge",
    "report_withdraw",
    "appeal_decide",
    "appeal_file",
    "assign_all",
    "assignment_save",
    "entry_review",
    "entry_save",
    "event_record",
    "event_void",
    "exemption_grant",
    "exemption_revoke",
    "evidence_add",
    "evidence_remove",
    "grade_assessment_set",
    "plan_create",
    "plan_update",
    "quarter_reopen",
    "quarter_update",
    "report_approve",
    "report_head_return",
    "report_open",
    "report_return",
    "report_review_complete",
    "report_signoff",
    "report_submit",
]
