"""Writes of budget performance management. Each is atomic, validated and audited.

The department that asks for money writes the targets (谁申请预算,谁编制目标); finance reviews
them, records execution and year-end values, evaluates and turns results into next year's
recommendations (DESIGN.md §4).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_log, snapshot
from core.errors import ApplicationError, ConflictError
from core.numbers import q2, to_decimal
from core.roles import DEPARTMENT_ROLES, Role
from core.templatetags.perfgov import yuan
from notifications.services import notify
from organizations.models import Department
from organizations.selectors import users_of_department, users_with_role

from . import evaluation as ev
from . import recommendation as rec
from . import selectors
from .choices import (
    EDITABLE_STATUSES,
    Action,
    BudgetDimension,
    FlagReason,
    ProjectStatus,
    RecommendationKind,
    RecommendationStatus,
    RevisionKind,
    TrancheStatus,
)
from .models import (
    MAX_AMOUNT,
    MAX_TEXT,
    BudgetPolicy,
    BudgetProject,
    BudgetTarget,
    Evaluation,
    ProjectRevision,
    Recommendation,
    SpendingRecord,
    Tranche,
)

ZERO = Decimal(0)
PROJECT_FIELDS = ["code", "name", "amount", "funding_source", "category", "description"]
TARGET_FIELDS = [
    "dimension",
    "subdimension",
    "name",
    "operator",
    "value",
    "upper",
    "unit",
    "indicator",
    "weight",
    "order",
]


# --- helpers ---------------------------------------------------------------------------------------


def _check_department(actor, department: Department) -> None:
    """Department users act on their own department only (defence in depth behind the selectors)."""
    if actor is not None and actor.role in DEPARTMENT_ROLES and actor.department_id != department.pk:
        raise ApplicationError(_("You can only work on your own department's projects."), field="department")


def _lock(project: BudgetProject) -> BudgetProject:
    """The project row locked for this transaction (select_for_update), fresh from the database."""
    return BudgetProject.objects.select_for_update().select_related("department").get(pk=project.pk)


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
            snapshot(t, fields=TARGET_FIELDS) | {"id": t.pk, "indicator_code": t.indicator.code if t.indicator else ""}
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


# --- projects and their target sheets ------------------------------------------------------------------


def next_code(*, department: Department, year: int) -> str:
    prefix = f"{department.code}-{year}-"
    taken = set(BudgetProject.objects.filter(year=year, code__startswith=prefix).values_list("code", flat=True))
    n = len(taken) + 1
    while f"{prefix}{n:03d}" in taken:
        n += 1
    return f"{prefix}{n:03d}"


@transaction.atomic
def project_create(*, actor, department: Department, year: int, data: Mapping) -> BudgetProject:
    """A new project in draft, for the actor's own department when the actor is a department user."""
    _check_department(actor, department)
    project = BudgetProject(department=department, year=year, created_by=actor)
    for field in PROJECT_FIELDS:
        if field in data:
            setattr(project, field, data[field])
    if not project.code:
        project.code = next_code(department=department, year=year)
    _full_clean(project)
    project.save()
    audit_log("budgets.project.created", actor=actor, obj=project, after=snapshot(project))
    return project


@transaction.atomic
def project_update(*, project: BudgetProject, actor, data: Mapping, expected_version: int | None = None):
    project = _lock(project)
    _check_department(actor, project.department)
    _check_version(project, expected_version)
    _require_editable(project)
    before = snapshot(project)
    for field in PROJECT_FIELDS:
        if field in data:
            setattr(project, field, data[field])
    _full_clean(project)
    project.save()
    _after_sheet_change(project, actor)
    audit_log("budgets.project.updated", actor=actor, obj=project, before=before, after=snapshot(project))
    return project


