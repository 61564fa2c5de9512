"""What ex-ante assessments and key evaluations share (docs/budgets.md, sections 5–7): the
third-party evaluator's scope, the state in which work may change, finance's review and the
notifications around it. The ex-ante assessments are in services.exante, the key evaluations in
services.key_evaluations, the work packages that assign them in services.work_packages.

Finance assigns work to a third-party evaluation firm for a period; the firm sees and changes
only what it is assigned, while the period runs, and submits its work to finance, which accepts
it or returns it with reasons. Finance may also do the work itself: its own submission is accepted
at once. Every step is audited with the values before and after.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_log, snapshot
from core.errors import ApplicationError
from core.roles import DEPARTMENT_ROLES, Role
from notifications.services import notify
from organizations.selectors import users_of_department, users_with_role

from ..choices import EvaluationStatus
from ..models import EDITABLE_WORK, AssessorKind, BudgetProject, Evaluation, WorkPackage, WorkStatus
from .common import _text

WORK_FIELDS = ["status", "total", "return_reason", "package", "assessor_kind", "version"]


class AssignmentClosed(ApplicationError):
    """The evaluator's assignment is not running today (before its start or after its end)."""

    status_code = 403

    def __init__(self, message, **kwargs):
        kwargs.setdefault("code", "assignment_closed")
        super().__init__(message, **kwargs)


class NotAssigned(ApplicationError):
    """The evaluator has no assignment covering this project (the pages and the API answer 404)."""

    status_code = 404

    def __init__(self, message, **kwargs):
        kwargs.setdefault("code", "not_found")
        super().__init__(message, **kwargs)


# --- scope of the third-party evaluator -------------------------------------------------------------------


def is_evaluator(user) -> bool:
    return getattr(user, "role", None) == Role.EVALUATOR


def check_package_open(package: WorkPackage, *, day: dt.date | None = None) -> None:
    day = day or timezone.localdate()
    if not package.is_open(day):
        raise AssignmentClosed(
            _("The assignment “%(name)s” runs from %(start)s to %(end)s; today it is closed.")
            % {"name": package.name, "start": package.starts_on, "end": package.ends_on}
        )


def _check_actor(actor, work) -> None:
    """Finance writes its own work and reviews the firm's; the firm writes its own assigned work while
    the period runs."""
    if not is_evaluator(actor):
        if work.assessor_kind == AssessorKind.THIRD_PARTY:
            raise ApplicationError(
                _("This work is done by the evaluation firm; finance reviews it once submitted."), code="not_yours"
            )
        return
    package = work.package
    if package is None or package.evaluator_id != actor.pk or not package.covers(work.project):
        raise NotAssigned(_("Not found."))
    check_package_open(package)


def _package_for(actor, project: BudgetProject, package: WorkPackage | None, kind: str) -> WorkPackage | None:
    if is_evaluator(actor) and (package is None or package.evaluator_id != actor.pk or not package.covers(project)):
        raise NotAssigned(_("Not found."))
    if package is not None:
        if package.kind != kind:
            raise ApplicationError(_("This work package is for other work."), field="package")
        if not package.covers(project):
            raise ApplicationError(_("The work package does not cover this project."), field="package")
    if is_evaluator(actor):
        check_package_open(package)
    return package


# --- notifications ------------------------------------------------------------------------------------------


def _link(name: str, obj) -> str:
    return reverse(f"budgets:{name}", args=[obj.pk])


def _notify_finance(*, kind: str, title: str, body: str, link: str) -> None:
    notify(users=users_with_role(roles=[Role.FINANCE]), kind=kind, title=title, body=body, link=link)


def _notify_evaluator(work, *, kind: str, title: str, body: str, link: str) -> None:
    if work.package_id:
        notify(users=[work.package.evaluator], kind=kind, title=title, body=body, link=link)


def _notify_department(project: BudgetProject, *, kind: str, title: str, body: str, link: str) -> None:
    notify(
        users=users_of_department(department_id=project.department_id, roles=DEPARTMENT_ROLES),
        kind=kind,
        title=title,
        body=body,
        link=link,
    )


# --- the work's state and finance's review ------------------------------------------------------------------


def _open_one(model, project):
    return model.objects.filter(project=project, status__in=[WorkStatus.DRAFT, WorkStatus.SUBMITTED, "returned"])


def _require_editable_work(work) -> None:
    if work.status not in EDITABLE_WORK:
        raise ApplicationError(
            _("This work is %(status)s and cannot be changed.") % {"status": work.get_status_display()},
            code="not_editable",
        )


def _review(work, *, actor, decision: str, reason: str, fields: list[str], kind: str, link: str):
    if work.status != WorkStatus.SUBMITTED:
        raise ApplicationError(
            _("Only submitted work can be accepted or returned (this one is %(status)s).")
            % {"status": work.get_status_display()},
            code="invalid_state",
        )
    before = snapshot(work, fields=fields)
    if decision == "accept":
        work.status = WorkStatus.ACCEPTED
        work.return_reason = _text(reason, "reason")
    elif decision == "return":
        work.status = WorkStatus.RETURNED
        work.return_reason = _text(reason, "reason", required=True)
    else:
        raise ApplicationError(_("Accept or return."), field="decision")
    work.reviewed_at, work.reviewed_by = timezone.now(), actor
    if kind == "key" and decision == "accept":
        work.self_evaluation = latest_self_evaluation(work.project)
    work.version += 1
    work.save()
    audit_log(
        f"budgets.{kind}.{'accepted' if decision == 'accept' else 'returned'}",
        actor=actor,
        obj=work,
        before=before,
        after=snapshot(work, fields=fields),
        data={"reason": work.return_reason} if work.return_reason else None,
    )
    if decision == "return":
        _notify_evaluator(
            work,
            kind=f"budgets.{kind}.returned",
            title=_("Work returned: %(name)s") % {"name": work.project.name},
            body=_("Finance returned your work: %(reason)s") % {"reason": work.return_reason},
            link=link,
        )
    else:
        _notify_evaluator(
            work,
            kind=f"budgets.{kind}.accepted",
            title=_("Work accepted: %(name)s") % {"name": work.project.name},
            body=_("Finance accepted your work."),
            link=link,
        )
    return work


def latest_self_evaluation(project: BudgetProject) -> Evaluation | None:
    """The department's latest self-evaluation that finance confirmed (a draft is not a result)."""
    return Evaluation.objects.filter(project=project).exclude(status=EvaluationStatus.DRAFT).order_by("-number").first()
