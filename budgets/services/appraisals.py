"""Ex-ante assessments and third-party work packages, and what key evaluations share with them
(docs/budgets.md, sections 5–7). Key evaluations are in services.key_evaluations, the score sheet
both fill in services.appraisal_sheets.

Finance assigns work to a third-party evaluation firm for a period; the firm sees and changes
only what it is assigned, while the period runs, and submits its work to finance, which accepts
it or returns it with reasons. Finance may also do the work itself: its own submission is accepted
at once. Every step is audited with the values before and after.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_log, snapshot
from core.errors import ApplicationError
from core.numbers import yuan
from core.roles import DEPARTMENT_ROLES, Role
from notifications.services import notify
from organizations.models import Department, User
from organizations.selectors import users_of_department, users_with_role

from .. import selectors
from ..choices import EvaluationStatus, ProjectStatus
from ..models import (
    EDITABLE_WORK,
    SUPPORTING,
    AppraisalEvidence,
    AssessorKind,
    BudgetProject,
    Conclusion,
    Evaluation,
    ExAnteAssessment,
    ExAnteLine,
    PackageKind,
    WorkPackage,
    WorkStatus,
)
from .appraisal_sheets import (
    EXANTE_SHEET,
    apply_lines,
    create_lines,
    evidence_add,
    line_problems,
    lines_snapshot,
    sheet_total,
)
from .common import _check_version, _full_clean, _text

WORK_FIELDS = ["status", "total", "return_reason", "package", "assessor_kind", "version"]
EXANTE_FIELDS = WORK_FIELDS + ["conclusion", "required_changes", "summary"]
KEY_FIELDS = WORK_FIELDS + ["grade", "findings", "self_evaluation", "entered_as_total"]


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


# --- the rule at submission -----------------------------------------------------------------------------


def exante_required(project: BudgetProject, policy=None) -> bool:
    """A new project of the policy's threshold or more needs an ex-ante assessment (inclusive)."""
    if project.is_continuing:
        return False
    policy = policy or selectors.policy_for_year(year=project.year)
    return project.amount >= policy.exante_threshold


def latest_concluded(project: BudgetProject) -> ExAnteAssessment | None:
    return ExAnteAssessment.objects.filter(project=project, status=WorkStatus.ACCEPTED).order_by("-number").first()


def exante_block(project: BudgetProject) -> ApplicationError | None:
    """Why the project may not be submitted for the budget yet, as an error on the ``exante`` field."""
    policy = selectors.policy_for_year(year=project.year)
    if not exante_required(project, policy):
        return None
    concluded = latest_concluded(project)
    if concluded is None:
        message = _(
            "A new project of %(threshold)s yuan or more needs an ex-ante assessment concluding “support” or "
            "“support after changes” before it is submitted (this one asks for %(amount)s yuan)."
        ) % {"threshold": yuan(policy.exante_threshold), "amount": yuan(project.amount)}
        return ApplicationError(message, field="exante", code="exante_required")
    if concluded.conclusion not in SUPPORTING:
        message = _("The ex-ante assessment did not support the project: %(reason)s") % {
            "reason": concluded.summary or concluded.get_conclusion_display()
        }
        return ApplicationError(message, field="exante", code="exante_rejected")
    return None


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


# --- work packages ----------------------------------------------------------------------------------------


@transaction.atomic
def package_create(*, actor, data: Mapping) -> WorkPackage:
    """Finance assigns a firm named projects, or a department's whole spending of a year, for a period."""
    evaluator = data.get("evaluator")
    if not isinstance(evaluator, User) or evaluator.role != Role.EVALUATOR or not evaluator.is_active:
        raise ApplicationError(_("Choose a third-party evaluation firm's account."), field="evaluator")
    if data.get("kind") not in PackageKind.values:
        raise ApplicationError(_("Choose the work."), field="kind")
    year = data.get("year")
    department = data.get("department")
    if department is not None and not isinstance(department, Department):
        raise ApplicationError(_("Choose a department."), field="department")
    projects = list(data.get("projects") or [])
    if department is None and not projects:
        raise ApplicationError(_("Assign projects, or a department's whole spending."), field="projects")
    wrong_year = [p.name for p in projects if p.year != year]
    if wrong_year:
        raise ApplicationError(
            _("These projects are not of %(year)s: %(names)s.") % {"year": year, "names": _(", ").join(wrong_year)},
            field="projects",
        )
    starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
    for field, value in (("starts_on", starts_on), ("ends_on", ends_on)):
        if not isinstance(value, dt.date):
            raise ApplicationError(_("Enter a valid date."), field=field)
    if ends_on < starts_on:
        raise ApplicationError(_("The period cannot end before it starts."), field="ends_on")
    package = WorkPackage(
        evaluator=evaluator,
        kind=data["kind"],
        year=year,
        name=_text(data.get("name"), "name", required=True, max_length=200),
        department=department,
        starts_on=starts_on,
        ends_on=ends_on,
        note=_text(data.get("note"), "note"),
        created_by=actor,
    )
    _full_clean(package)
    package.save()
    package.projects.set(projects)
    audit_log(
        "budgets.workpackage.created",
        actor=actor,
        obj=package,
        after=snapshot(package, exclude=["projects"]) | {"projects": [p.pk for p in projects]},
    )
    notify(
        users=[evaluator],
        kind="budgets.workpackage",
        title=_("New assignment: %(name)s") % {"name": package.name},
        body=_("Finance assigned you %(kind)s from %(start)s to %(end)s.")
        % {"kind": package.get_kind_display(), "start": starts_on, "end": ends_on},
        link=_link("package_detail", package),
    )
    return package


