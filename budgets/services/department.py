"""Department-wide spending performance (部门整体支出绩效): the sheet's workflow, year-end values and
the evaluation (docs/budgets.md, section 5).

The same workflow as a project: the department writes its sheet (draft or returned), submits it;
finance returns it with a reason or approves it, records the year-end values, computes a draft
evaluation, confirms and publishes it. Publishing hands the grade to the year's assessment
indicator when the department-wide policy links one, so the assessment's ledger shows that line.
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
from core.text import render as render_text
from organizations.models import Department

from .. import department_evaluation as dev
from .. import department_selectors as dsel
from .. import selectors
from ..choices import GRADES, EvaluationStatus, ProjectStatus
from ..models import DepartmentEvaluation, DepartmentSheet, DepartmentTarget, DepartmentWidePolicy
from .common import _check_department, _check_version, _full_clean, _text

TARGET_FIELDS = ["dimension", "name", "operator", "value", "upper", "unit", "weight", "order"]
POLICY_FIELDS = [*dev.WEIGHT_FIELDS.values(), "assessment_indicator"]


def lock_sheet(pk: int) -> DepartmentSheet:
    """The sheet row alone, locked for this transaction (FOR NO KEY UPDATE, as budgets.locking)."""
    return DepartmentSheet.objects.select_for_update(of=("self",), no_key=True).select_related("department").get(pk=pk)


def lock_department_evaluation(pk: int) -> DepartmentEvaluation:
    return DepartmentEvaluation.objects.select_for_update(of=("self",), no_key=True).get(pk=pk)


def _bump(sheet: DepartmentSheet) -> None:
    DepartmentSheet.objects.filter(pk=sheet.pk).update(version=sheet.version + 1, updated_at=timezone.now())
    sheet.version += 1


def _require_editable(sheet: DepartmentSheet) -> None:
    if not sheet.is_editable:
        raise ApplicationError(
            _("The target sheet is %(status)s and cannot be changed; finance must return it first.")
            % {"status": sheet.get_status_display()},
            code="not_editable",
        )


def _require_status(sheet: DepartmentSheet, status: str, what: str) -> None:
    if sheet.status != status:
        raise ApplicationError(
            _("%(what)s needs a sheet that is %(needed)s (this one is %(status)s).")
            % {"what": what, "needed": ProjectStatus(status).label, "status": sheet.get_status_display()},
            code="invalid_state",
        )


# --- the year's policy ----------------------------------------------------------------------------


@transaction.atomic
def department_policy_save(
    *, year: int, actor, data: Mapping, expected_version: int | None = None
) -> DepartmentWidePolicy:
    """Set a year's department-wide weights and the assessment indicator they feed (finance)."""
    policy = DepartmentWidePolicy.objects.select_for_update().filter(year=year).first()
    creating = policy is None
    if creating:
        policy = DepartmentWidePolicy(year=year)
    else:
        _check_version(policy, expected_version)
    before = None if creating else snapshot(policy)
    for name, value in data.items():
        if name in POLICY_FIELDS:
            setattr(policy, name, value)
    policy.updated_by = actor
    _full_clean(policy)
    if not creating:
        policy.version += 1
    policy.save()
    audit_log(
        f"budgets.department_policy.{'created' if creating else 'updated'}",
        actor=actor,
        obj=policy,
        before=before,
        after=snapshot(policy),
    )
    return policy


# --- the sheet ------------------------------------------------------------------------------------


@transaction.atomic
def department_sheet_create(*, department: Department, year: int, actor) -> DepartmentSheet:
    """Open the department's sheet for the year (a draft). One per department and year."""
    _check_department(actor, department)
    sheet = DepartmentSheet(department=department, year=year)
    _full_clean(sheet, exclude=["department"])
    if DepartmentSheet.objects.filter(department=department, year=year).exists():
        raise ApplicationError(
            _("%(department)s already has a department-wide sheet for %(year)s.")
            % {"department": department.name, "year": year},
            field="year",
        )
    sheet.save()
    audit_log("budgets.department_sheet.created", actor=actor, obj=sheet, after=snapshot(sheet))
    return sheet