@transaction.atomic
def target_save(
    *,
    project: BudgetProject,
    actor,
    data: Mapping,
    target: BudgetTarget | None = None,
    expected_version: int | None = None,
) -> BudgetTarget:
    """Add a target to the sheet or change one; only while the sheet is a draft or returned."""
    project = _lock(project)
    _check_department(actor, project.department)
    _require_editable(project)
    creating = target is None
    if creating:
        target = BudgetTarget(project=project)
        if "order" not in data or data.get("order") is None:
            target.order = (project.targets.aggregate(m=Max("order"))["m"] or 0) + 1
    else:
        target = BudgetTarget.objects.select_for_update().get(pk=target.pk, project=project)
        _check_version(target, expected_version)
    before = None if creating else snapshot(target)
    for field in TARGET_FIELDS:
        if field in data and not (field == "order" and data[field] is None):
            setattr(target, field, data[field])
    target.project = project
    _full_clean(target)
    if not creating:
        target.version += 1
    target.save()
    _after_sheet_change(project, actor)
    audit_log(
        f"budgets.target.{'created' if creating else 'updated'}",
        actor=actor,
        obj=target,
        before=before,
        after=snapshot(target),
        data={"project": project.pk},
    )
    return target


@transaction.atomic
def target_delete(*, target: BudgetTarget, actor) -> None:
    project = _lock(target.project)
    _check_department(actor, project.department)
    _require_editable(project)
    if target.holding_tranches.exists():
        raise ApplicationError(_("A tranche is held until this target is met; change the tranche first."))
    before = snapshot(target)
    pk = target.pk
    target.delete()
    _after_sheet_change(project, actor)
    audit_log(
        "budgets.target.deleted",
        actor=actor,
        object_type="budgets.budgettarget",
        object_id=pk,
        object_repr=before.get("name", ""),
        before=before,
        data={"project": project.pk},
    )


def sheet_problems(*, project: BudgetProject, targets: list[BudgetTarget] | None = None) -> list[str]:
    """Why the sheet cannot be submitted, one message per problem (empty: it can be)."""
    targets = selectors.targets_of(project=project) if targets is None else targets
    problems: list[str] = []
    present = {t.dimension for t in targets}
    missing = [dim for dim in ev.DIMENSION_ORDER if dim.value not in present]
    if missing:
        problems.append(
            _("Every one of the four dimensions needs at least one target. Missing: %(dims)s.")
            % {"dims": _(", ").join(str(d.label) for d in missing)}
        )
    for t in targets:
        try:
            t.full_clean()
        except ValidationError as exc:
            for msgs in exc.message_dict.values():
                for m in msgs:
                    problems.append(_("Target “%(name)s”: %(message)s") % {"name": t.name, "message": m})
    policy = selectors.policy_for_year(year=project.year)
    for text in ev.weight_errors(policy.weights, [t.as_input() for t in targets]):
        problems.append(text.render())
    return problems


@transaction.atomic
def project_submit(*, project: BudgetProject, actor, expected_version: int | None = None) -> BudgetProject:
    """Draft or returned → submitted, once every dimension has a target and every value is valid."""
    project = _lock(project)
    _check_department(actor, project.department)
    _check_version(project, expected_version)
    if project.status not in EDITABLE_STATUSES:
        raise ApplicationError(
            _("Only a draft or returned project can be submitted (this one is %(status)s).")
            % {"status": project.get_status_display()},
            code="invalid_state",
        )
    problems = sheet_problems(project=project)
    if problems:
        raise ApplicationError(
            _("The project cannot be submitted: %(problems)s") % {"problems": " ".join(problems)},
            errors={"targets": problems},
            code="incomplete_sheet",
        )
    before = snapshot(project)
    project.status = ProjectStatus.SUBMITTED
    project.submitted_at = timezone.now()
    project.submitted_by = actor
    project.version += 1
    project.save()
    revision = _revision(project, RevisionKind.SUBMITTED, actor)
    audit_log(
        "budgets.project.submitted",
        actor=actor,
        obj=project,
        before=before,
        after=snapshot(project),
        data={"revision": revision.number},
    )
    notify(
        users=users_with_role(roles=[Role.FINANCE]),
        kind="budgets.submitted",
        title=_("Budget targets submitted: %(name)s") % {"name": project.name},
        body=_("%(department)s submitted the target sheet of %(name)s for review.")
        % {"department": project.department.name, "name": project.name},
        link=_link(project),
    )
    return project


