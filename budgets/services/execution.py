"""Execution: tranches, spending under a row lock, and the year-end values."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import Outcome
from audit.services import audit_log, audit_log_many, snapshot
from core.errors import ApplicationError
from core.numbers import q2, to_decimal, yuan

from .. import evaluation as ev
from ..choices import TrancheStatus
from ..models import BudgetProject, BudgetTarget, SpendingRecord, Tranche
from .common import ZERO, _date_in_year, _full_clean, _lock, _money, _require_approved, _text


@transaction.atomic
def tranche_create(
    *,
    project: BudgetProject,
    actor,
    name: str,
    amount,
    planned_date: dt.date | None = None,
    condition_targets: Iterable[BudgetTarget] = (),
) -> Tranche:
    """A tranche of the project's money; naming targets holds it back until finance releases it."""
    project = _lock(project)
    name = _text(name, "name", required=True, max_length=100)
    amount = _money(amount, "amount")
    if planned_date is not None:
        _date_in_year(planned_date, project, "planned_date")
    conditions = list(condition_targets)
    if any(t.project_id != project.pk for t in conditions):
        raise ApplicationError(_("Name targets of this project only."), field="condition_targets")
    planned = Tranche.objects.filter(project=project).aggregate(s=Sum("amount"))["s"] or ZERO
    if planned + amount > project.amount:
        raise ApplicationError(
            _("The tranches would add up to %(total)s yuan, beyond the project's amount of %(amount)s yuan.")
            % {"total": yuan(planned + amount), "amount": yuan(project.amount)},
            field="amount",
        )
    tranche = Tranche(
        project=project,
        name=name,
        amount=amount,
        planned_date=planned_date,
        status=TrancheStatus.HELD if conditions else TrancheStatus.OPEN,
        order=Tranche.objects.filter(project=project).count() + 1,
    )
    _full_clean(tranche)
    tranche.save()
    tranche.condition_targets.set(conditions)
    audit_log(
        "budgets.tranche.created",
        actor=actor,
        obj=tranche,
        after=snapshot(tranche) | {"condition_targets": [t.pk for t in conditions]},
        data={"project": project.pk},
    )
    return tranche


def tranche_conditions(tranche: Tranche) -> list[dict]:
    """Each named target with whether its recorded value meets it (None: no value yet)."""
    out = []
    for t in tranche.condition_targets.all():
        met = None
        if t.actual is not None:
            spec = ev.target_spec(t.as_input(), Decimal(1))
            met = ev.scoring.target_met(spec, t.actual)
        out.append({"target": t, "met": met})
    return out


@transaction.atomic
def tranche_release(*, tranche: Tranche, actor, note: str = "") -> Tranche:
    """Release a held tranche (finance). Without recorded values meeting every named target,
    the note must say on what evidence the targets are met."""
    project = _lock(tranche.project)
    tranche = Tranche.objects.select_for_update().get(pk=tranche.pk)
    if tranche.status != TrancheStatus.HELD:
        raise ApplicationError(_("Only a held tranche can be released."), code="invalid_state")
    if tranche.paused_at is not None:
        raise ApplicationError(
            _("The tranche is paused (%(reason)s); finance must lift the pause first.")
            % {"reason": tranche.pause_reason},
            code="invalid_state",
        )
    note = _text(note, "note")
    conditions = tranche_conditions(tranche)
    unmet = [c["target"].name for c in conditions if c["met"] is not True]
    if unmet and not note:
        raise ApplicationError(
            _("No recorded value shows these targets met: %(targets)s. Say on what evidence you release the tranche.")
            % {"targets": _(", ").join(unmet)},
            field="note",
        )
    before = snapshot(tranche)
    tranche.status = TrancheStatus.RELEASED
    tranche.released_at = timezone.now()
    tranche.released_by = actor
    tranche.release_note = note
    tranche.save()
    audit_log(
        "budgets.tranche.released",
        actor=actor,
        obj=tranche,
        before=before,
        after=snapshot(tranche),
        data={"project": project.pk, "unmet_targets": unmet},
    )
    return tranche


@transaction.atomic
def tranches_pause(*, project: BudgetProject, reason: str, actor=None) -> list[int]:
    """Pause every unreleased tranche of the project that is not paused yet (暂停拨付).

    Called by dual monitoring when a warning went unanswered; returns the tranches paused now
    (none when all were paused already, so a second call changes nothing and audits nothing).
    """
    return tranches_pause_many(reasons={project.pk: reason}, actor=actor).get(project.pk, [])


