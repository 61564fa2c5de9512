"""Key evaluations (财政重点评价) beside the departments' self-evaluations (docs/budgets.md, section 7).

Finance selects an approved project; finance itself or a third-party evaluation firm scores it on a
sheet of four dimensions (财预〔2020〕10号: decision, process, output, effect; the points are the
year's key-evaluation weights). The total is computed from the sheet (services.appraisal_sheets),
graded by the year's bands, and stands beside the department's self-evaluation with the gap. The
firm submits to finance, which accepts or returns it with reasons; finance's own is accepted at once.
Once accepted it drives next year's recommendation. A key evaluation made before the sheet existed
keeps its total and is marked as entered as a total; one still being worked on moves to the sheet.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_log, snapshot
from core.errors import ApplicationError

from .. import evaluation as ev
from .. import selectors
from ..choices import ProjectStatus
from ..models import (
    AppraisalEvidence,
    AssessorKind,
    BudgetProject,
    KeyEvaluation,
    KeyLine,
    PackageKind,
    WorkPackage,
    WorkStatus,
)
from .appraisal_sheets import (
    KEY_SHEET,
    apply_lines,
    create_lines,
    evidence_add,
    line_problems,
    lines_snapshot,
    sheet_total,
    year_weights,
)
from .appraisal_work import (
    WORK_FIELDS,
    _check_actor,
    _link,
    _notify_finance,
    _open_one,
    _package_for,
    _require_editable_work,
    _review,
    is_evaluator,
    latest_self_evaluation,
)
from .common import _check_version, _text

KEY_FIELDS = WORK_FIELDS + ["grade", "findings", "self_evaluation", "entered_as_total"]


def _state(key: KeyEvaluation) -> dict:
    return snapshot(key, fields=KEY_FIELDS) | {"weights": key.weights, "lines": lines_snapshot(key)}


@transaction.atomic
def key_start(*, project: BudgetProject, actor, package: WorkPackage | None = None) -> KeyEvaluation:
    """Finance selects an approved project for a key evaluation, done by itself or by the package's firm;
    the sheet starts with the year's four weights and the default criteria."""
    project = BudgetProject.objects.select_for_update().select_related("department").get(pk=project.pk)
    package = _package_for(actor, project, package, PackageKind.KEY)
    if project.status != ProjectStatus.APPROVED:
        raise ApplicationError(
            _("Only an approved project can have a key evaluation (this one is %(status)s).")
            % {"status": project.get_status_display()},
            code="invalid_state",
        )
    if _open_one(KeyEvaluation, project).exists():
        raise ApplicationError(
            _("A key evaluation of this project is already under way; finish it first."), code="invalid_state"
        )
    weights = year_weights(KEY_SHEET, selectors.policy_for_year(year=project.year))
    number = (project.key_evaluations.aggregate(m=Max("number"))["m"] or 0) + 1
    key = KeyEvaluation.objects.create(
        project=project,
        number=number,
        package=package,
        assessor_kind=AssessorKind.THIRD_PARTY if package else AssessorKind.FINANCE,
        self_evaluation=latest_self_evaluation(project),
        weights=weights,
        created_by=actor,
    )
    create_lines(KEY_SHEET, key, weights)
    audit_log("budgets.key.started", actor=actor, obj=key, after=_state(key), data={"project": project.pk})
    return key


def _lock_key(key: KeyEvaluation) -> KeyEvaluation:
    return (
        KeyEvaluation.objects.select_for_update(of=("self",))
        .select_related("project", "project__department", "package", "self_evaluation")
        .get(pk=key.pk)
    )


def _to_sheet(key: KeyEvaluation) -> None:
    """A key evaluation entered as a total and still being worked on goes on to the sheet: the year's
    lines are made, and its total comes from them from now on."""
    if not key.entered_as_total or key.lines.exists():
        return
    key.weights = year_weights(KEY_SHEET, selectors.policy_for_year(year=key.project.year))
    create_lines(KEY_SHEET, key, key.weights)
    key.entered_as_total = False


