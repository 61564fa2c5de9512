"""Budget projects bound to performance targets (预算绩效, docs/budgets.md).

Money is stored in yuan with two decimals (239.63万元 = 2,396,300.00 yuan) and shown in 万元
where finance expects it; points are Decimal with two places.

One module per part of the cycle: the year's policy, projects with their target sheets, execution,
results (evaluations and recommendations), department-wide
spending performance, and disclosure decisions.
"""

from .adjustments import AdjustmentStatus, TargetAdjustment
from .appraisals import (
    EDITABLE_WORK,
    SUPPORTING,
    AppraisalEvidence,
    AssessorKind,
    Conclusion,
    ExAnteAssessment,
    ExAnteDimension,
    ExAnteLine,
    KeyDimension,
    KeyEvaluation,
    KeyLine,
    PackageKind,
    WorkPackage,
    WorkStatus,
)
from .department import (
    DepartmentDimension,
    DepartmentEvaluation,
    DepartmentSheet,
    DepartmentTarget,
    DepartmentWidePolicy,
)
from .disclosure import Disclosure, DisclosurePart
from .execution import SpendingRecord, Tranche
from .library import LibraryIndicator, Sector, SheetReview
from .policy import (
    MAX_AMOUNT,
    MAX_TEXT,
    MONEY,
    MONEY_VALIDATORS,
    POINTS,
    VALUE,
    YEAR_VALIDATORS,
    BudgetPolicy,
    _default_matrix,
    exante_weight_errors,
    key_weight_errors,
)
from .projects import BudgetProject, BudgetTarget, ProjectRevision, linked_indicator
from .reallocations import OPEN_REALLOCATION, Reallocation, ReallocationStatus
from .results import Evaluation, Recommendation

__all__ = [
    "EDITABLE_WORK",
    "SUPPORTING",
    "AppraisalEvidence",
    "AssessorKind",
    "Conclusion",
    "ExAnteAssessment",
    "ExAnteDimension",
    "ExAnteLine",
    "KeyDimension",
    "KeyEvaluation",
    "KeyLine",
    "PackageKind",
    "WorkPackage",
    "WorkStatus",
    "exante_weight_errors",
    "key_weight_errors",
    "AdjustmentStatus",
    "LibraryIndicator",
    "Sector",
    "SheetReview",
    "TargetAdjustment",
    "MAX_AMOUNT",
    "MAX_TEXT",
    "MONEY",
    "MONEY_VALIDATORS",
    "POINTS",
    "VALUE",
    "YEAR_VALIDATORS",
    "BudgetPolicy",
    "BudgetProject",
    "BudgetTarget",
    "DepartmentDimension",
    "DepartmentEvaluation",
    "DepartmentSheet",
    "DepartmentTarget",
    "DepartmentWidePolicy",
    "Disclosure",
    "DisclosurePart",
    "Evaluation",
    "ProjectRevision",
    "OPEN_REALLOCATION",
    "Reallocation",
    "ReallocationStatus",
    "Recommendation",
    "SpendingRecord",
    "Tranche",
    "_default_matrix",
    "linked_indicator",
]
