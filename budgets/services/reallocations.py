"""Budget reallocation (预算调剂): request, resubmission, approval, return.

docs/budgets.md, "Budget reallocation". The department asks to move money from one of its approved
projects (or an unreleased tranche of one) to another of its approved projects of the year, or back
to the pool; finance approves, and the amounts move, or returns the request with its reasons.

Locks: the projects concerned in id order, then the request (budgets.locking). Two approvals at
once wait for each other on the projects; the second then finds the request approved and moves
nothing.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_log, snapshot
from core.errors import ApplicationError, ConflictError
from core.numbers import yuan
from core.roles import DEPARTMENT_ROLES, P, Role, acts_for
from notifications.services import notify
from organizations.selectors import users_of_department, users_with_role

from ..choices import ProjectStatus, TrancheStatus
from ..locking import lock_project, lock_projects
from ..models import MAX_AMOUNT, BudgetProject, Reallocation, ReallocationStatus, Tranche
from ..reallocation_selectors import available_from
from .common import _money, _text

FIELDS = ["source", "source_tranche", "target", "amount", "reason", "status", "return_reason"]


def link(reallocation: Reallocation) -> str:
    return reverse("budgets:reallocation_detail", args=[reallocation.pk])


def _pk(value):
    if value in (None, ""):
        return None
    if isinstance(value, BudgetProject | Tranche):
        return value.pk
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


def _require_department(actor, department_id: int | None = None) -> None:
    if actor.role not in DEPARTMENT_ROLES or not actor.has_perm(P.EDIT_BUDGET):
        raise ApplicationError(_("Only the department asks for a reallocation."), code="permission_denied")
    if department_id is not None and not acts_for(actor, department_id):
        raise ApplicationError(_("You can only work on your own department's projects."), code="forbidden")


def _check(*, department_id, source: BudgetProject, tranche_pk, target_pk, amount, exclude=None, pending_count=True):
    """The request's fields checked against the projects as they are now. Returns (tranche, target,
    amount); every problem at once as field errors."""
    errors: dict[str, list[str]] = {}
    if source.department_id != department_id or source.status != ProjectStatus.APPROVED:
        errors["source"] = [_("Choose one of your department's approved projects.")]
    tranche = None
    if tranche_pk is not None:
        tranche = Tranche.objects.filter(pk=tranche_pk, project=source).first()
        if tranche is None:
            errors["source_tranche"] = [_("Choose a tranche of the project the money comes from.")]
        elif tranche.status == TrancheStatus.RELEASED:
            errors["source_tranche"] = [_("This tranche is released: only an unreleased tranche's money can move.")]
            tranche = None
    target = None
    if target_pk is not None:
        target = BudgetProject.objects.filter(pk=target_pk).first()
        if (
            target is None
            or target.department_id != department_id
            or target.status != ProjectStatus.APPROVED
            or target.year != source.year
        ):
            errors["target"] = [
                _("Choose another approved project of your department of %(year)s, or the pool.")
                % {"year": source.year}
            ]
            target = None
        elif target.pk == source.pk:
            errors["target"] = [_("The money cannot go to the project it comes from.")]
            target = None
    try:
        amount = _money(amount, "amount")
    except ApplicationError as exc:
        errors.update(exc.errors or {"amount": [exc.message]})
        amount = None
    if amount is not None and "source" not in errors and "source_tranche" not in errors:
        left = available_from(project=source, tranche=tranche, exclude_pending_of=exclude if pending_count else False)
        if amount > left:
            where = (
                _("the tranche “%(name)s”") % {"name": tranche.name}
                if tranche is not None
                else _("the project's money outside its tranches")
            )
            errors["amount"] = [
                _("At most %(left)s yuan can move from %(where)s (neither spent, planned nor asked for already).")
                % {"left": yuan(left), "where": where}
            ]
        elif amount >= source.amount:
            errors["amount"] = [
                _("This would leave the project no money at all: to give the project up, respond “cancel”.")
            ]
        elif target is not None and target.amount + amount > MAX_AMOUNT:
            errors["amount"] = [_("The amount cannot exceed %(max)s yuan.") % {"max": yuan(MAX_AMOUNT)}]
    if errors:
        raise ApplicationError(_("Please correct the fields marked."), errors=errors)
    return tranche, target, amount


def _notify_finance(reallocation: Reallocation, title: str) -> None:
    notify(
        users=users_with_role(roles=[Role.FINANCE]),
        kind="budgets.reallocation_requested",
        title=title,
        body=_("%(department)s: %(amount)s yuan from %(source)s to %(target)s. %(reason)s")
        % {
            "department": reallocation.department.name,
            "amount": yuan(reallocation.amount),
            "source": reallocation.source.name,
            "target": reallocation.target.name if reallocation.target_id else _("the pool"),
            "reason": reallocation.reason,
        },
        link=link(reallocation),
    )


def _notify_department(reallocation: Reallocation, *, kind: str, title: str, body: str) -> None:
    notify(
        users=users_of_department(department_id=reallocation.department_id, roles=DEPARTMENT_ROLES),
        kind=kind,
        title=title,
        body=body,
        link=link(reallocation),
    )


@transaction.atomic
def reallocation_request(
    *, actor, source, amount, reason: str, tranche=None, target=None, data: dict | None = None
) -> Reallocation:
    """The department asks to move ``amount`` yuan from ``source`` (or its unreleased ``tranche``) to
    ``target`` (another approved project of its own, of the same year) or, without one, to the pool."""
    _require_department(actor)
    source_pk = _pk(source)
    found = BudgetProject.objects.filter(pk=source_pk).first() if source_pk else None
    if found is None:
        raise ApplicationError(_("Choose one of your department's approved projects."), field="source")
    try:
        reason = _text(reason, "reason", required=True)
    except ApplicationError as exc:
        reason_error = exc
    else:
        reason_error = None
    source = lock_project(found.pk)
    try:
        tranche, target, amount = _check(
            department_id=actor.department_id,
            source=source,
            tranche_pk=_pk(tranche),
            target_pk=_pk(target),
            amount=amount,
        )
    except ApplicationError as exc:
        if reason_error is not None:
            exc.errors.update(reason_error.errors)
        raise
    if reason_error is not None:
        raise reason_error
    reallocation = Reallocation.objects.create(
        department=source.department,
        year=source.year,
        source=source,
        source_tranche=tranche,
        source_tranche_name=tranche.name if tranche else "",
        target=target,
        amount=amount,
        reason=reason,
        requested_by=actor,
        submitted_at=timezone.now(),
    )
    audit_log(
        "budgets.reallocation.requested",
        actor=actor,
        obj=reallocation,
        after=snapshot(reallocation, fields=FIELDS),
        data={"project": source.pk, **(data or {})},
    )
    _notify_finance(reallocation, _("Reallocation requested: %(name)s") % {"name": source.name})
    return reallocation


def _lock_request(reallocation: Reallocation, extra=()) -> tuple[Reallocation, BudgetProject, BudgetProject | None]:
    """Lock the projects of the request (and ``extra`` ones) in id order, then the request; refuse
    when the request names other projects by then."""
    first = Reallocation.objects.values("source_id", "target_id").get(pk=reallocation.pk)
    ids = {first["source_id"], *extra} | ({first["target_id"]} if first["target_id"] else set())
    projects = {p.pk: p for p in lock_projects(ids)}
    locked = (
        Reallocation.objects.select_for_update(of=("self",), no_key=True)
        .select_related("department")
        .get(pk=reallocation.pk)
    )
    if locked.source_id not in projects or (locked.target_id and locked.target_id not in projects):
        raise ConflictError(_("Someone else changed this item after you opened it. Reload and try again."))
    return locked, projects[locked.source_id], projects.get(locked.target_id)


def _check_version(reallocation: Reallocation, expected_version) -> None:
    if expected_version is not None and reallocation.version != int(expected_version):
        raise ConflictError(_("Someone else changed this item after you opened it. Reload and try again."))


@transaction.atomic
def reallocation_resubmit(
    *,
    reallocation: Reallocation,
    actor,
    source=None,
    amount,
    reason: str,
    tranche=None,
    target=None,
    expected_version=None,
) -> Reallocation:
    """The department changes a returned request and sends it to finance again."""
    _require_department(actor, reallocation.department_id)
    source_pk = _pk(source) or reallocation.source_id
    if BudgetProject.objects.filter(pk=source_pk).first() is None:
        raise ApplicationError(_("Choose one of your department's approved projects."), field="source")
    reallocation, _old_source, _old_target = _lock_request(reallocation, extra=[source_pk])
    _check_version(reallocation, expected_version)
    if reallocation.status != ReallocationStatus.RETURNED:
        raise ApplicationError(_("Only a returned request can be changed and sent again."), code="invalid_state")
    reason = _text(reason, "reason", required=True)
    source = BudgetProject.objects.get(pk=source_pk)
    tranche, target, amount = _check(
        department_id=actor.department_id,
        source=source,
        tranche_pk=_pk(tranche),
        target_pk=_pk(target),
        amount=amount,
        exclude=reallocation,
    )
    before = snapshot(reallocation, fields=FIELDS)
    reallocation.source = source
    reallocation.source_tranche = tranche
    reallocation.source_tranche_name = tranche.name if tranche else ""
    reallocation.target = target
    reallocation.amount = amount
    reallocation.reason = reason
    reallocation.status = ReallocationStatus.PENDING
    reallocation.submitted_at = timezone.now()
    reallocation.version += 1
    reallocation.save()
    audit_log(
        "budgets.reallocation.resubmitted",
        actor=actor,
        obj=reallocation,
        before=before,
        after=snapshot(reallocation, fields=FIELDS),
        data={"project": source.pk},
    )
    _notify_finance(reallocation, _("Reallocation sent again: %(name)s") % {"name": source.name})
    return reallocation


def _decidable(reallocation: Reallocation, actor, expected_version):
    if not actor.has_perm(P.REVIEW_BUDGET):
        raise ApplicationError(_("Only finance decides on a reallocation."), code="permission_denied")
    locked, source, target = _lock_request(reallocation)
    _check_version(locked, expected_version)
    if locked.status != ReallocationStatus.PENDING:
        raise ApplicationError(
            _("This request is not waiting for finance (%(status)s).") % {"status": locked.get_status_display()},
            code="invalid_state",
        )
    return locked, source, target


def _move(project: BudgetProject, delta: Decimal, actor, reallocation: Reallocation) -> dict:
    before = project.amount
    project.amount = before + delta
    project.version += 1
    project.save(update_fields=["amount", "version", "updated_at"])
    audit_log(
        "budgets.project.reallocated",
        actor=actor,
        obj=project,
        before={"amount": before},
        after={"amount": project.amount},
        data={"reallocation": reallocation.pk},
    )
    return {"id": project.pk, "code": project.code, "before": before, "after": project.amount}


@transaction.atomic
def reallocation_approve(*, reallocation: Reallocation, actor, expected_version=None) -> Reallocation:
    """Finance approves: the amount leaves the source (and its tranche) and joins the target, or the
    pool. The availability is checked again against the amounts as they are now."""
    reallocation, source, target = _decidable(reallocation, actor, expected_version)
    tranche = None
    if reallocation.source_tranche_id:
        tranche = Tranche.objects.select_for_update(of=("self",)).get(pk=reallocation.source_tranche_id)
    _tranche, _target, amount = _check(
        department_id=reallocation.department_id,
        source=source,
        tranche_pk=tranche.pk if tranche else None,
        target_pk=target.pk if target else None,
        amount=reallocation.amount,
        pending_count=False,
    )
    before = snapshot(reallocation, fields=FIELDS)
    moved = {"source": _move(source, -amount, actor, reallocation), "tranche": None, "target": None}
    if tranche is not None:
        t_before = tranche.amount
        t_after = t_before - amount
        moved["tranche"] = {"id": tranche.pk, "name": tranche.name, "before": t_before, "after": t_after}
        if t_after == 0:
            audit_log(
                "budgets.tranche.removed",
                actor=actor,
                obj=tranche,
                before=snapshot(tranche),
                data={"project": source.pk, "reallocation": reallocation.pk},
            )
            tranche.condition_targets.clear()
            tranche.delete()
            reallocation.source_tranche = None
        else:
            tranche.amount = t_after
            tranche.save(update_fields=["amount"])
    if target is not None:
        moved["target"] = _move(target, amount, actor, reallocation)
    reallocation.status = ReallocationStatus.APPROVED
    reallocation.moved = moved
    reallocation.decided_by = actor
    reallocation.decided_at = timezone.now()
    reallocation.version += 1
    reallocation.save()
    audit_log(
        "budgets.reallocation.approved",
        actor=actor,
        obj=reallocation,
        before=before
        | {
            "source_amount": moved["source"]["before"],
            "tranche_amount": moved["tranche"]["before"] if moved["tranche"] else None,
            "target_amount": moved["target"]["before"] if moved["target"] else None,
        },
        after=snapshot(reallocation, fields=FIELDS)
        | {
            "source_amount": moved["source"]["after"],
            "tranche_amount": moved["tranche"]["after"] if moved["tranche"] else None,
            "target_amount": moved["target"]["after"] if moved["target"] else None,
        },
        data={"project": source.pk},
    )
    _notify_department(
        reallocation,
        kind="budgets.reallocation_approved",
        title=_("Reallocation approved: %(name)s") % {"name": source.name},
        body=_("%(amount)s yuan moved from %(source)s to %(target)s.")
        % {
            "amount": yuan(amount),
            "source": source.name,
            "target": target.name if target else _("the pool"),
        },
    )
    return reallocation


@transaction.atomic
def reallocation_return(*, reallocation: Reallocation, actor, reason: str, expected_version=None) -> Reallocation:
    """Finance returns the request with its reasons; no money moves. The department may change it
    and send it again."""
    reason = _text(reason, "reason", required=True)
    reallocation, source, _target = _decidable(reallocation, actor, expected_version)
    before = snapshot(reallocation, fields=FIELDS)
    reallocation.status = ReallocationStatus.RETURNED
    reallocation.return_reason = reason
    reallocation.decided_by = actor
    reallocation.decided_at = timezone.now()
    reallocation.version += 1
    reallocation.save()
    audit_log(
        "budgets.reallocation.returned",
        actor=actor,
        obj=reallocation,
        before=before,
        after=snapshot(reallocation, fields=FIELDS),
        data={"project": source.pk},
    )
    _notify_department(
        reallocation,
        kind="budgets.reallocation_returned",
        title=_("Reallocation returned: %(name)s") % {"name": source.name},
        body=_("Finance returned the request: %(reason)s") % {"reason": reason},
    )
    return reallocation
