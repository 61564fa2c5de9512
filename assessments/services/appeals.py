"""Appeals (异议申诉) against a line of a published score, and their decision.

An upheld appeal voids the event of a deduction or veto line, or sets an indicator's points (a
ScoreOverride); the department's scores are recomputed at once, and the published version is
kept as a revision.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_log
from core.errors import ApplicationError
from core.roles import Role, acts_for
from core.uploads import check_upload
from notifications.services import notify
from organizations.selectors import users_of_department, users_with_role

from ..locking import lock_appeal
from ..models import Appeal, Assignment, LedgerLine, Publication, RecomputeRequest, Score, ScoreEvent, ScoreOverride
from ..recompute import recompute
from .publication import period_label

APPEALABLE = (LedgerLine.Kind.INDICATOR, LedgerLine.Kind.DEDUCTION, LedgerLine.Kind.VETO)


@transaction.atomic
def appeal_file(*, score: Score, line_key: str, reason: str, actor, evidence=None) -> Appeal:
    """A department appeals one line of its published score within the plan's window (异议申诉)."""
    if not acts_for(actor, score.department_id):
        raise ApplicationError(_("Only the department concerned can appeal its score."), code="forbidden")
    if not score.published:
        raise ApplicationError(_("Appeals are possible once the results are published."), code="not_published")
    pub = Publication.objects.filter(plan=score.plan, period=score.period).first()
    if pub is None or timezone.localdate() > pub.appeal_deadline:
        raise ApplicationError(
            _("The appeal window closed on %(date)s.") % {"date": pub.appeal_deadline.isoformat() if pub else "—"},
            code="window_closed",
        )
    line = score.lines.filter(key=line_key).first()
    if line is None:
        raise ApplicationError(_("No such line in this score."), field="line_key")
    if line.kind not in APPEALABLE:
        raise ApplicationError(
            _("This line follows from the others and cannot be appealed by itself."), field="line_key"
        )
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Give the reason for the appeal."), field="reason")
    if len(reason) > 4000:
        raise ApplicationError(
            _("At most %(n)d characters (now %(m)d).") % {"n": 4000, "m": len(reason)}, field="reason"
        )
    if Appeal.objects.filter(score=score, line_key=line_key, status=Appeal.Status.OPEN).exists():
        raise ApplicationError(_("An appeal on this line is already open."), field="line_key")
    appeal = Appeal(
        score=score,
        department_id=score.department_id,
        line_key=line_key,
        reason=reason,
        filed_by=actor,
        line_snapshot={
            "kind": line.kind,
            "points": str(line.points),
            "detail": line.detail,
            "indicator_id": line.indicator_id,
            "event_id": line.event_id,
            "assignment_id": line.assignment_id,
            "rule_id": line.rule_id,
            "event_date": line.event.date.isoformat() if line.event_id else None,
        },
    )
    if evidence is not None:
        checked = check_upload(evidence, field="evidence")
        appeal.evidence_name = checked.name
        appeal.evidence.save(checked.name, evidence, save=False)
    appeal.save()
    notify(
        users=users_with_role(roles=[Role.SUPERVISOR]),
        kind="appeal.filed",
        title=_("%(dept)s appeals its %(period)s score")
        % {"dept": score.department, "period": f"{score.plan.year} {period_label(score.period)}"},
        body=reason,
        link=reverse("assessments:appeal_detail", args=[appeal.pk]),
    )
    audit_log(
        "assessments.appeal.filed",
        actor=actor,
        obj=appeal,
        after={"line": line_key, "reason": reason, "line_snapshot": appeal.line_snapshot},
    )
    return appeal


@transaction.atomic
def appeal_decide(*, appeal: Appeal, decision: str, reason: str, actor, points: Decimal | None = None) -> Appeal:
    """Uphold (the score changes through a new revision) or reject with a reason; the department is told."""
    from .events import event_void

    appeal = lock_appeal(appeal.pk)
    if appeal.status != Appeal.Status.OPEN:
        raise ApplicationError(_("This appeal is already decided."), code="decided")
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Give the reason for the decision."), field="decision_reason")
    score = appeal.score
    before = score.total
    if decision == Appeal.Status.UPHELD:
        snap = appeal.line_snapshot
        if snap.get("kind") == LedgerLine.Kind.INDICATOR:
            assignment = Assignment.objects.select_related("indicator").get(pk=snap["assignment_id"])
            if points is None or not (Decimal(0) <= points <= assignment.indicator.points):
                raise ApplicationError(
                    _("Give the corrected points, between 0 and %(p)s.") % {"p": assignment.indicator.points},
                    field="points",
                )
            ScoreOverride.objects.filter(assignment=assignment, period=score.period).delete()
            ScoreOverride.objects.create(
                appeal=appeal, assignment=assignment, period=score.period, points=points.quantize(Decimal("0.01"))
            )
        else:
            event = ScoreEvent.objects.get(pk=snap["event_id"])
            if event.voided_at is None:
                event_void(
                    event=event,
                    actor=actor,
                    reason=_("Appeal no. %(n)s upheld: %(reason)s") % {"n": appeal.pk, "reason": reason},
                )
    elif decision != Appeal.Status.REJECTED:
        raise ApplicationError(_("Choose uphold or reject."), field="decision")
    appeal.status, appeal.decided_by, appeal.decided_at = decision, actor, timezone.now()
    appeal.decision_reason, appeal.total_before = reason, before
    appeal.save()
    if decision == Appeal.Status.UPHELD:
        recompute(
            plan=score.plan,
            department_ids=[score.department_id],
            reason=_("Before appeal no. %(n)s was upheld") % {"n": appeal.pk},
        )
        score.refresh_from_db()
        RecomputeRequest.objects.filter(plan=score.plan, department_id=score.department_id).delete()
    appeal.total_after = score.total
    appeal.save(update_fields=["total_after"])
    notify(
        users=users_of_department(department_id=score.department_id, roles=[Role.FILER, Role.DEPT_HEAD]),
        kind="appeal.decided",
        title=(
            _("Your appeal no. %(n)s was upheld: the total is now %(total)s")
            if decision == Appeal.Status.UPHELD
            else _("Your appeal no. %(n)s was rejected")
        )
        % {"n": appeal.pk, "total": score.total},
        body=reason,
        link=reverse("assessments:appeal_detail", args=[appeal.pk]),
        level="info" if decision == Appeal.Status.UPHELD else "warning",
    )
    audit_log(
        f"assessments.appeal.{decision}",
        actor=actor,
        obj=appeal,
        before={"total": before},
        after={"total": score.total, "reason": reason, "points": None if points is None else str(points)},
    )
    return appeal
