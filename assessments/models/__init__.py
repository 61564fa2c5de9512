from .plan import Assignment, MissingPolicy, Plan, Quarter, VetoRanking
from .reports import Entry, EntryReview, Evidence, Report, ReportRevision, ReportStatus
from .scores import (
    Appeal,
    Exemption,
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
    "Exemption",
    "Evidence",
    "GradeAssessment",
    "LedgerLine",
    "MissingPolicy",
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
    "VetoRanking",
]