@transaction.atomic
def tranches_pause_many(*, reasons: Mapping[int, str], actor=None) -> dict[int, list[int]]:
    """``tranches_pause`` for many projects at once (project id → reason), in a number of
    statements that does not grow with the projects: the projects locked in id order, their
    unpaused unreleased tranches paused, one audit event per project that had any."""
    reasons = {pk: _text(reason, "reason", required=True, max_length=500) for pk, reason in reasons.items()}
    # The projects locked in id order as ids: a province's checkpoint may lapse thousands of
    # them, and only those with a tranche to pause are read whole (for their audit event).
    locked = list(
        BudgetProject.objects.select_for_update(of=("self",), no_key=True)
        .filter(pk__in=sorted(reasons))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    by_project: dict[int, list[int]] = {}
    for pk, project_id in (
        Tranche.objects.select_for_update(of=("self",))
        .filter(project_id__in=locked, paused_at__isnull=True)
        .exclude(status=TrancheStatus.RELEASED)
        .order_by("pk")
        .values_list("pk", "project_id")
    ):
        by_project.setdefault(project_id, []).append(pk)
    if not by_project:
        return {}
    now = timezone.now()
    ids_by_reason: dict[str, list[int]] = {}
    for project_id, ids in by_project.items():
        ids_by_reason.setdefault(reasons[project_id], []).extend(ids)
    for reason, ids in ids_by_reason.items():
        Tranche.objects.filter(pk__in=ids).update(paused_at=now, pause_reason=reason)
    projects = BudgetProject.objects.select_related("department").in_bulk(list(by_project))
    audit_log_many(
        "budgets.tranches.paused",
        [
            {
                "obj": projects[project_id],
                "before": {"paused": []},
                "after": {"paused": ids, "reason": reasons[project_id]},
                "data": {"tranches": ids},
            }
            for project_id, ids in sorted(by_project.items())
        ],
        actor=actor,
    )
    return by_project


@transaction.atomic
def tranches_resume(*, project: BudgetProject, actor, reason: str) -> list[int]:
    """Lift the pause of the project's paused tranches (finance), with a reason."""
    project = _lock(project)
    reason = _text(reason, "reason", required=True)
    ids = list(
        Tranche.objects.select_for_update()
        .filter(project=project, paused_at__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not ids:
        raise ApplicationError(_("No tranche of this project is paused."), code="invalid_state")
    Tranche.objects.filter(pk__in=ids).update(paused_at=None, pause_reason="")
    audit_log(
        "budgets.tranches.resumed",
        actor=actor,
        obj=project,
        before={"paused": ids},
        after={"paused": []},
        data={"tranches": ids, "reason": reason},
    )
    return ids


def spending_record(
    *,
    project: BudgetProject,
    actor,
    date: dt.date,
    amount,
    tranche: Tranche | None = None,
    description: str = "",
    voucher: str = "",
) -> SpendingRecord:
    """Record money spent. Refused, with no spending written, when it would take spending beyond
    the project's amount (or the tranche's), or draw on a held tranche.

    The project row is locked (select_for_update) before the sums are read, so two records
    entered at once cannot both pass the check. An attempt beyond the budget is audited as
    ``budgets.spending.refused`` (outcome failure) once the refused write is rolled back: the
    audit administrator sees attempts to overspend, not only what was spent.
    """
    try:
        return _spending_record(
            project=project,
            actor=actor,
            date=date,
            amount=amount,
            tranche=tranche,
            description=description,
            voucher=voucher,
        )
    except ApplicationError as exc:
        if exc.code == "over_budget":
            audit_log(
                "budgets.spending.refused",
                actor=actor,
                obj=project,
                outcome=Outcome.FAILURE,
                data={
                    "amount": str(amount),
                    "date": date,
                    "tranche": tranche.pk if tranche is not None else None,
                    "reason": str(exc.message),
                },
            )
        raise


@transaction.atomic
def _spending_record(
    *,
    project: BudgetProject,
    actor,
    date: dt.date,
    amount,
    tranche: Tranche | None,
    description: str,
    voucher: str,
) -> SpendingRecord:
    project = _lock(project)
    _require_approved(project, _("Recording spending"))
    amount = _money(amount, "amount")
    _date_in_year(date, project, "date", not_after_today=True)
    description = _text(description, "description", max_length=200)
    voucher = _text(voucher, "voucher", max_length=50)
    has_tranches = Tranche.objects.filter(project=project).exists()
    if tranche is not None:
        tranche = Tranche.objects.select_for_update().filter(pk=tranche.pk, project=project).first()
        if tranche is None:
            raise ApplicationError(_("This tranche belongs to another project."), field="tranche")
        if tranche.status == TrancheStatus.HELD:
            raise ApplicationError(
                _("The tranche “%(name)s” is held back until its targets are met; finance must release it first.")
                % {"name": tranche.name},
                field="tranche",
            )
        if tranche.paused_at is not None:
            raise ApplicationError(
                _("The tranche “%(name)s” is paused (%(reason)s); finance must lift the pause first.")
                % {"name": tranche.name, "reason": tranche.pause_reason},
                field="tranche",
            )
    elif has_tranches:
        raise ApplicationError(_("This project is paid in tranches: choose the tranche."), field="tranche")
    spent = SpendingRecord.objects.filter(project=project).aggregate(s=Sum("amount"))["s"] or ZERO
    if spent + amount > project.amount:
        raise ApplicationError(
            _(
                "This would take spending to %(total)s yuan, beyond the project's amount of %(amount)s yuan "
                "(%(left)s yuan left)."
            )
            % {"total": yuan(spent + amount), "amount": yuan(project.amount), "left": yuan(project.amount - spent)},
            field="amount",
            code="over_budget",
        )
    if tranche is not None:
        in_tranche = SpendingRecord.objects.filter(tranche=tranche).aggregate(s=Sum("amount"))["s"] or ZERO
        if in_tranche + amount > tranche.amount:
            raise ApplicationError(
                _(
                    "This would take the tranche “%(name)s” to %(total)s yuan, beyond its %(amount)s yuan "
                    "(%(left)s yuan left)."
                )
                % {
                    "name": tranche.name,
                    "total": yuan(in_tranche + amount),
                    "amount": yuan(tranche.amount),
                    "left": yuan(tranche.amount - in_tranche),
                },
                field="amount",
                code="over_budget",
            )
    record = SpendingRecord(
        project=project,
        tranche=tranche,
        date=date,
        amount=amount,
        description=description,
        voucher=voucher,
        recorded_by=actor,
    )
    _full_clean(record)
    record.save()
    audit_log(
        "budgets.spending.recorded",
        actor=actor,
        obj=record,
        after=snapshot(record),
        data={"project": project.pk, "spent_before": q2(spent), "spent_after": q2(spent + amount)},
    )
    return record


# --- year-end values and evaluation ----------------------------------------------------------------------


@transaction.atomic
def actuals_record(*, project: BudgetProject, actor, values: Mapping[int, tuple]) -> int:
    """Year-end actual values: ``values`` maps target id → (actual or None, note[, not applicable, reason]).

    A target marked not applicable has no value and says why; it is left out of the evaluation.
    Returns how many targets changed."""
    project = _lock(project)
    _require_approved(project, _("Recording year-end values"))
    targets = {t.pk: t for t in BudgetTarget.objects.select_for_update().filter(project=project)}
    unknown = [pk for pk in values if pk not in targets]
    if unknown:
        raise ApplicationError(_("Unknown target: %(ids)s.") % {"ids": unknown}, field="target")
    changed = 0
    errors: dict[str, list[str]] = {}
    for pk, given in values.items():
        target = targets[pk]
        actual, note = given[0], given[1]
        not_applicable = bool(given[2]) if len(given) > 2 else target.not_applicable
        reason = given[3] if len(given) > 3 else target.not_applicable_reason
        value = to_decimal(actual) if actual not in (None, "") else None
        if actual not in (None, "") and (value is None or not value.is_finite()):
            errors[f"actual_{pk}"] = [_("Enter a number.")]
            continue
        if value is not None and abs(value) >= Decimal("1e14"):
            errors[f"actual_{pk}"] = [_("This value is too large.")]
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
        fields = ["actual", "actual_note", "not_applicable", "not_applicable_reason"]
        if (target.actual, target.actual_note, target.not_applicable, target.not_applicable_reason) == (
            value,
            note,
            not_applicable,
            reason,
        ):
            continue
        before = snapshot(target, fields=fields)
        target.actual = value
        target.actual_note = note
        target.not_applicable = not_applicable
        target.not_applicable_reason = reason
        target.actual_recorded_at = timezone.now()
        target.actual_recorded_by = actor
        target.version += 1
        target.save(update_fields=[*fields, "actual_recorded_at", "actual_recorded_by", "version"])
        audit_log(
            "budgets.actual.recorded",
            actor=actor,
            obj=target,
            before=before,
            after=snapshot(target, fields=fields),
            data={"project": project.pk},
        )
        changed += 1
    if errors:
        raise ApplicationError(_("Please correct the values marked."), errors=errors)
    return changed