@transaction.atomic
def project_return(*, project: BudgetProject, actor, reason: str, expected_version: int | None = None):
    """Submitted → returned to the department, with the reason (required)."""
    reason = _text(reason, "reason", required=True)
    project = _lock(project)
    _check_version(project, expected_version)
    if project.status != ProjectStatus.SUBMITTED:
        raise ApplicationError(
            _("Only a submitted project can be returned (this one is %(status)s).")
            % {"status": project.get_status_display()},
            code="invalid_state",
        )
    before = snapshot(project)
    project.status = ProjectStatus.RETURNED
    project.return_reason = reason
    project.reviewed_at = timezone.now()
    project.reviewed_by = actor
    project.version += 1
    project.save()
    revision = _revision(project, RevisionKind.RETURNED, actor, reason=reason)
    audit_log(
        "budgets.project.returned",
        actor=actor,
        obj=project,
        before=before,
        after=snapshot(project),
        data={"reason": reason, "revision": revision.number},
    )
    _notify_department(
        project,
        kind="budgets.returned",
        title=_("Budget targets returned: %(name)s") % {"name": project.name},
        body=_("Finance returned the target sheet: %(reason)s") % {"reason": reason},
    )
    return project


@transaction.atomic
def project_approve(*, project: BudgetProject, actor, expected_version: int | None = None) -> BudgetProject:
    """Submitted → approved (finance)."""
    project = _lock(project)
    _check_version(project, expected_version)
    if project.status != ProjectStatus.SUBMITTED:
        raise ApplicationError(
            _("Only a submitted project can be approved (this one is %(status)s).")
            % {"status": project.get_status_display()},
            code="invalid_state",
        )
    before = snapshot(project)
    project.status = ProjectStatus.APPROVED
    project.reviewed_at = timezone.now()
    project.reviewed_by = actor
    project.version += 1
    project.save()
    revision = _revision(project, RevisionKind.APPROVED, actor)
    audit_log(
        "budgets.project.approved",
        actor=actor,
        obj=project,
        before=before,
        after=snapshot(project),
        data={"revision": revision.number},
    )
    _notify_department(
        project,
        kind="budgets.approved",
        title=_("Budget targets approved: %(name)s") % {"name": project.name},
        body=_("Finance approved the target sheet of %(name)s.") % {"name": project.name},
    )
    return project


def _notify_department(project: BudgetProject, *, kind: str, title: str, body: str) -> None:
    notify(
        users=users_of_department(department_id=project.department_id, roles=DEPARTMENT_ROLES),
        kind=kind,
        title=title,
        body=body,
        link=_link(project),
    )


# --- execution: tranches and spending ----------------------------------------------------------------


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
    """Record money spent. Refused, with nothing written, when it would take spending beyond the
    project's amount (or the tranche's), or draw on a held tranche.

    The project row is locked (select_for_update) before the sums are read, so two records
    entered at once cannot both pass the check.
    """
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
    """Year-end actual values: ``values`` maps target id → (actual or None, note). Returns how many changed."""
    project = _lock(project)
    _require_approved(project, _("Recording year-end values"))
    targets = {t.pk: t for t in BudgetTarget.objects.select_for_update().filter(project=project)}
    unknown = [pk for pk in values if pk not in targets]
    if unknown:
        raise ApplicationError(_("Unknown target: %(ids)s.") % {"ids": unknown}, field="target")
    changed = 0
    errors: dict[str, list[str]] = {}
    for pk, (actual, note) in values.items():
        target = targets[pk]
        value = to_decimal(actual) if actual not in (None, "") else None
        if actual not in (None, "") and (value is None or not value.is_finite()):
            errors[f"actual_{pk}"] = [_("Enter a number.")]
            continue
        if value is not None and abs(value) >= Decimal("1e14"):
            errors[f"actual_{pk}"] = [_("This value is too large.")]
            continue
        try:
            note = _text(note, f"note_{pk}", max_length=500)
        except ApplicationError as exc:
            errors.update(exc.errors)
            continue
        if target.actual == value and target.actual_note == note:
            continue
        before = snapshot(target, fields=["actual", "actual_note"])
        target.actual = value
        target.actual_note = note
        target.actual_recorded_at = timezone.now()
        target.actual_recorded_by = actor
        target.version += 1
        target.save(update_fields=["actual", "actual_note", "actual_recorded_at", "actual_recorded_by", "version"])
        audit_log(
            "budgets.actual.recorded",
            actor=actor,
            obj=target,
            before=before,
            after=snapshot(target, fields=["actual", "actual_note"]),
            data={"project": project.pk},
        )
        changed += 1
    if errors:
        raise ApplicationError(_("Please correct the values marked."), errors=errors)
    return changed


