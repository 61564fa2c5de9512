"""A department's total, ledger, grade and rank (docs/scoring.md) — pure, no database.

Department total = indicator scores (each with its own deductions, 扣完为止) + bonus events
(capped per rule and by the plan) − department-level deductions (capped per rule). A veto
(一票否决) sets the lowest grade whatever the total. Every step is a ledger line; the lines
sum exactly to the total because each is rounded half up when it is made.

The package, by step: ``ledger`` (what goes in and comes out), ``department`` (one department's
ledger), ``rescale`` (inputs left out), ``standing`` (grades and ranks).
"""

from .department import compute_department
from .ledger import ZERO, AssignmentIn, DeptResult, EventIn, Line, RuleIn, fmt_points
from .standing import HELD_CODE, Band, Standing, grade_and_rank

__all__ = [
    "HELD_CODE",
    "ZERO",
    "AssignmentIn",
    "Band",
    "DeptResult",
    "EventIn",
    "Line",
    "RuleIn",
    "Standing",
    "compute_department",
    "fmt_points",
    "grade_and_rank",
]