@transaction.atomic
def package_update(*, package: WorkPackage, actor, data: Mapping, expected_version: int | None = None) -> WorkPackage:
    """Finance moves the period of an assignment (extends it, or ends it early) or changes its note."""
    package = WorkPackage.objects.select_for_update().get(pk=package.pk)
    _check_version(package, expected_version)
    before = snapshot(package, exclude=["projects"])
    starts_on = data.get("starts_on", package.starts_on)
    ends_on = data.get("ends_on", package.ends_on)
    for field, value in (("starts_on", starts_on), ("ends_on", ends_on)):
        if not isinstance(value, dt.date):
            raise ApplicationError(_("Enter a valid date."), field=field)
    if ends_on < starts_on:
        raise ApplicationError(_("The period cannot end before it starts."), field="ends_on")
    package.starts_on, package.ends_on = starts_on, ends_on
    if "note" in data:
        package.note = _text(data.get("note"), "note")
    package.version += 1
    package.save()
    audit_log(
        "budgets.workpackage.updated",
        actor=actor,
        obj=package,
        before=before,
        after=snapshot(package, exclude=["projects"]),
    )
    return package


# --- ex-ante assessments ----------------------------------------------------------------------------------


def _open_one(model, project):
    return model.objects.filter(project=project, status__in=[WorkStatus.DRAFT, WorkStatus.SUBMITTED, "returned"])


@transaction.atomic
def exante_start(*, project: BudgetProject, actor, package: WorkPackage | None = None) -> ExAnteAssessment:
    """A new assessment of a project (draft), with the year's five weights and default criteria."""
    project = BudgetProject.objects.select_for_update().select_related("department").get(pk=project.pk)
    package = _package_for(actor, project, package, PackageKind.EX_ANTE)
    if project.status == ProjectStatus.APPROVED:
        raise ApplicationError(
            _("The project is already approved; an ex-ante assessment comes before the budget."), code="invalid_state"
        )
    if _open_one(ExAnteAssessment, project).exists():
        raise ApplicationError(
            _("An assessment of this project is already under way; finish it first."), code="invalid_state"
        )
    policy = selectors.policy_for_year(year=project.year)
    number = (project.exante_assessments.aggregate(m=Max("number"))["m"] or 0) + 1
    assessment = ExAnteAssessment.objects.create(
        project=project,
        number=number,
        package=package,
        assessor_kind=AssessorKind.THIRD_PARTY if package else AssessorKind.FINANCE,
        weights=dict(policy.exante_weights),
        created_by=actor,
    )
    create_lines(EXANTE_SHEET, assessment, policy.exante_weights)
    audit_log(
        "budgets.exante.started",
        actor=actor,
        obj=assessment,
        after=snapshot(assessment, fields=EXANTE_FIELDS) | {"weights": assessment.weights},
        data={"project": project.pk},
    )
    return assessment


def _lock_exante(assessment: ExAnteAssessment) -> ExAnteAssessment:
    return (
        ExAnteAssessment.objects.select_for_update(of=("self",))
        .select_related("project", "project__department", "package")
        .get(pk=assessment.pk)
    )


def _require_editable_work(work) -> None:
    if work.status not in EDITABLE_WORK:
        raise ApplicationError(
            _("This work is %(status)s and cannot be changed.") % {"status": work.get_status_display()},
            code="not_editable",
        )