@transaction.atomic
def evaluation_compute(*, project: BudgetProject, actor) -> Evaluation:
    """Score the project from its year-end values and spending under its year's policy.

    A new row each time: earlier evaluations stay readable.
    """
    project = _lock(project)
    _require_approved(project, _("An evaluation"))
    policy = selectors.policy_for_year(year=project.year)
    targets = selectors.targets_of(project=project)
    spent = selectors.spent_of(project=project)
    result = ev.evaluate(
        amount=project.amount,
        spent=spent,
        targets=[t.as_input() for t in targets],
        weights=policy.weights,
        bands=policy.bands,
    )
    number = (Evaluation.objects.filter(project=project).aggregate(m=Max("number"))["m"] or 0) + 1
    evaluation = Evaluation.objects.create(
        project=project,
        number=number,
        total=result.total,
        grade=result.grade,
        amount=project.amount,
        spent=spent,
        execution_rate=result.execution_rate,
        weights=policy.weights.as_json() | {"bands": {c: str(m) for c, m in policy.bands}},
        ledger=result.as_json(),
        computed_by=actor,
    )
    audit_log(
        "budgets.evaluation.computed",
        actor=actor,
        obj=evaluation,
        after={"total": result.total, "grade": result.grade, "number": number},
        data={"project": project.pk},
    )
    return evaluation


# --- policy ----------------------------------------------------------------------------------------------


@transaction.atomic
def policy_save(*, year: int, actor, data: Mapping, expected_version: int | None = None) -> BudgetPolicy:
    """Set a year's weights, grade thresholds and recommendation matrix (finance)."""
    policy = BudgetPolicy.objects.select_for_update().filter(year=year).first()
    creating = policy is None
    if creating:
        policy = BudgetPolicy(year=year)
    else:
        _check_version(policy, expected_version)
    before = None if creating else snapshot(policy)
    for field, value in data.items():
        setattr(policy, field, value)
    policy.updated_by = actor
    _full_clean(policy)
    if not creating:
        policy.version += 1
    policy.save()
    audit_log(
        f"budgets.policy.{'created' if creating else 'updated'}",
        actor=actor,
        obj=policy,
        before=before,
        after=snapshot(policy),
    )
    return policy


# --- recommendations for next year ----------------------------------------------------------------------


