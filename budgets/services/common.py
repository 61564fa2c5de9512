"""Helpers shared by the budget services: locking, versions, validation of input, revisions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import snapshot
from core.errors import ApplicationError, ConflictError
from core.numbers import q2, to_decimal, yuan
from core.roles import outside_own
from organizations.models import Department

from .. import selectors
from ..choices import EDITABLE_STATUSES, ProjectStatus, RevisionKind
from ..locking import lock_project
from ..models import MAX_AMOUNT, MAX_TEXT, BudgetProject, ProjectRevision

ZERO = Decimal(0)
PROJECT_FIELDS = ["code", "name", "amount", "funding_source", "category", "description", "is_continuing"]
TARGET_FIELDS = [
    "dimension",
    "subdimension",
    "name",
    "operator",
    "value",
    "upper",
    "unit",
    "indicator",
    "library_indicator",
    "below_last_year_reason",
    "weight",
    "order",
]


def _check_department(actor, department: Department) -> None:
    """Department users act on their own department only (defence in depth behind the selectors)."""
    if actor is not None and outside_own(actor, department.pk):
        raise ApplicationError(_("You can only work on your own department's projects."), field="department")


def _lock(project: BudgetProject) -> BudgetProject:
    """The project row locked for this transaction (budgets.locking), fresh from the database."""
    return lock_project(project.pk)


def _check_version(obj, expected_version: int | None) -> None:
    if expected_version is not None and obj.version != int(expected_version):
        raise ConflictError(_("Someone else changed this item after you opened it. Reload and try again."))


def _full_clean(obj, exclude: list[str] | None = None) -> None:
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        raise ApplicationError(
            _("Please correct the fields marked."), errors=exc.message_dict if hasattr(exc, "error_dict") else {}
        ) from exc


def _text(value, field: str, *, required: bool = False, max_length: int = MAX_TEXT) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ApplicationError(_("This field is required."), field=field)
    if len(text) > max_length:
        raise ApplicationError(
            _("At most %(n)d characters (now %(m)d).") % {"n": max_length, "m": len(text)}, field=field
        )
    return text


def sheet_snapshot(project: BudgetProject) -> dict:
    """The sheet as it is now, stored with a revision so every revision stays readable."""
    targets = selectors.targets_of(project=project)
    return {
        "project": snapshot(project, fields=PROJECT_FIELDS + ["year", "status", "department"])
        | {"department_code": project.department.code, "department_name": project.department.name},
        "targets": [
            snapshot(t, fields=TARGET_FIELDS)
            | {
                "id": t.pk,
                "indicator_code": t.indicator.code if t.indicator else "",
                "library_code": t.library_indicator.code if t.library_indicator_id else "",
            }
            for t in targets
        ],
    }


def _revision(project: BudgetProject, kind: str, actor, reason: str = "") -> ProjectRevision:
    number = project.revision + 1
    revision = ProjectRevision.objects.create(
        project=project,
        number=number,
        kind=kind,
        status=project.status,
        snapshot=sheet_snapshot(project),
        reason=reason,
        actor=actor,
    )
    BudgetProject.objects.filter(pk=project.pk).update(revision=number)
    project.revision = number
    return revision


def _after_sheet_change(project: BudgetProject, actor) -> None:
    """Bump the project's version; after the first submission every change is a new revision."""
    BudgetProject.objects.filter(pk=project.pk).update(version=project.version + 1, updated_at=timezone.now())
    project.version += 1
    if project.revision > 0:
        _revision(project, RevisionKind.CHANGED, actor)


def _require_editable(project: BudgetProject) -> None:
    if project.status not in EDITABLE_STATUSES:
        raise ApplicationError(
            _("The target sheet is %(status)s and cannot be changed; finance must return it first.")
            % {"status": project.get_status_display()},
            code="not_editable",
        )


def _link(project: BudgetProject) -> str:
    return reverse("budgets:project_detail", args=[project.pk])


def _require_approved(project: BudgetProject, what: str) -> None:
    if project.status != ProjectStatus.APPROVED:
        raise ApplicationError(
            _("%(what)s needs an approved project (this one is %(status)s).")
            % {"what": what, "status": project.get_status_display()},
            code="invalid_state",
        )


def _date_in_year(value, project: BudgetProject, field: str, *, not_after_today: bool = False) -> dt.date:
    if not isinstance(value, dt.date):
        raise ApplicationError(_("Enter a valid date."), field=field)
    if value.year != project.year:
        raise ApplicationError(
            _("The date must fall within the project's year %(year)s.") % {"year": project.year}, field=field
        )
    if not_after_today and value > timezone.localdate():
        raise ApplicationError(_("The date cannot be in the future."), field=field)
    return value


def _money(value, field: str) -> Decimal:
    amount = to_decimal(value)
    if amount is None or not amount.is_finite():
        raise ApplicationError(_("Enter an amount in yuan."), field=field)
    if amount <= ZERO:
        raise ApplicationError(_("The amount must be greater than 0."), field=field)
    if amount > MAX_AMOUNT:
        raise ApplicationError(_("The amount cannot exceed %(max)s yuan.") % {"max": yuan(MAX_AMOUNT)}, field=field)
    if amount != q2(amount):
        raise ApplicationError(_("Give the amount in yuan with at most two decimals."), field=field)
    return amount
