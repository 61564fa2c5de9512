"""Deduction and bonus events, qualitative grades and exemptions: recorded by the supervision office."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_log, snapshot
from core.errors import ApplicationError
from core.uploads import check_upload
from indicators.methods import InputKind, method_of
from indicators.models import Rule

from ..models import Assignment, Exemption, GradeAssessment, Plan, ScoreEvent
from ..models.plan import PERIODS
from ..recompute import scores_mark_dirty


@transaction.atomic
def event_record(
    *,
    plan: Plan,
    rule: Rule,
    department,
    date: dt.date,
    occurrences: int,
    actor,
    note: str = "",
    indicator=None,
    evidence=None,
    source: str = ScoreEvent.Source.MANUAL,
    source_key: str = "",
) -> ScoreEvent:
    """Record a deduction or bonus event (e.g. "安全质量事故 1 起"); the department's scores follow."""
    if not rule.is_active:
        raise ApplicationError(_("This rule is retired."), field="rule")
    if date > timezone.localdate():
        raise ApplicationError(_("The date cannot be in the future."), field="date")
    if rule.evidence_required and evidence is None and source == ScoreEvent.Source.MANUAL and not note.strip():
        raise ApplicationError(
            _("This rule asks for evidence: attach a file or describe it in the note."), field="evidence"
        )
    event = ScoreEvent(
        plan=plan,
        rule=rule,
        department=department,
        indicator=indicator,
        date=date,
        occurrences=occurrences,
        note=note.strip(),
        source=source,
        source_key=source_key,
        recorded_by=actor,
    )
    if (
        rule.scope == "indicator"
        and not Assignment.objects.filter(plan=plan, department=department, indicator_id=rule.indicator_id).exists()
    ):
        raise ApplicationError(
            _("%(dept)s is not assessed on %(ind)s.") % {"dept": department, "ind": rule.indicator}, field="department"
        )
    event.full_clean(exclude=["evidence"])
    if evidence is not None:
        checked = check_upload(evidence, field="evidence")
        event.evidence_name = checked.name
        event.evidence.save(checked.name, evidence, save=False)
    event.save()
    audit_log("assessments.event.recorded", actor=actor, obj=event, after=snapshot(event))
    scores_mark_dirty(plan=plan, department_ids=[department.pk])
    return event


@transaction.atomic
def event_void(*, event: ScoreEvent, actor, reason: str) -> ScoreEvent:
    """Withdraw an event (recorded in error, or an appeal against it upheld). Kept, never deleted."""
    if not reason.strip():
        raise ApplicationError(_("Give the reason for withdrawing the event."), field="reason")
    if event.voided_at:
        raise ApplicationError(_("The event was already withdrawn."))
    before = snapshot(event)
    event.voided_at, event.voided_by, event.void_reason = timezone.now(), actor, reason.strip()
    event.save(update_fields=["voided_at", "voided_by", "void_reason"])
    audit_log("assessments.event.withdrawn", actor=actor, obj=event, before=before, after=snapshot(event))
    scores_mark_dirty(plan=event.plan, department_ids=[event.department_id])
    return event


@transaction.atomic
def grade_assessment_set(*, assignment: Assignment, grade: str, note: str, actor) -> GradeAssessment:
    """The reviewer's qualitative grade for a ``grade`` indicator."""
    if method_of(assignment.indicator.method).input != InputKind.GRADE:
        raise ApplicationError(_("Only qualitative indicators take a grade."), field="grade")
    grades = (assignment.indicator.params or {}).get("grades") or {}
    if grade not in grades:
        raise ApplicationError(_("Choose one of: %(grades)s.") % {"grades": ", ".join(grades)}, field="grade")
    obj = GradeAssessment.objects.filter(assignment=assignment).first()
    before = snapshot(obj) if obj else None
    if obj is None:
        obj = GradeAssessment(assignment=assignment, grade=grade, note=note.strip(), graded_by=actor)
    else:
        obj.grade, obj.note, obj.graded_by = grade, note.strip(), actor
    obj.save()
    audit_log(
        "assessments.grade.set",
        actor=actor,
        obj=obj,
        before=before,
        after=snapshot(obj),
        data={"assignment": assignment.pk},
    )
    scores_mark_dirty(plan=assignment.plan, department_ids=[assignment.department_id])
    return obj


EXEMPTION_PERIODS = (*PERIODS, "all")


@transaction.atomic
def exemption_grant(*, assignment: Assignment, period: str, reason: str, actor) -> Exemption:
    """Declare an input not applicable (不适用) for a period, or for the whole year, with a reason.

    The input then no longer counts: it scores 0 on a line that gives the reason, and its
    category is rescaled over the indicators that count (docs/scoring.md).
    """
    if period not in EXEMPTION_PERIODS:
        raise ApplicationError(_("Choose a quarter, the year, or every period."), field="period")
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Give the reason why this input does not apply."), field="reason")
    if len(reason) > 2000:
        raise ApplicationError(
            _("At most %(n)d characters (now %(m)d).") % {"n": 2000, "m": len(reason)}, field="reason"
        )
    if Exemption.objects.filter(assignment=assignment, period=period).exists():
        raise ApplicationError(_("This input is already declared not applicable for that period."), field="period")
    exemption = Exemption.objects.create(assignment=assignment, period=period, reason=reason, granted_by=actor)
    audit_log(
        "assessments.exemption.granted",
        actor=actor,
        obj=exemption,
        after=snapshot(exemption),
        data={"assignment": assignment.pk, "department": assignment.department_id},
    )
    scores_mark_dirty(plan=assignment.plan, department_ids=_ranked_with(assignment))
    return exemption


@transaction.atomic
def exemption_revoke(*, exemption: Exemption, actor) -> None:
    """Withdraw an exemption: the input counts again by its state."""
    assignment = exemption.assignment
    before = snapshot(exemption)
    exemption.delete()
    audit_log(
        "assessments.exemption.revoked",
        actor=actor,
        obj=assignment,
        before=before,
        data={"assignment": assignment.pk, "department": assignment.department_id},
    )
    scores_mark_dirty(plan=assignment.plan, department_ids=_ranked_with(assignment))


def _ranked_with(assignment: Assignment) -> list[int]:
    """The departments whose scores an input touches: its own, or everyone ranked on its indicator."""
    if method_of(assignment.indicator.method).input == InputKind.RANKED_VALUE:
        return list(
            Assignment.objects.filter(plan=assignment.plan_id, indicator=assignment.indicator_id).values_list(
                "department_id", flat=True
            )
        )
    return [assignment.department_id]
