"""Projects and their target sheets: writing the sheet, submission, return and approval."""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_log, snapshot
from core.errors import ApplicationError
from core.roles import DEPARTMENT_ROLES, Role
from notifications.services import notify
from organizations.models import Department
from organizations.selectors import users_of_department, users_with_role

from .. import evaluation as ev
from .. import selectors
from ..choices import EDITABLE_STATUSES, ProjectStatus, RevisionKind
from ..models import BudgetProject, BudgetTarget
from .common import (
    PROJECT_FIELDS,
    TARGET_FIELDS,
    _after_sheet_change,
    _check_department,
    _check_version,
    _full_clean,
    _link,
    _lock,
    _require_editable,
    _revision,
    _text,
)
from .library import retired_choice_error


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
    chosen_before = None if creating else target.library_indicator_id
    for field in TARGET_FIELDS:
        if field in data and not (field == "order" and data[field] is None):
            setattr(target, field, data[field])
    target.project = project
    retired = retired_choice_error(target.library_indicator, chosen_before)
    if retired:
        raise ApplicationError(retired, field="library_indicator")
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
    # A new project at or above the year's threshold needs a supporting ex-ante assessment.
    from .exante import exante_block

    blocked = exante_block(project)
    if blocked is not None:
        raise blocked
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
