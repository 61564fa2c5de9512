"""Ex-ante assessments (事前绩效评估, docs/budgets.md, section 5): the rule that a new project of the
year's threshold or more needs a supporting assessment before it is submitted, and the assessment's
score sheet from start to finance's conclusion. The evaluator's scope and finance's review are
shared with key evaluations (services.appraisal_work); the score sheet's lines are in
services.appraisal_sheets.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_log, snapshot
from core.errors import ApplicationError
from core.numbers import yuan

from .. import selectors
from ..choices import ProjectStatus
from ..models import (
    SUPPORTING,
    AppraisalEvidence,
    AssessorKind,
    BudgetProject,
    Conclusion,
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
from .appraisal_work import (
    WORK_FIELDS,
    _check_actor,
    _link,
    _notify_department,
    _notify_finance,
    _open_one,
    _package_for,
    _require_editable_work,
    _review,
    is_evaluator,
)
from .common import _check_version, _text

EXANTE_FIELDS = WORK_FIELDS + ["conclusion", "required_changes", "summary"]


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


# --- ex-ante assessments ----------------------------------------------------------------------------------


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
