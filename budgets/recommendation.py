"""Next year's budget recommendation from a year's policy, as pure functions (结果运用, docs/budgets.md).

The policy is a matrix: for each project grade (优/良/中/差) and each department assessment
grade (excellent/good/fair/poor, or "none" while the department has no grade) an action and a
percentage change of the project's amount. The default follows common practice: 优 → priority
+10 %, 良 → maintained, 中 → cut 10 %, 差 → cut 50 %; a department graded poor in the annual
assessment moves each of its projects one step down (优 → maintained, 良 → cut 10 %,
中 → cut 20 %, 差 → suspended).

recommended amount = amount × (100 + percent) ÷ 100, rounded half up to two places (yuan).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from django.utils.translation import gettext_noop

from core.numbers import q2, to_decimal

from .choices import DEPARTMENT_GRADES, GRADES, Action

PROJECT_GRADE_CODES = tuple(code for code, _label in GRADES)
DEPARTMENT_GRADE_CODES = tuple(code for code, _label in DEPARTMENT_GRADES)
NO_GRADE = "none"
HUNDRED = Decimal(100)


def _row(action: str, percent: str, poor_action: str, poor_percent: str) -> dict:
    cell = {"action": action, "percent": percent}
    return {g: dict(cell) for g in DEPARTMENT_GRADE_CODES} | {"poor": {"action": poor_action, "percent": poor_percent}}


DEFAULT_MATRIX: dict[str, dict[str, dict[str, str]]] = {
    "excellent": _row(Action.PRIORITY.value, "10", Action.MAINTAIN.value, "0"),
    "good": _row(Action.MAINTAIN.value, "0", Action.CUT.value, "-10"),
    "fair": _row(Action.CUT.value, "-10", Action.CUT.value, "-20"),
    "poor": _row(Action.CUT.value, "-50", Action.SUSPEND.value, "-100"),
}


def department_grade_code(raw: str | None) -> str:
    """The matrix column of a department's assessment grade code; unknown or missing → "none"."""
    return raw if raw in DEPARTMENT_GRADE_CODES and raw != NO_GRADE else NO_GRADE


def cell_errors(action: str, percent: Decimal | None) -> list[str]:
    """Whether an action and a percentage agree (msgids)."""
    if action not in Action.values:
        return [gettext_noop("Unknown action.")]
    if percent is None or not percent.is_finite():
        return [gettext_noop("Give the change in percent.")]
    if percent < -HUNDRED or percent > HUNDRED:
        return [gettext_noop("The change must lie between -100 and +100 percent.")]
    if action == Action.PRIORITY and percent < 0:
        return [gettext_noop("Priority cannot reduce the amount.")]
    if action == Action.MAINTAIN and percent != 0:
        return [gettext_noop("Maintain means a change of 0 percent.")]
    if action == Action.CUT and not (-HUNDRED < percent < 0):
        return [gettext_noop("A cut is between 0 and -100 percent (exclusive).")]
    if action == Action.SUSPEND and percent != -HUNDRED:
        return [gettext_noop("Suspend means -100 percent.")]
    return []


def validate_matrix(matrix) -> tuple[dict, dict[str, list[str]]]:
    """Normalise a policy matrix; errors keyed "<project grade>.<department grade>"."""
    errors: dict[str, list[str]] = {}
    out: dict[str, dict[str, dict[str, str]]] = {}
    if not isinstance(matrix, Mapping):
        return {}, {"matrix": [gettext_noop("The matrix must be an object of project grades.")]}
    for pg in PROJECT_GRADE_CODES:
        row = matrix.get(pg)
        out[pg] = {}
        for dg in DEPARTMENT_GRADE_CODES:
            cell = row.get(dg) if isinstance(row, Mapping) else None
            key = f"{pg}.{dg}"
            if not isinstance(cell, Mapping):
                errors[key] = [gettext_noop("Missing.")]
                continue
            percent = to_decimal(cell.get("percent"))
            problems = cell_errors(str(cell.get("action", "")), percent)
            if problems:
                errors[key] = problems
                continue
            out[pg][dg] = {"action": str(cell["action"]), "percent": str(q2(percent))}
    return out, errors


def recommend(matrix: Mapping, project_grade: str, department_grade: str | None) -> tuple[str, Decimal]:
    """(action, percent) for a project grade and a department grade (None/unknown → "none")."""
    cell = matrix[project_grade][department_grade_code(department_grade)]
    return cell["action"], Decimal(cell["percent"])


def recommended_amount(base: Decimal, percent: Decimal) -> Decimal:
    """``base`` changed by ``percent`` percent, half up to two places, never below 0."""
    return max(q2(base * (HUNDRED + percent) / HUNDRED), Decimal("0.00"))
