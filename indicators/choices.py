"""Choice lists of the indicator library (docs/scoring.md)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Method(models.TextChoices):
    THRESHOLD = "threshold", _("Threshold (target met or not)")
    PROPORTIONAL = "proportional", _("Proportional")
    TIERED = "tiered", _("Basic and challenge targets")
    DEDUCTION = "deduction", _("Deduction")
    SCALE = "scale", _("Scale bands")
    GRADE = "grade", _("Qualitative grade")
    SATISFACTION = "satisfaction", _("Satisfaction")
    PER_UNIT = "per_unit", _("Per unit of shortfall")
    RANK = "rank", _("Rank among departments")


class Direction(models.TextChoices):
    GE = "ge", "≥"
    LE = "le", "≤"
    EQ = "eq", "="
    RANGE = "range", _("range")
    BOOL = "bool", _("yes/no")


class Kind(models.TextChoices):
    QUANTITATIVE = "quantitative", _("Quantitative")
    QUALITATIVE = "qualitative", _("Qualitative")
    PROCESS = "process", _("Process")


class ValueType(models.TextChoices):
    """How a reported value accumulates over the year.

    cumulative (累计值): counts, amounts, tasks done; a quarter's target is the annual target times
    the plan's cumulative progress for that quarter. level (时点值): rates, averages, levels; the
    annual target applies in every quarter.
    """

    CUMULATIVE = "cumulative", _("Cumulative over the year")
    LEVEL = "level", _("Level at the time")


class Applicability(models.TextChoices):
    COMMON = "common", _("Common (every department)")
    INDIVIDUAL = "individual", _("Individual (named departments)")


class BudgetDimension(models.TextChoices):
    COST = "cost", _("Cost")
    OUTPUT = "output", _("Output")
    EFFECT = "effect", _("Effect")
    SATISFACTION = "satisfaction", _("Satisfaction")


class BudgetSubdimension(models.TextChoices):
    QUANTITY = "quantity", _("Quantity")
    QUALITY = "quality", _("Quality")
    TIMELINESS = "timeliness", _("Timeliness")
    ECONOMIC = "economic", _("Economic")
    SOCIAL = "social", _("Social")
    ECOLOGICAL = "ecological", _("Ecological")
    SUSTAINABLE = "sustainable", _("Sustainable")
    COST = "cost", _("Cost")
    SATISFACTION = "satisfaction", _("Satisfaction")


# Which sub-dimensions belong to which dimension (预算绩效目标: 成本/产出/效益/满意度).
SUBDIMENSIONS = {
    BudgetDimension.COST: {
        BudgetSubdimension.COST,
        BudgetSubdimension.ECONOMIC,
        BudgetSubdimension.SOCIAL,
        BudgetSubdimension.ECOLOGICAL,
    },
    BudgetDimension.OUTPUT: {BudgetSubdimension.QUANTITY, BudgetSubdimension.QUALITY, BudgetSubdimension.TIMELINESS},
    BudgetDimension.EFFECT: {
        BudgetSubdimension.ECONOMIC,
        BudgetSubdimension.SOCIAL,
        BudgetSubdimension.ECOLOGICAL,
        BudgetSubdimension.SUSTAINABLE,
    },
    BudgetDimension.SATISFACTION: {BudgetSubdimension.SATISFACTION},
}


class RuleKind(models.TextChoices):
    DEDUCTION = "deduction", pgettext_lazy("rule kind", "Deduction")
    BONUS = "bonus", pgettext_lazy("rule kind", "Bonus")


class RuleScope(models.TextChoices):
    INDICATOR = "indicator", _("Indicator")
    DEPARTMENT = "department", _("Department")


class RuleEffect(models.TextChoices):
    POINTS = "points", _("Points per occurrence")
    TO_ZERO = "to_zero", _("Indicator scores zero")
    VETO = "veto", _("Veto (lowest grade)")


class LibraryStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("In force")
    ARCHIVED = "archived", _("Archived")