@transaction.atomic
def recommendations_generate(*, year: int, actor, department_grades: Mapping[int, str] | None = None) -> dict:
    """Recommendations for the budget year ``year`` from the evaluations of ``year - 1``.

    ``department_grades`` (department id → assessment grade code) defaults to the assessments
    app's annual grades of ``year - 1``; without them the policy's "no assessment grade" column
    applies. A project that asked for money but has no target gets a flag instead; one without an
    evaluation is flagged as not evaluated. Decided recommendations are left as they are.
    """
    evaluated_year = year - 1
    if department_grades is None:
        department_grades = selectors.department_grades(year=evaluated_year) or {}
    policy = selectors.policy_for_year(year=year)
    projects = (
        BudgetProject.objects.filter(year=evaluated_year)
        .select_related("department")
        .prefetch_related("targets")
        .order_by("department__order", "code")
    )
    latest = {}
    for e in Evaluation.objects.filter(project__year=evaluated_year).order_by("project_id", "number"):
        latest[e.project_id] = e
    existing = {r.project_id: r for r in Recommendation.objects.select_for_update().filter(year=year)}
    counts = {"recommendations": 0, "flags": 0, "kept": 0}
    for project in projects:
        current = existing.get(project.pk)
        if current is not None and current.status != RecommendationStatus.PROPOSED:
            counts["kept"] += 1
            continue
        row = current or Recommendation(year=year, project=project)
        row.department = project.department
        row.base_amount = project.amount
        raw_grade = department_grades.get(project.department_id) or ""
        row.department_grade = raw_grade
        row.department_grade_column = rec.department_grade_code(raw_grade)
        evaluation = latest.get(project.pk)
        if not project.targets.all():
            _as_flag(row, FlagReason.NO_TARGETS)
        elif evaluation is None:
            _as_flag(row, FlagReason.NOT_EVALUATED)
        else:
            action, percent = rec.recommend(policy.matrix, evaluation.grade, raw_grade)
            row.kind = RecommendationKind.RECOMMENDATION
            row.flag_reason = ""
            row.evaluation = evaluation
            row.project_grade = evaluation.grade
            row.action = action
            row.percent = percent
            row.recommended_amount = rec.recommended_amount(project.amount, percent)
        row.save()
        counts["flags" if row.kind == RecommendationKind.FLAG else "recommendations"] += 1
    audit_log(
        "budgets.recommendation.generated",
        actor=actor,
        object_type="budgets.recommendation",
        object_repr=str(year),
        data=counts | {"year": year, "evaluated_year": evaluated_year, "department_grades": bool(department_grades)},
    )
    return counts


def _as_flag(row: Recommendation, reason: str) -> None:
    row.kind = RecommendationKind.FLAG
    row.flag_reason = reason
    row.evaluation = None
    row.project_grade = ""
    row.action = ""
    row.percent = None
    row.recommended_amount = None


@transaction.atomic
def recommendation_decide(
    *,
    recommendation: Recommendation,
    actor,
    decision: str,
    reason: str = "",
    final_action: str = "",
    final_amount=None,
    expected_version: int | None = None,
) -> Recommendation:
    """Finance accepts a recommendation, or overrides it with an amount, an action and a reason.

    The generated recommendation stays as it was beside the decision.
    """
    row = Recommendation.objects.select_for_update().select_related("project").get(pk=recommendation.pk)
    _check_version(row, expected_version)
    before = snapshot(row)
    if decision == "accept":
        row.status = RecommendationStatus.ACCEPTED
        row.final_action = row.action
        row.final_amount = row.recommended_amount
        row.reason = _text(reason, "reason")
    elif decision == "override":
        row.reason = _text(reason, "reason", required=True)
        if final_action not in Action.values:
            raise ApplicationError(_("Choose the action."), field="final_action")
        if final_action == Action.SUSPEND:
            amount = ZERO
        else:
            amount = to_decimal(final_amount)
            if amount is None or not amount.is_finite():
                raise ApplicationError(_("Enter an amount in yuan."), field="final_amount")
            if amount < ZERO:
                raise ApplicationError(_("The amount cannot be negative."), field="final_amount")
            if amount > MAX_AMOUNT:
                raise ApplicationError(
                    _("The amount cannot exceed %(max)s yuan.") % {"max": yuan(MAX_AMOUNT)}, field="final_amount"
                )
        row.status = RecommendationStatus.OVERRIDDEN
        row.final_action = final_action
        row.final_amount = q2(amount)
    else:
        raise ApplicationError(_("Accept or override."), field="decision")
    row.decided_by = actor
    row.decided_at = timezone.now()
    row.version += 1
    row.save()
    audit_log(
        f"budgets.recommendation.{'accepted' if decision == 'accept' else 'overridden'}",
        actor=actor,
        obj=row,
        before=before,
        after=snapshot(row),
    )
    return row


def project_dimension_counts(project: BudgetProject) -> dict[str, int]:
    counts = dict.fromkeys(BudgetDimension.values, 0)
    for dim in project.targets.values_list("dimension", flat=True):
        counts[dim] += 1
    return counts
