"""Disclosure decisions (信息公开): finance withholds an item with its reason, or discloses it again.

docs/budgets.md, section 6. Audited with before and after; a stale page is refused.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import audit_log, snapshot
from core.errors import ApplicationError

from ..models import BudgetProject, DepartmentSheet, Disclosure, DisclosurePart
from .common import _check_version, _text

FIELDS = ["part", "withheld", "reason"]


@transaction.atomic
def disclosure_set(
    *,
    part: str,
    withheld: bool,
    reason: str,
    actor,
    project: BudgetProject | None = None,
    department_sheet: DepartmentSheet | None = None,
    expected_version: int | None = None,
) -> Disclosure:
    """Disclose or withhold one part of a project or a department-wide sheet; withholding needs a reason."""
    if part not in DisclosurePart.values:
        raise ApplicationError(_("Choose what is disclosed."), field="part")
    if (project is None) == (department_sheet is None):
        raise ApplicationError(_("Name a project or a department-wide sheet."), field="project")
    if department_sheet is not None and part == DisclosurePart.KEY_EVALUATION:
        raise ApplicationError(_("Key evaluations are of projects."), field="part")
    reason = _text(reason, "reason", required=bool(withheld))
    subject = {"project": project} if project is not None else {"department_sheet": department_sheet}
    obj = Disclosure.objects.select_for_update().filter(part=part, **subject).first()
    if obj is None:
        obj, before = Disclosure(part=part, **subject), None
    else:
        _check_version(obj, expected_version)
        before = snapshot(obj, fields=FIELDS)
        obj.version += 1
    obj.withheld = bool(withheld)
    obj.reason = reason if withheld else ""
    obj.decided_by = actor
    obj.save()
    audit_log(
        f"budgets.disclosure.{'withheld' if withheld else 'disclosed'}",
        actor=actor,
        obj=obj,
        before=before,
        after=snapshot(obj, fields=FIELDS),
        data={"project": getattr(project, "pk", None), "department_sheet": getattr(department_sheet, "pk", None)},
    )
    return obj