def sheet_problems(*, sheet: DepartmentSheet, targets=None) -> list[str]:
    """Why the sheet cannot be submitted yet (empty when it can)."""
    targets = dsel.targets_of(sheet=sheet) if targets is None else targets
    problems = []
    present = {t.dimension for t in targets}
    for code, label in dev.DepartmentDimension.choices:
        if code not in present:
            problems.append(_("No target for %(dimension)s yet.") % {"dimension": label})
    policy = dsel.policy_for_year(year=sheet.year)
    for text in dev.weight_errors(policy.weights, [t.as_input() for t in targets]):
        problems.append(render_text(text.message, text.args))
    return problems


@transaction.atomic
def department_target_save(
    *,
    sheet: DepartmentSheet,
    actor,
    data: Mapping,
    target: DepartmentTarget | None = None,
    expected_version: int | None = None,
) -> DepartmentTarget:
    """Add or change a target while the sheet is a draft or returned (the department itself)."""
    sheet = lock_sheet(sheet.pk)
    _check_department(actor, sheet.department)
    _require_editable(sheet)
    creating = target is None
    if creating:
        target = DepartmentTarget(sheet=sheet)
        before = None
    else:
        target = DepartmentTarget.objects.select_for_update().get(pk=target.pk, sheet=sheet)
        _check_version(target, expected_version)
        before = snapshot(target, fields=TARGET_FIELDS)
    for name in TARGET_FIELDS:
        if name in data:
            setattr(target, name, data[name])
    _full_clean(target, exclude=["sheet"])
    if not creating:
        target.version += 1
    target.save()
    _bump(sheet)
    audit_log(
        f"budgets.department_target.{'created' if creating else 'updated'}",
        actor=actor,
        obj=target,
        before=before,
        after=snapshot(target, fields=TARGET_FIELDS),
        data={"sheet": sheet.pk},
    )
    return target


@transaction.atomic
def department_target_delete(*, target: DepartmentTarget, actor) -> None:
    sheet = lock_sheet(target.sheet_id)
    _check_department(actor, sheet.department)
    _require_editable(sheet)
    before = snapshot(target, fields=TARGET_FIELDS)
    pk = target.pk
    target.delete()
    _bump(sheet)
    audit_log(
        "budgets.department_target.deleted",
        actor=actor,
        object_type="budgets.departmenttarget",
        object_id=pk,
        before=before,
        data={"sheet": sheet.pk},
    )


@transaction.atomic
def department_sheet_submit(*, sheet: DepartmentSheet, actor, expected_version: int | None = None) -> DepartmentSheet:
    """Submit the sheet to finance: refused, naming what is missing, unless every dimension has a target."""
    sheet = lock_sheet(sheet.pk)
    _check_department(actor, sheet.department)
    _check_version(sheet, expected_version)
    _require_editable(sheet)
    problems = sheet_problems(sheet=sheet)
    if problems:
        raise ApplicationError(" ".join(problems), code="incomplete")
    return _move(sheet, actor, ProjectStatus.SUBMITTED, "submitted", submitted_at=timezone.now(), submitted_by=actor)


@transaction.atomic
def department_sheet_return(
    *, sheet: DepartmentSheet, actor, reason: str, expected_version: int | None = None
) -> DepartmentSheet:
    """Finance returns a submitted sheet to the department with a reason."""
    reason = _text(reason, "reason", required=True)
    sheet = lock_sheet(sheet.pk)
    _check_version(sheet, expected_version)
    _require_status(sheet, ProjectStatus.SUBMITTED, _("Returning"))
    return _move(
        sheet,
        actor,
        ProjectStatus.RETURNED,
        "returned",
        return_reason=reason,
        reviewed_at=timezone.now(),
        reviewed_by=actor,
    )