@transaction.atomic
def exante_save(
    *, assessment: ExAnteAssessment, actor, data: Mapping, expected_version: int | None = None
) -> ExAnteAssessment:
    """Save the sheet: each dimension's criteria, score and comment; the conclusion and its texts.

    ``data``: ``lines`` {dimension: {criteria, score, comment}}, ``conclusion``, ``required_changes``,
    ``summary``. Every value is checked before anything is written.
    """
    assessment = _lock_exante(assessment)
    _check_actor(actor, assessment)
    _check_version(assessment, expected_version)
    _require_editable_work(assessment)
    before = snapshot(assessment, fields=EXANTE_FIELDS) | {"lines": lines_snapshot(assessment)}
    lines = apply_lines(assessment, data.get("lines"))
    if "conclusion" in data:
        conclusion = data.get("conclusion") or ""
        if conclusion and conclusion not in Conclusion.values:
            raise ApplicationError(_("Choose a conclusion."), field="conclusion")
        assessment.conclusion = conclusion
    if "required_changes" in data:
        assessment.required_changes = _text(data.get("required_changes"), "required_changes")
    if "summary" in data:
        assessment.summary = _text(data.get("summary"), "summary")
    if assessment.conclusion == Conclusion.ADJUST and not assessment.required_changes:
        raise ApplicationError(_("List the changes the project must make to be supported."), field="required_changes")
    for line in lines:
        line.save()
    assessment.total = sheet_total(lines)
    assessment.version += 1
    assessment.save()
    audit_log(
        "budgets.exante.saved",
        actor=actor,
        obj=assessment,
        before=before,
        after=snapshot(assessment, fields=EXANTE_FIELDS) | {"lines": lines_snapshot(assessment)},
    )
    return assessment


@transaction.atomic
def exante_evidence_add(*, line: ExAnteLine, upload, actor) -> AppraisalEvidence:
    assessment = _lock_exante(line.assessment)
    _check_actor(actor, assessment)
    _require_editable_work(assessment)
    return evidence_add(EXANTE_SHEET, work=assessment, line=line, upload=upload, actor=actor)


def exante_problems(assessment: ExAnteAssessment) -> dict[str, list[str]]:
    """What the sheet still lacks before it can be submitted, by field."""
    problems = line_problems(assessment)
    if not assessment.conclusion:
        problems.setdefault("conclusion", []).append(_("Choose a conclusion."))
    if assessment.conclusion == Conclusion.ADJUST and not assessment.required_changes:
        problems.setdefault("required_changes", []).append(_("List the changes the project must make."))
    if not assessment.summary:
        problems.setdefault("summary", []).append(_("Write the assessment's opinion."))
    return problems


@transaction.atomic
def exante_submit(*, assessment: ExAnteAssessment, actor, expected_version: int | None = None) -> ExAnteAssessment:
    """The firm submits its assessment to finance; finance's own assessment is concluded at once."""
    assessment = _lock_exante(assessment)
    _check_actor(actor, assessment)
    _check_version(assessment, expected_version)
    _require_editable_work(assessment)
    problems = exante_problems(assessment)
    if problems:
        raise ApplicationError(_("The assessment is not complete."), errors=problems, code="incomplete_assessment")
    before = snapshot(assessment, fields=EXANTE_FIELDS)
    now = timezone.now()
    assessment.submitted_at, assessment.submitted_by = now, actor
    if is_evaluator(actor):
        assessment.status = WorkStatus.SUBMITTED
    else:
        assessment.status = WorkStatus.ACCEPTED
        assessment.reviewed_at, assessment.reviewed_by = now, actor
    assessment.version += 1
    assessment.save()
    audit_log(
        "budgets.exante.submitted" if is_evaluator(actor) else "budgets.exante.concluded",
        actor=actor,
        obj=assessment,
        before=before,
        after=snapshot(assessment, fields=EXANTE_FIELDS),
    )
    link = _link("exante_detail", assessment)
    if is_evaluator(actor):
        _notify_finance(
            kind="budgets.exante.submitted",
            title=_("Ex-ante assessment submitted: %(name)s") % {"name": assessment.project.name},
            body=_("The evaluation firm submitted its assessment for your review."),
            link=link,
        )
    else:
        _announce_conclusion(assessment, link)
    return assessment


def _announce_conclusion(assessment: ExAnteAssessment, link: str) -> None:
    _notify_department(
        assessment.project,
        kind="budgets.exante.concluded",
        title=_("Ex-ante assessment concluded: %(name)s") % {"name": assessment.project.name},
        body=_("Conclusion: %(conclusion)s.") % {"conclusion": assessment.get_conclusion_display()},
        link=link,
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


@transaction.atomic
def exante_review(
    *, assessment: ExAnteAssessment, actor, decision: str, reason: str = "", expected_version: int | None = None
) -> ExAnteAssessment:
    """Finance accepts the firm's assessment (its conclusion then stands) or returns it with reasons."""
    assessment = _lock_exante(assessment)
    _check_version(assessment, expected_version)
    link = _link("exante_detail", assessment)
    _review(assessment, actor=actor, decision=decision, reason=reason, fields=EXANTE_FIELDS, kind="exante", link=link)
    if decision == "accept":
        _announce_conclusion(assessment, link)
    return assessment


# --- shared with key evaluations ---------------------------------------------------------------------------


def latest_self_evaluation(project: BudgetProject) -> Evaluation | None:
    """The department's latest self-evaluation that finance confirmed (a draft is not a result)."""
    return Evaluation.objects.filter(project=project).exclude(status=EvaluationStatus.DRAFT).order_by("-number").first()
