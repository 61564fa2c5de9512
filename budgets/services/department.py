"""Department-wide spending performance (部门整体支出绩效): the year's policy and the sheet's workflow
(docs/budgets.md, section 5). Year-end values and the evaluation are in
services.department_evaluations.

The same workflow as a project: the department writes its sheet (draft or returned), submits it;
finance returns it with a reason or approves it. Once approved, finance records the year-end
values, computes a draft evaluation, confirms and publishes it.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_log, snapshot
from core.errors import ApplicationError
from core.text import render as render_text
from organizations.models import Department

from .. import department_evaluation as dev
from .. import department_selectors as dsel
from ..choices import ProjectStatus
from ..models import DepartmentSheet, DepartmentTarget, DepartmentWidePolicy
from .common import _check_department, _check_version, _full_clean, _text

TARGET_FIELDS = ["dimension", "name", "operator", "value", "upper", "unit", "weight", "order"]
POLICY_FIELDS = [*dev.WEIGHT_FIELDS.values(), "assessment_indicator"]


def lock_sheet(pk: int) -> DepartmentSheet:
    """The sheet row alone, locked for this transaction (FOR NO KEY UPDATE, as budgets.locking)."""
    return DepartmentSheet.objects.select_for_update(of=("self",), no_key=True).select_related("department").get(pk=pk)


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
