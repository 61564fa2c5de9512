"""Department-wide spending performance (部门整体支出绩效): year-end values and the evaluation
(docs/budgets.md, section 5). The sheet and its workflow are in services.department.

Finance records the year-end values of an approved sheet, computes a draft evaluation, confirms and
publishes it. Publishing hands the grade to the year's assessment indicator when the
department-wide policy links one, so the assessment's ledger shows that line.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_log, snapshot
from core.errors import ApplicationError
from core.numbers import to_decimal

from .. import department_evaluation as dev
from .. import department_selectors as dsel
from .. import selectors
from ..choices import GRADES, EvaluationStatus, ProjectStatus
from ..models import DepartmentEvaluation, DepartmentSheet, DepartmentTarget
from .common import _text
from .department import _require_status, lock_sheet

ACTUAL_FIELDS = ["actual", "actual_note", "not_applicable", "not_applicable_reason"]


def lock_department_evaluation(pk: int) -> DepartmentEvaluation:
    return DepartmentEvaluation.objects.select_for_update(of=("self",), no_key=True).get(pk=pk)


# --- year-end values ------------------------------------------------------------------------------


def _check_actual(pk: int, given: tuple, errors: dict[str, list[str]]) -> tuple | None:
    """One target's (value, note, not applicable, reason), checked; None, with the problem added to
    ``errors``, when one of them is wrong."""
    actual, note, not_applicable, reason = (list(given) + [None, "", False, ""][len(given) :])[:4]
    value = to_decimal(actual) if actual not in (None, "") else None
    if actual not in (None, "") and (value is None or not value.is_finite() or abs(value) >= Decimal("1e14")):
        errors[f"actual_{pk}"] = [_("Enter a number.")]
        return None
    try:
        note = _text(note, f"note_{pk}", max_length=500)
        reason = _text(reason, f"not_applicable_reason_{pk}", max_length=500) if not_applicable else ""
    except ApplicationError as exc:
        errors.update(exc.errors)
        return None
    if not_applicable and not reason:
        errors[f"not_applicable_reason_{pk}"] = [_("Say why the target does not apply this year.")]
        return None
    if not_applicable and value is not None:
        errors[f"actual_{pk}"] = [_("A target that does not apply has no value: clear it, or untick 'not applicable'.")]
        return None
    return value, note, bool(not_applicable), reason


def _checked_actuals(values: Mapping[int, tuple], targets: dict[int, DepartmentTarget]) -> list[tuple]:
    """[(target, value, note, not applicable, reason)]; one bad value refuses them all, each named by its field."""
    errors: dict[str, list[str]] = {}
    planned = []
    for pk, given in values.items():
        checked = _check_actual(pk, given, errors)
        if checked is not None:
            planned.append((targets[pk], *checked))
    if errors:
        raise ApplicationError(_("Please correct the values marked."), errors=errors)
    return planned


def _record_actual(
    target: DepartmentTarget, value, note: str, not_applicable: bool, reason: str, *, sheet: DepartmentSheet, actor
) -> bool:
    """Write one target's year-end values, audited; False when they are unchanged (nothing written)."""
    if (target.actual, target.actual_note, target.not_applicable, target.not_applicable_reason) == (
        value,
        note,
        not_applicable,
        reason,
    ):
        return False
    before = snapshot(target, fields=ACTUAL_FIELDS)
    target.actual, target.actual_note = value, note
    target.not_applicable, target.not_applicable_reason = not_applicable, reason
    target.actual_recorded_at = timezone.now()
    target.version += 1
    target.save(update_fields=[*ACTUAL_FIELDS, "actual_recorded_at", "version"])
    audit_log(
        "budgets.department_actual.recorded",
        actor=actor,
        obj=target,
        before=before,
        after=snapshot(target, fields=ACTUAL_FIELDS),
        data={"sheet": sheet.pk},
    )
    return True


