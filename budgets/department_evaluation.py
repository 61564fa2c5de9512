"""Department-wide spending performance (部门整体支出绩效), scored with the project rules.

A department's whole budget has a target sheet of its own with six dimensions — 运行成本,
管理效率, 履职产出, 社会效应, 可持续发展, 服务对象满意度 — and a line for the budget execution
rate, each with a weight set per year (docs/budgets.md, section 5). ``DepartmentWeights`` has the
shape the project scoring expects (``groups()``, ``group_of()``, ``execution``), so
``budgets.evaluation.evaluate`` scores the sheet unchanged: the same sharing of a group's points
in whole cents, the same target scoring, rounding and grade bands. Nothing is scored twice over.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from core.text import Text

from . import evaluation as ev

ZERO = Decimal(0)


class DepartmentDimension(models.TextChoices):
    """The six dimensions of a department-wide target sheet, in ledger order."""

    RUNNING_COST = "running_cost", _("Running cost")
    MANAGEMENT = "management", _("Management efficiency")
    OUTPUT = "output", _("Duty output")
    EFFECT = "effect", _("Social effect")
    SUSTAINABILITY = "sustainability", _("Sustainable development")
    SATISFACTION = "satisfaction", _("Satisfaction of those served")


# Field name on DepartmentWidePolicy → dimension; "execution" is the budget execution rate line.
WEIGHT_FIELDS = {
    "execution": "weight_execution",
    DepartmentDimension.RUNNING_COST.value: "weight_running_cost",
    DepartmentDimension.MANAGEMENT.value: "weight_management",
    DepartmentDimension.OUTPUT.value: "weight_output",
    DepartmentDimension.EFFECT.value: "weight_effect",
    DepartmentDimension.SUSTAINABILITY.value: "weight_sustainability",
    DepartmentDimension.SATISFACTION.value: "weight_satisfaction",
}

DEFAULT_WEIGHTS = {
    "execution": Decimal(10),
    DepartmentDimension.RUNNING_COST.value: Decimal(10),
    DepartmentDimension.MANAGEMENT.value: Decimal(15),
    DepartmentDimension.OUTPUT.value: Decimal(30),
    DepartmentDimension.EFFECT.value: Decimal(15),
    DepartmentDimension.SUSTAINABILITY.value: Decimal(10),
    DepartmentDimension.SATISFACTION.value: Decimal(10),
}


@dataclass(frozen=True)
class DepartmentWeights:
    """A year's department-wide weights in points; they add up to 100."""

    execution: Decimal = DEFAULT_WEIGHTS["execution"]
    running_cost: Decimal = DEFAULT_WEIGHTS["running_cost"]
    management: Decimal = DEFAULT_WEIGHTS["management"]
    output: Decimal = DEFAULT_WEIGHTS["output"]
    effect: Decimal = DEFAULT_WEIGHTS["effect"]
    sustainability: Decimal = DEFAULT_WEIGHTS["sustainability"]
    satisfaction: Decimal = DEFAULT_WEIGHTS["satisfaction"]

    @property
    def total(self) -> Decimal:
        return sum((getattr(self, k) for k in WEIGHT_FIELDS), ZERO)

    def groups(self) -> list[tuple[str, Decimal, tuple[str, ...]]]:
        """(group, weight, dimensions scored in it): one group per dimension, in ledger order."""
        return [(d, getattr(self, d), (d,)) for d in DepartmentDimension.values]

    def group_of(self, dimension: str) -> str:
        if dimension not in DepartmentDimension.values:
            raise KeyError(dimension)
        return dimension

    def as_json(self) -> dict:
        return {k: str(getattr(self, k)) for k in WEIGHT_FIELDS}


def dimension_label(code: str) -> str:
    return str(DepartmentDimension(code).label) if code in DepartmentDimension.values else code


def weight_errors(weights: DepartmentWeights, targets: Sequence[ev.TargetInput]) -> list[Text]:
    """The targets' own weights against their dimension's weight (as for a project's groups)."""
    problems = []
    for group, weight, dims in weights.groups():
        members = [t for t in targets if t.dimension in dims]
        own = [t.weight for t in members if t.weight is not None]
        if not own:
            continue
        fixed = sum(own, ZERO)
        args = {"group_label": dimension_label(group), "sum": ev._num(fixed), "weight": ev._num(weight)}
        if len(own) == len(members) and fixed != weight:
            problems.append(
                Text(
                    gettext_noop(
                        "The own weights of the %(group_label)s targets add up to %(sum)s; "
                        "with every target weighted they must add up to %(weight)s."
                    ),
                    args,
                )
            )
        elif len(own) < len(members) and fixed >= weight:
            problems.append(
                Text(
                    gettext_noop(
                        "The own weights of the %(group_label)s targets add up to %(sum)s, leaving nothing "
                        "of %(weight)s for the targets without a weight."
                    ),
                    args,
                )
            )
    return problems


def evaluate(
    *,
    amount: Decimal,
    spent: Decimal,
    targets: Sequence[ev.TargetInput],
    weights: DepartmentWeights = DepartmentWeights(),
    bands: Sequence[tuple[str, Decimal]] = ev.DEFAULT_BANDS,
    not_applicable: Sequence[tuple[ev.TargetInput, str]] = (),
) -> ev.Result:
    """The department's score: the execution-rate line, then one line per target by dimension."""
    return ev.evaluate(
        amount=amount,
        spent=spent,
        targets=targets,
        weights=weights,  # type: ignore[arg-type]  # the same shape as ev.Weights
        bands=bands,
        not_applicable=not_applicable,
    )