def _grade(key: KeyEvaluation) -> str:
    if key.total is None:
        return ""
    return ev.grade_for(key.total, selectors.policy_for_year(year=key.project.year).bands)


@transaction.atomic
def key_save(*, key: KeyEvaluation, actor, data: Mapping, expected_version: int | None = None) -> KeyEvaluation:
    """Save the sheet (``lines``: {dimension: {criteria, score, comment}}) and the ``findings``.

    The total is the sheet's (never given), graded by the year's bands. Every value is checked
    before anything is written.
    """
    key = _lock_key(key)
    _check_actor(actor, key)
    _check_version(key, expected_version)
    _require_editable_work(key)
    if data.get("total") not in (None, ""):
        raise ApplicationError(
            _("The key score is the sum of the sheet's scores; score each dimension instead."), field="total"
        )
    before = _state(key)
    _to_sheet(key)
    lines = apply_lines(key, data.get("lines"))
    if "findings" in data:
        key.findings = _text(data.get("findings"), "findings")
    for line in lines:
        line.save()
    key.total = sheet_total(lines)
    key.grade = _grade(key)
    key.version += 1
    key.save()
    audit_log("budgets.key.saved", actor=actor, obj=key, before=before, after=_state(key))
    return key


@transaction.atomic
def key_evidence_add(*, line: KeyLine, upload, actor) -> AppraisalEvidence:
    """Attach an evidence file to one dimension of the key evaluation's sheet."""
    key = _lock_key(line.evaluation)
    _check_actor(actor, key)
    _require_editable_work(key)
    return evidence_add(KEY_SHEET, work=key, line=line, upload=upload, actor=actor)


def key_problems(key: KeyEvaluation) -> dict[str, list[str]]:
    """What the key evaluation still lacks before it can be submitted, by field."""
    problems = {} if key.entered_as_total else line_problems(key)
    if key.total is None and not problems:
        problems["total"] = [_("Give the key evaluation's score.")]
    if not key.findings:
        problems["findings"] = [_("Write the findings.")]
    return problems


@transaction.atomic
def key_submit(*, key: KeyEvaluation, actor, expected_version: int | None = None) -> KeyEvaluation:
    """The firm submits its key evaluation to finance; finance's own is accepted at once."""
    key = _lock_key(key)
    _check_actor(actor, key)
    _check_version(key, expected_version)
    _require_editable_work(key)
    problems = key_problems(key)
    if problems:
        raise ApplicationError(_("The key evaluation is not complete."), errors=problems, code="incomplete")
    before = snapshot(key, fields=KEY_FIELDS)
    now = timezone.now()
    key.submitted_at, key.submitted_by = now, actor
    if is_evaluator(actor):
        key.status = WorkStatus.SUBMITTED
    else:
        key.status = WorkStatus.ACCEPTED
        key.reviewed_at, key.reviewed_by = now, actor
        key.self_evaluation = latest_self_evaluation(key.project)
    key.version += 1
    key.save()
    audit_log(
        "budgets.key.submitted" if is_evaluator(actor) else "budgets.key.accepted",
        actor=actor,
        obj=key,
        before=before,
        after=snapshot(key, fields=KEY_FIELDS),
    )
    if is_evaluator(actor):
        _notify_finance(
            kind="budgets.key.submitted",
            title=_("Key evaluation submitted: %(name)s") % {"name": key.project.name},
            body=_("The evaluation firm submitted its key evaluation for your review."),
            link=_link("key_detail", key),
        )
    return key


@transaction.atomic
def key_review(
    *, key: KeyEvaluation, actor, decision: str, reason: str = "", expected_version: int | None = None
) -> KeyEvaluation:
    """Finance accepts the firm's key evaluation (it then drives the recommendation) or returns it."""
    key = _lock_key(key)
    _check_version(key, expected_version)
    return _review(
        key, actor=actor, decision=decision, reason=reason, fields=KEY_FIELDS, kind="key", link=_link("key_detail", key)
    )