@transaction.atomic
def department_actuals_record(*, sheet: DepartmentSheet, actor, values: Mapping[int, tuple]) -> int:
    """Year-end values: target id → (actual or None, note, not applicable, reason). Finance, approved sheets.

    Every value is checked first; one bad value writes none (each named by its field)."""
    sheet = lock_sheet(sheet.pk)
    _require_status(sheet, ProjectStatus.APPROVED, _("Recording year-end values"))
    targets = {t.pk: t for t in DepartmentTarget.objects.select_for_update().filter(sheet=sheet)}
    unknown = [pk for pk in values if pk not in targets]
    if unknown:
        raise ApplicationError(_("Unknown target: %(ids)s.") % {"ids": unknown}, field="target")
    changed = 0
    for target, value, note, not_applicable, reason in _checked_actuals(values, targets):
        if _record_actual(target, value, note, not_applicable, reason, sheet=sheet, actor=actor):
            changed += 1
    return changed


# --- the evaluation -------------------------------------------------------------------------------


def _require_actuals(targets) -> None:
    """Every target has its year-end value or is marked not applicable; otherwise each is named."""
    blank = [t for t in targets if t.actual is None and not t.not_applicable]
    if blank:
        raise ApplicationError(
            _("No year-end value for: %(names)s. Enter each value, or mark the target not applicable with a reason.")
            % {"names": "、".join(t.name for t in blank)},
            errors={
                f"actual_{t.pk}": [_("Enter the year-end value, or mark the target not applicable with a reason.")]
                for t in blank
            },
            code="actuals_missing",
        )


def _budget_of(sheet: DepartmentSheet) -> tuple:
    """(amount, spent, projects) of the department's approved projects of the year; refused without one."""
    amount, spent, count = dsel.department_budget(department_id=sheet.department_id, year=sheet.year)
    if count == 0:
        raise ApplicationError(
            _("%(department)s has no approved budget project in %(year)s: there is no budget to evaluate.")
            % {"department": sheet.department.name, "year": sheet.year},
            code="no_budget",
        )
    return amount, spent, count


@transaction.atomic
def department_evaluation_compute(*, sheet: DepartmentSheet, actor) -> DepartmentEvaluation:
    """Score the approved sheet (a new draft): refused, naming each target, while a value is missing,
    and refused while the department has no approved project of the year (no budget to measure)."""
    sheet = lock_sheet(sheet.pk)
    _require_status(sheet, ProjectStatus.APPROVED, _("An evaluation"))
    targets = dsel.targets_of(sheet=sheet)
    _require_actuals(targets)
    amount, spent, count = _budget_of(sheet)
    policy = dsel.policy_for_year(year=sheet.year)
    bands = selectors.policy_for_year(year=sheet.year).bands
    result = dev.evaluate(
        amount=amount,
        spent=spent,
        targets=[t.as_input() for t in targets if not t.not_applicable],
        weights=policy.weights,
        bands=bands,
        not_applicable=[(t.as_input(), t.not_applicable_reason) for t in targets if t.not_applicable],
    )
    number = (DepartmentEvaluation.objects.filter(sheet=sheet).aggregate(m=Max("number"))["m"] or 0) + 1
    evaluation = DepartmentEvaluation.objects.create(
        sheet=sheet,
        number=number,
        total=result.total,
        grade=result.grade,
        amount=amount,
        spent=spent,
        execution_rate=result.execution_rate,
        projects=count,
        weights=policy.weights.as_json() | {"bands": {c: str(m) for c, m in bands}},
        ledger=result.as_json(),
        computed_by=actor,
    )
    audit_log(
        "budgets.department_evaluation.computed",
        actor=actor,
        obj=evaluation,
        after={"total": result.total, "grade": result.grade, "number": number, "status": evaluation.status},
        data={"sheet": sheet.pk, "amount": amount, "spent": spent},
    )
    return evaluation


