from .plan import Assignment, Plan, Quarter
from .reports import Entry, EntryReview, Evidence, Report, ReportRevision, ReportStatus
from .scores import (
    Appeal,
    GradeAssessment,
    LedgerLine,
    Publication,
    RecomputeRequest,
    Score,
    ScoreEvent,
    ScoreOverride,
    ScoreRevision,
)

__all__ = [
    "Appeal",
    "Assignment",
    "Entry",
    "EntryReview",
    "Evidence",
    "GradeAssessment",
    "LedgerLine",
    "Plan",
    "Publication",
    "Quarter",
    "RecomputeRequest",
    "Report",
    "ReportRevision",
    "ReportStatus",
    "Score",
    "ScoreEvent",
    "ScoreOverride",
    "ScoreRevision",
]
