"""Choice lists of budget performance management (docs/budgets.md).

The four dimensions and their sub-dimensions are the indicator library's
(``indicators.choices.BudgetDimension`` / ``BudgetSubdimension`` / ``SUBDIMENSIONS``),
so a budget target and a library indicator speak of the same dimension.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from indicators.choices import SUBDIMENSIONS, BudgetDimension, BudgetSubdimension, Direction

__all__ = [
    "SUBDIMENSIONS",
    "BudgetDimension",
    "BudgetSubdimension",
    "Operator",
    "ProjectStatus",
    "FundingSource",
    "ProjectCategory",
    "TrancheStatus",
    "RevisionKind",
    "Action",
    "RecommendationKind",
    "RecommendationStatus",
    "FlagReason",
    "GRADES",
    "DEPARTMENT_GRADES",
    "DEFAULT_SUBDIMENSION",
]


class Operator(models.TextChoices):
    """How a target's value is read; the values are the library's directions, so scoring shares them."""

    GE = Direction.GE.value, "≥"
    LE = Direction.LE.value, "≤"
    EQ = Direction.EQ.value, "="
    RANGE = Direction.RANGE.value, _("range")


class ProjectStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Approved")


class EvaluationStatus(models.TextChoices):
    """A self-evaluation: computed (draft), confirmed by finance, then published (公开) as a step of its own."""

    DRAFT = "draft", _("Draft")
    CONFIRMED = "confirmed", _("Confirmed by finance")
    PUBLISHED = "published", _("Published")


# The department may change its sheet only in these states (谁申请预算,谁编制目标).
EDITABLE_STATUSES = frozenset({ProjectStatus.DRAFT, ProjectStatus.RETURNED})


class FundingSource(models.TextChoices):
    GENERAL = "general", _("General public budget")
    FUND = "fund", _("Government fund budget")
    STATE_CAPITAL = "state_capital", _("State capital operations budget")
    TRANSFER = "transfer", _("Special transfer from higher government")
    OTHER = "other", _("Other funds")


class ProjectCategory(models.TextChoices):
    LIVELIHOOD = "livelihood", _("Public livelihood")
    OPERATIONAL = "operational", _("Special operations")
    CONSTRUCTION = "construction", _("Capital construction")
    INDUSTRY = "industry", _("Industry development")
    OTHER = "other", _("Other")


class TrancheStatus(models.TextChoices):
    OPEN = "open", _("Open")
    HELD = "held", _("Held back")
    RELEASED = "released", _("Released")


class RevisionKind(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Approved")
    CHANGED = "changed", _("Changed")
    ADJUSTED = "adjusted", _("Revised mid-year")


class Action(models.TextChoices):
    """Next year's budget action (结果运用)."""

    PRIORITY = "priority", _("Priority (increase)")
    MAINTAIN = "maintain", _("Maintain")
    CUT = "cut", _("Cut")
    SUSPEND = "suspend", _("Suspend")


class RecommendationKind(models.TextChoices):
    RECOMMENDATION = "recommendation", _("Recommendation")
    FLAG = "flag", _("Flag")


class RecommendationStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACCEPTED = "accepted", _("Accepted")
    OVERRIDDEN = "overridden", _("Overridden")


class FlagReason(models.TextChoices):
    NO_TARGETS = "no_targets", _("Asked for money but set no performance targets")
    NOT_EVALUATED = "not_evaluated", _("Not evaluated")


# Project evaluation grades (优 ≥ 90, 良 ≥ 80, 中 ≥ 60, 差 < 60), best first.
GRADES = (
    ("excellent", _("Excellent (优)")),
    ("good", _("Good (良)")),
    ("fair", _("Fair (中)")),
    ("poor", _("Poor (差)")),
)

# The department's annual assessment grade (assessments app); "none" when there is none (yet).
DEPARTMENT_GRADES = (
    ("excellent", _("Excellent")),
    ("good", _("Good")),
    ("fair", _("Fair")),
    ("poor", _("Poor")),
    ("none", _("No assessment grade")),
)

# A dimension whose sub-dimension goes without saying when none is given.
DEFAULT_SUBDIMENSION = {
    BudgetDimension.COST: BudgetSubdimension.COST,
    BudgetDimension.SATISFACTION: BudgetSubdimension.SATISFACTION,
}