def _advance(evaluation: DepartmentEvaluation, actor, *, source: str, target: str, refusal: str):
    evaluation = lock_department_evaluation(evaluation.pk)
    if evaluation.status != source:
        raise ApplicationError(refusal % {"status": evaluation.get_status_display()}, code="invalid_state")
    latest = DepartmentEvaluation.objects.filter(sheet_id=evaluation.sheet_id).aggregate(m=Max("number"))["m"]
    if evaluation.number != latest:
        raise ApplicationError(
            _("A later evaluation (#%(n)s) of this department exists: confirm or publish that one.") % {"n": latest},
            code="invalid_state",
        )
    step = "confirmed" if target == EvaluationStatus.CONFIRMED else "published"
    evaluation.status = target
    setattr(evaluation, f"{step}_at", timezone.now())
    setattr(evaluation, f"{step}_by", actor)
    fields = ["status", f"{step}_at", f"{step}_by"]
    if step == "published":
        evaluation.assessment_grade = _feed_assessment(evaluation, actor)
        fields.append("assessment_grade")
    evaluation.save(update_fields=fields)
    audit_log(
        f"budgets.department_evaluation.{step}",
        actor=actor,
        obj=evaluation,
        before={"status": source},
        after={"status": target, "assessment_grade": evaluation.assessment_grade},
        data={"sheet": evaluation.sheet_id, "number": evaluation.number, "total": evaluation.total},
    )
    return evaluation


GRADE_ORDER = [code for code, _label in GRADES]


def assessment_grade_for(grade: str, indicator) -> str:
    """The indicator's grade for an evaluation grade: 优 → its best grade, 良 → the next, and so on."""
    from indicators.methods import DEFAULT_GRADES

    grades = (indicator.params or {}).get("grades") or {k: str(v) for k, v in DEFAULT_GRADES.items()}
    ranked = sorted(grades, key=lambda k: Decimal(str(grades[k])), reverse=True)
    return ranked[min(GRADE_ORDER.index(grade), len(ranked) - 1)]


def _feed_assessment(evaluation: DepartmentEvaluation, actor) -> str:
    """Hand the grade to the year's linked assessment indicator of the department (if any); the grade given."""
    from assessments.models import Assignment
    from assessments.services.events import grade_assessment_set

    sheet = evaluation.sheet
    indicator = dsel.policy_for_year(year=sheet.year).assessment_indicator
    if indicator is None:
        return ""
    assignment = (
        Assignment.objects.filter(indicator=indicator, department_id=sheet.department_id, is_active=True)
        .select_related("indicator", "plan")
        .first()
    )
    if assignment is None:
        return ""
    grade = assessment_grade_for(evaluation.grade, indicator)
    grade_assessment_set(
        assignment=assignment,
        grade=grade,
        note=_("Department-wide spending evaluation #%(n)s: %(total)s points (%(grade)s).")
        % {"n": evaluation.number, "total": evaluation.total, "grade": evaluation.get_grade_display()},
        actor=actor,
    )
    return grade


@transaction.atomic
def department_evaluation_confirm(*, evaluation: DepartmentEvaluation, actor) -> DepartmentEvaluation:
    """Finance confirms the sheet's latest draft evaluation."""
    return _advance(
        evaluation,
        actor,
        source=EvaluationStatus.DRAFT,
        target=EvaluationStatus.CONFIRMED,
        refusal=_("Only a draft evaluation can be confirmed (this one is %(status)s)."),
    )


@transaction.atomic
def department_evaluation_publish(*, evaluation: DepartmentEvaluation, actor) -> DepartmentEvaluation:
    """Publish a confirmed evaluation: it reaches the public pages, and the linked assessment indicator."""
    return _advance(
        evaluation,
        actor,
        source=EvaluationStatus.CONFIRMED,
        target=EvaluationStatus.PUBLISHED,
        refusal=_("Only a confirmed evaluation can be published (this one is %(status)s)."),
    )
