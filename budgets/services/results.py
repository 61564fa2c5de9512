"""The yearly policy and next year's recommendations."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_log, snapshot
from core.errors import ApplicationError
from core.numbers import q2, to_decimal, yuan

from .. import recommendation as rec
from .. import selectors
from ..choices import Action, EvaluationStatus, FlagReason, RecommendationKind, RecommendationStatus
from ..locking import lock_recommendation
from ..models import (
    MAX_AMOUNT,
    BudgetPolicy,
    BudgetProject,
    Evaluation,
    KeyEvaluation,
    Recommendation,
    WorkStatus,
)
from .common import ZERO, _check_version, _full_clean, _text

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
    # Only what finance confirmed feeds the budget: a draft evaluation is not a result yet.
    confirmed = Evaluation.objects.filter(project__year=evaluated_year).exclude(status=EvaluationStatus.DRAFT)
    for e in confirmed.order_by("project_id", "number"):
        latest[e.project_id] = e
    # Where finance made a key evaluation (财政重点评价), the recommendation follows it.
    keys = {}
    accepted = KeyEvaluation.objects.filter(project__year=evaluated_year, status=WorkStatus.ACCEPTED)
    for k in accepted.order_by("project_id", "number"):
        keys[k.project_id] = k
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
        key = keys.get(project.pk)
        if not project.targets.all():
            _as_flag(row, FlagReason.NO_TARGETS)
        elif evaluation is None and key is None:
            _as_flag(row, FlagReason.NOT_EVALUATED)
        else:
            grade = key.grade if key is not None else evaluation.grade
            action, percent = rec.recommend(policy.matrix, grade, raw_grade)
            row.kind = RecommendationKind.RECOMMENDATION
            row.flag_reason = ""
            row.evaluation = evaluation
            row.key_evaluation = key
            row.project_grade = grade
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
    row.key_evaluation = None
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
    row = lock_recommendation(recommendation.pk)
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