@transaction.atomic
def department_sheet_approve(*, sheet: DepartmentSheet, actor, expected_version: int | None = None) -> DepartmentSheet:
    """Finance approves a submitted sheet: the targets stand for the year."""
    sheet = lock_sheet(sheet.pk)
    _check_version(sheet, expected_version)
    _require_status(sheet, ProjectStatus.SUBMITTED, _("Approving"))
    return _move(
        sheet,
        actor,
        ProjectStatus.APPROVED,
        "approved",
        return_reason="",
        reviewed_at=timezone.now(),
        reviewed_by=actor,
    )


def _move(sheet: DepartmentSheet, actor, status: str, event: str, **fields) -> DepartmentSheet:
    before = {"status": sheet.status}
    sheet.status = status
    for name, value in fields.items():
        setattr(sheet, name, value)
    sheet.version += 1
    sheet.save(update_fields=["status", "version", "updated_at", *fields])
    audit_log(
        f"budgets.department_sheet.{event}",
        actor=actor,
        obj=sheet,
        before=before,
        after={"status": status, **({"reason": fields["return_reason"]} if fields.get("return_reason") else {})},
        data={"department": sheet.department_id, "year": sheet.year},
    )
    return sheet


# --- year-end values and the evaluation -----------------------------------------------------------


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
    errors: dict[str, list[str]] = {}
    planned = []
    for pk, given in values.items():
        actual, note, not_applicable, reason = (list(given) + [None, "", False, ""][len(given) :])[:4]
        value = to_decimal(actual) if actual not in (None, "") else None
        if actual not in (None, "") and (value is None or not value.is_finite() or abs(value) >= Decimal("1e14")):
            errors[f"actual_{pk}"] = [_("Enter a number.")]
            continue
        try:
            note = _text(note, f"note_{pk}", max_length=500)
            reason = _text(reason, f"not_applicable_reason_{pk}", max_length=500) if not_applicable else ""
        except ApplicationError as exc:
            errors.update(exc.errors)
            continue
        if not_applicable and not reason:
            errors[f"not_applicable_reason_{pk}"] = [_("Say why the target does not apply this year.")]
            continue
        if not_applicable and value is not None:
            errors[f"actual_{pk}"] = [
                _("A target that does not apply has no value: clear it, or untick 'not applicable'.")
            ]
            continue
        planned.append((targets[pk], value, note, bool(not_applicable), reason))
    if errors:
        raise ApplicationError(_("Please correct the values marked."), errors=errors)
    fields = ["actual", "actual_note", "not_applicable", "not_applicable_reason"]
    changed = 0
    for target, value, note, not_applicable, reason in planned:
        if (target.actual, target.actual_note, target.not_applicable, target.not_applicable_reason) == (
            value,
            note,
            not_applicable,
            reason,
        ):
            continue
        before = snapshot(target, fields=fields)
        target.actual, target.actual_note = value, note
        target.not_applicable, target.not_applicable_reason = not_applicable, reason
        target.actual_recorded_at = timezone.now()
        target.version += 1
        target.save(update_fields=[*fields, "actual_recorded_at", "version"])
        audit_log(
            "budgets.department_actual.recorded",
            actor=actor,
            obj=target,
            before=before,
            after=snapshot(target, fields=fields),
            data={"sheet": sheet.pk},
        )
        changed += 1
    return changed


@transaction.atomic
def department_evaluation_compute(*, sheet: DepartmentSheet, actor) -> DepartmentEvaluation:
    """Score the approved sheet (a new draft): refused, naming each target, while a value is missing,
    and refused while the department has no approved project of the year (no budget to measure)."""
    sheet = lock_sheet(sheet.pk)
    _require_status(sheet, ProjectStatus.APPROVED, _("An evaluation"))
    targets = dsel.targets_of(sheet=sheet)
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
    amount, spent, count = dsel.department_budget(department_id=sheet.department_id, year=sheet.year)
    if count == 0:
        raise ApplicationError(
            _("%(department)s has no approved budget project in %(year)s: there is no budget to evaluate.")
            % {"department": sheet.department.name, "year": sheet.year},
            code="no_budget",
        )
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
