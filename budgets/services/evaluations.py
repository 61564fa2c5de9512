"""The self-evaluation of a project: computed as a draft, confirmed by finance, then published (公开).

docs/budgets.md, "Evaluation". An evaluation is never changed once computed: computing again makes
a new draft, and the earlier ones stay readable. Only a confirmed evaluation feeds next year's
recommendation; only a published one reaches the public pages.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_log
from core.errors import ApplicationError

from .. import evaluation as ev
from .. import selectors, sheet_selectors
from ..choices import EvaluationStatus
from ..locking import lock_evaluation
from ..models import BudgetProject, Evaluation
from .common import _lock, _require_approved


def missing_actuals(targets) -> list:
    """The targets with no year-end value that are not marked not applicable."""
    return [t for t in targets if t.actual is None and not t.not_applicable]


@transaction.atomic
def evaluation_compute(*, project: BudgetProject, actor) -> Evaluation:
    """Score the project from its year-end values and spending under its year's policy (a new draft).

    Refused, naming each target, while a target has no year-end value and is not marked not
    applicable with a reason: a blank is never scored as 0.
    """
    project = _lock(project)
    _require_approved(project, _("An evaluation"))
    policy = selectors.policy_for_year(year=project.year)
    targets = selectors.targets_of(project=project)
    blank = missing_actuals(targets)
    if blank:
        raise ApplicationError(
            _("No year-end value for: %(names)s. Enter each value, or mark the target not applicable with a reason.")
            % {"names": "、".join(t.name for t in blank)},
            errors={
                f"actual_{t.pk}": [_("Enter the year-end value, or mark the target not applicable with a reason.")]
                for t in blank
            },
            code="actuals_missing",
        )
    spent = selectors.spent_of(project=project)
    result = ev.evaluate(
        amount=project.amount,
        spent=spent,
        targets=[t.as_input() for t in targets if not t.not_applicable],
        weights=policy.weights,
        bands=policy.bands,
        not_applicable=[(t.as_input(), t.not_applicable_reason) for t in targets if t.not_applicable],
    )
    number = (Evaluation.objects.filter(project=project).aggregate(m=Max("number"))["m"] or 0) + 1
    in_force = sheet_selectors.adjustment_in_force(project=project)
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
        status=EvaluationStatus.DRAFT,
        sheet_version=in_force.sheet_version if in_force else 1,
        sheet_adjustment=in_force,
    )
    audit_log(
        "budgets.evaluation.computed",
        actor=actor,
        obj=evaluation,
        after={
            "total": result.total,
            "grade": result.grade,
            "number": number,
            "status": evaluation.status,
            "sheet_version": evaluation.sheet_version,
        },
        data={"project": project.pk},
    )
    return evaluation


def _latest_check(evaluation: Evaluation) -> None:
    latest = Evaluation.objects.filter(project_id=evaluation.project_id).aggregate(m=Max("number"))["m"]
    if evaluation.number != latest:
        raise ApplicationError(
            _("A later evaluation (#%(n)s) of this project exists: confirm or publish that one.") % {"n": latest},
            code="invalid_state",
        )


def _advance(evaluation: Evaluation, actor, *, source: str, target: str, refusal: str) -> Evaluation:
    """Move the project's latest evaluation one step (draft → confirmed → published), audited."""
    evaluation = lock_evaluation(evaluation.pk)
    if evaluation.status != source:
        raise ApplicationError(refusal % {"status": evaluation.get_status_display()}, code="invalid_state")
    _latest_check(evaluation)
    step = "confirmed" if target == EvaluationStatus.CONFIRMED else "published"
    evaluation.status = target
    setattr(evaluation, f"{step}_at", timezone.now())
    setattr(evaluation, f"{step}_by", actor)
    evaluation.save(update_fields=["status", f"{step}_at", f"{step}_by"])
    audit_log(
        f"budgets.evaluation.{step}",
        actor=actor,
        obj=evaluation,
        before={"status": source},
        after={"status": target},
        data={"project": evaluation.project_id, "number": evaluation.number, "total": evaluation.total},
    )
    return evaluation


@transaction.atomic
def evaluation_confirm(*, evaluation: Evaluation, actor) -> Evaluation:
    """Finance confirms the latest draft evaluation of a project: it now feeds the recommendation."""
    return _advance(
        evaluation,
        actor,
        source=EvaluationStatus.DRAFT,
        target=EvaluationStatus.CONFIRMED,
        refusal=_("Only a draft evaluation can be confirmed (this one is %(status)s)."),
    )


@transaction.atomic
def evaluation_publish(*, evaluation: Evaluation, actor) -> Evaluation:
    """Publish (公开) a confirmed evaluation: it appears on the public pages from now on."""
    return _advance(
        evaluation,
        actor,
        source=EvaluationStatus.CONFIRMED,
        target=EvaluationStatus.PUBLISHED,
        refusal=_("Only a confirmed evaluation can be published (this one is %(status)s)."),
    )
