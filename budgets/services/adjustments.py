"""Mid-year target revision (绩效目标调整): request, approval, return.

docs/budgets.md, "Mid-year target revision". The department asks for a whole new sheet (changed
values, targets added or removed) with a reason; the sheet in force stands until finance approves.
Approval writes the sheet, makes the next version and keeps the previous one readable.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_log, snapshot
from core.errors import ApplicationError, ConflictError
from core.roles import Role
from notifications.services import notify
from organizations.selectors import users_with_role

from .. import sheet_selectors, targetrules
from ..choices import ProjectStatus, RevisionKind, TrancheStatus
from ..models import AdjustmentStatus, BudgetProject, BudgetTarget, LibraryIndicator, TargetAdjustment
from .common import TARGET_FIELDS, _check_department, _check_version, _link, _lock, _revision, _text
from .library import retired_choice_error
from .sheets import _notify_department, sheet_problems

# What a department may change on a target; its actual value and indicator links stay as they were
# unless given.
ROW_FIELDS = [f for f in TARGET_FIELDS if f not in ("indicator", "library_indicator")]
DECIMAL_FIELDS = {"value", "upper", "weight"}
AUDIT_FIELDS = ["number", "status", "reason", "base_version", "sheet_version", "return_reason"]


def _lock_adjustment(adjustment: TargetAdjustment) -> TargetAdjustment:
    return TargetAdjustment.objects.select_for_update(of=("self",), no_key=True).get(pk=adjustment.pk)


def _decimal(value, key: str, errors: dict):
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        errors.setdefault(key, []).append(_("Enter a number."))
        return None


def _build(project: BudgetProject, rows: Sequence[Mapping], current: dict[int, BudgetTarget]):
    """Unsaved targets for the rows asked for, and errors keyed ``targets.<i>.<field>``."""
    errors: dict[str, list[str]] = {}
    built: list[tuple[BudgetTarget, int | None]] = []
    for i, row in enumerate(rows):
        prefix = f"targets.{i}."
        tid = row.get("id")
        if tid not in (None, ""):
            try:
                original = current[int(tid)]
            except (KeyError, TypeError, ValueError):
                errors.setdefault(prefix + "id", []).append(_("No such target on this sheet."))
                continue
            target = BudgetTarget.objects.get(pk=original.pk)
            target.version = original.version
            tid = original.pk
        else:
            target = BudgetTarget(project=project, order=max((t.order for t in current.values()), default=0) + i + 1)
            tid = None
        for f in ROW_FIELDS:
            if f not in row or (f == "order" and row[f] in (None, "")):
                continue
            value = row[f]
            if f in DECIMAL_FIELDS:
                value = _decimal(value, prefix + f, errors)
            elif value is None:
                value = ""
            setattr(target, f, value)
        if "library_code" in row:
            code = (row.get("library_code") or "").strip()
            if not code:
                target.library_indicator = None
            else:
                lib = LibraryIndicator.objects.filter(code=code).first()
                retired = retired_choice_error(lib, target.library_indicator_id if tid else None)
                if lib is None:
                    errors.setdefault(prefix + "library_code", []).append(
                        _("No indicator “%(code)s” in the library.") % {"code": code}
                    )
                elif retired:
                    errors.setdefault(prefix + "library_code", []).append(retired)
                target.library_indicator = lib
        target.project = project
        try:
            target.full_clean(exclude=["project"])
        except ValidationError as exc:
            for f, msgs in exc.message_dict.items():
                errors.setdefault(prefix + f, []).extend(msgs)
        built.append((target, tid))
    return built, errors


def _row(target: BudgetTarget, tid: int | None) -> dict:
    return snapshot(target, fields=TARGET_FIELDS) | {
        "id": tid,
        "indicator_code": target.indicator.code if target.indicator_id else "",
        "library_code": target.library_indicator.code if target.library_indicator_id else "",
    }


def _holding(target_ids) -> list[BudgetTarget]:
    """Targets a tranche still waits on (it cannot be removed while it does)."""
    return list(
        BudgetTarget.objects.filter(pk__in=target_ids)
        .filter(holding_tranches__status__in=[TrancheStatus.HELD, TrancheStatus.OPEN])
        .distinct()
    )


@transaction.atomic
def adjustment_request(
    *, project: BudgetProject, actor, targets: Sequence[Mapping], reason: str, expected_version: int | None = None
) -> TargetAdjustment:
    """The department asks to change its approved sheet; the sheet in force stands until approval."""
    reason = _text(reason, "reason", required=True)
    project = _lock(project)
    _check_department(actor, project.department)
    _check_version(project, expected_version)
    if project.status != ProjectStatus.APPROVED:
        raise ApplicationError(
            _("Only an approved target sheet can be revised (this one is %(status)s).")
            % {"status": project.get_status_display()},
            code="invalid_state",
        )
    if sheet_selectors.pending_adjustment(project=project) is not None:
        raise ApplicationError(
            _("A revision of this sheet is already waiting for finance."), code="invalid_state", field="targets"
        )
    current = {t.pk: t for t in sheet_selectors.selectors.targets_of(project=project)}
    built, errors = _build(project, list(targets), current)
    if errors:
        raise ApplicationError(_("Please correct the fields marked."), errors=errors)
    proposed_targets = [t for t, _tid in built]
    problems = sheet_problems(project=project, targets=proposed_targets)
    if problems:
        raise ApplicationError(" ".join(problems), errors={"targets": problems}, code="incomplete_sheet")
    before = sheet_selectors.sheet_rows(project=project)
    proposed = [_row(t, tid) for t, tid in built]
    if not targetrules.has_changes(targetrules.compare(before, proposed)):
        raise ApplicationError(_("The revision changes nothing on the sheet."), field="targets")
    kept = {tid for _t, tid in built if tid}
    held = _holding([pk for pk in current if pk not in kept])
    if held:
        raise ApplicationError(
            _("A tranche is held until these targets are met, so they cannot be removed: %(names)s.")
            % {"names": "、".join(t.name for t in held)},
            field="targets",
        )
    number = (TargetAdjustment.objects.filter(project=project).aggregate(m=Max("number"))["m"] or 0) + 1
    adjustment = TargetAdjustment.objects.create(
        project=project,
        number=number,
        reason=reason,
        base_version=sheet_selectors.version_in_force(project=project),
        before=before,
        proposed=proposed,
        requested_by=actor,
    )
    audit_log(
        "budgets.adjustment.requested",
        actor=actor,
        obj=adjustment,
        after=snapshot(adjustment, fields=AUDIT_FIELDS) | {"targets": proposed},
        before={"sheet_version": adjustment.base_version, "targets": before},
        data={"project": project.pk},
    )
    notify(
        users=users_with_role(roles=[Role.FINANCE]),
        kind="budgets.adjustment_requested",
        title=_("Target revision requested: %(name)s") % {"name": project.name},
        body=_("%(department)s asks to revise the targets of %(name)s: %(reason)s")
        % {"department": project.department.name, "name": project.name, "reason": reason},
        link=_link(project),
    )
    return adjustment


def _decidable(adjustment: TargetAdjustment, expected_version) -> TargetAdjustment:
    adjustment = _lock_adjustment(adjustment)
    if expected_version is not None and adjustment.version != int(expected_version):
        raise ConflictError(_("Someone else changed this item after you opened it. Reload and try again."))
    if adjustment.status != AdjustmentStatus.PENDING:
        raise ApplicationError(
            _("This revision was already decided (%(status)s).") % {"status": adjustment.get_status_display()},
            code="invalid_state",
        )
    return adjustment


@transaction.atomic
def adjustment_approve(*, adjustment: TargetAdjustment, actor, expected_version: int | None = None):
    """Finance approves: the sheet asked for is written and becomes the next version in force."""
    project = _lock(adjustment.project)
    adjustment = _decidable(adjustment, expected_version)
    in_force = sheet_selectors.version_in_force(project=project)
    if adjustment.base_version != in_force:
        raise ConflictError(
            _("The sheet changed (version %(v)s is now in force) since this revision was asked for.") % {"v": in_force}
        )
    current = {t.pk: t for t in sheet_selectors.selectors.targets_of(project=project)}
    built, errors = _build(project, adjustment.proposed, current)
    if errors:  # the library or the year's indicators changed since the request
        raise ApplicationError(_("The revision no longer fits the sheet; return it."), errors=errors)
    kept = {tid for _t, tid in built if tid}
    removed = [t for pk, t in current.items() if pk not in kept]
    held = _holding([t.pk for t in removed])
    if held:
        raise ApplicationError(
            _("A tranche is held until these targets are met, so they cannot be removed: %(names)s.")
            % {"names": "、".join(t.name for t in held)},
            field="targets",
        )
    for target in removed:
        target.delete()
    for target, tid in built:
        if tid is not None:
            target.version += 1
        target.save()
    adjustment.after = sheet_selectors.sheet_rows(project=project)
    adjustment.sheet_version = in_force + 1
    adjustment.status = AdjustmentStatus.APPROVED
    adjustment.decided_by = actor
    adjustment.decided_at = timezone.now()
    adjustment.version += 1
    adjustment.save()
    BudgetProject.objects.filter(pk=project.pk).update(version=project.version + 1, updated_at=timezone.now())
    project.version += 1
    revision = _revision(project, RevisionKind.ADJUSTED, actor, reason=adjustment.reason)
    audit_log(
        "budgets.adjustment.approved",
        actor=actor,
        obj=adjustment,
        before={"status": AdjustmentStatus.PENDING, "sheet_version": in_force, "targets": adjustment.before},
        after={
            "status": AdjustmentStatus.APPROVED,
            "sheet_version": adjustment.sheet_version,
            "targets": adjustment.after,
        },
        data={"project": project.pk, "revision": revision.number},
    )
    _notify_department(
        project,
        kind="budgets.adjustment_approved",
        title=_("Target revision approved: %(name)s") % {"name": project.name},
        body=_("Version %(v)s of the target sheet is now in force.") % {"v": adjustment.sheet_version},
    )
    return adjustment


@transaction.atomic
def adjustment_return(*, adjustment: TargetAdjustment, actor, reason: str, expected_version: int | None = None):
    """Finance returns the request with its reasons; the sheet in force stays as it is."""
    reason = _text(reason, "reason", required=True)
    project = _lock(adjustment.project)
    adjustment = _decidable(adjustment, expected_version)
    before = snapshot(adjustment, fields=AUDIT_FIELDS)
    adjustment.status = AdjustmentStatus.RETURNED
    adjustment.return_reason = reason
    adjustment.decided_by = actor
    adjustment.decided_at = timezone.now()
    adjustment.version += 1
    adjustment.save()
    audit_log(
        "budgets.adjustment.returned",
        actor=actor,
        obj=adjustment,
        before=before,
        after=snapshot(adjustment, fields=AUDIT_FIELDS),
        data={"project": project.pk},
    )
    _notify_department(
        project,
        kind="budgets.adjustment_returned",
        title=_("Target revision returned: %(name)s") % {"name": project.name},
        body=_("Finance returned the revision: %(reason)s") % {"reason": reason},
    )
    return adjustment
