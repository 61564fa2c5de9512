"""Filing quarterly reports: submission, the head's sign-off or return, and withdrawal.
The supervision office's review is in ``review.py``; drafts are in ``entries.py``."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_log
from core.errors import ApplicationError, ConflictError
from core.roles import Role, acts_for
from notifications.services import notify
from organizations.selectors import users_of_department, users_with_role

from ..locking import lock_report
from ..models import Entry, Report, ReportRevision, ReportStatus
from ..models.reports import ReviewState
from .entries import TEXT_FIELDS, _check_editable, _check_open, _now, needs_value


def _entry_problems(entry: Entry, evidence_count: int) -> dict[str, list[str]]:
    """What stops an entry from being submitted, by field."""
    errors: dict[str, list[str]] = {}
    if needs_value(entry):
        if entry.actual_value is None:
            errors["actual_value"] = [_("Enter the cumulative actual value.")]
    elif entry.completion_pct is None and not entry.narrative:
        errors["narrative"] = [_("Describe the progress or give the completion percentage.")]
    if entry.status_colour in ("behind", "at_risk") and not entry.explanation:
        errors["explanation"] = [
            _("This entry is %(status)s: explain the cause and the remedy.")
            % {"status": entry.get_status_colour_display()}
        ]
    if entry.outlier and not entry.outlier_note:
        errors["outlier_note"] = [
            _("This value is far from the department's earlier values and from other departments': explain it briefly.")
        ]
    if entry.assignment.indicator.evidence_required and evidence_count == 0:
        errors["evidence"] = [_("This indicator requires evidence: attach at least one file.")]
    return errors


def _snapshot_entries(report: Report) -> dict:
    out = {}
    for e in report.entries.select_related("assignment__indicator").prefetch_related("evidence"):
        out[str(e.assignment_id)] = {
            "indicator": e.assignment.indicator.code,
            "actual_value": None if e.actual_value is None else str(e.actual_value),
            "completion_pct": None if e.completion_pct is None else str(e.completion_pct),
            "progress_pct": None if e.progress_pct is None else str(e.progress_pct),
            "lag": None if e.lag is None else str(e.lag),
            "status_colour": e.status_colour,
            **{f: getattr(e, f) for f in TEXT_FIELDS},
            "outlier": e.outlier,
            "evidence": [{"id": ev.pk, "name": ev.original_name} for ev in e.evidence.all() if ev.removed_at is None],
        }
    return out


def _lock(report: Report, expected_version: int | None) -> Report:
    current = lock_report(report.pk)
    if expected_version is not None and current.version != expected_version:
        raise ConflictError(_("The report was changed by someone else after you opened it. Reload and try again."))
    return current


def _dept_users(report: Report, roles) -> list:
    return list(users_of_department(department_id=report.department_id, roles=roles))


def _link(report: Report) -> str:
    from django.urls import reverse

    return reverse("assessments:report_detail", args=[report.pk])


def _mark_for_review(report: Report, previous: dict | None) -> None:
    """Entries start a new round pending review, except approved ones whose values did not change."""
    current = _snapshot_entries(report)
    for entry in report.entries.all():
        prev = (previous or {}).get(str(entry.assignment_id))
        now = current.get(str(entry.assignment_id))
        unchanged = prev is not None and {k: v for k, v in prev.items() if k != "evidence"} == {
            k: v for k, v in now.items() if k != "evidence"
        }
        if not (entry.review_state == ReviewState.APPROVED and unchanged):
            entry.review_state = ReviewState.PENDING
            entry.save(update_fields=["review_state"])


@transaction.atomic
def report_submit(*, report: Report, actor, expected_version: int | None = None) -> Report:
    """Submit the report: to the head when the plan asks for a sign-off, else to supervision.

    Refused while any entry lacks its value, an explanation (behind or at risk) or required
    evidence; the errors name the entry and the field.
    """
    report = _lock(report, expected_version)
    _check_editable(report)
    _check_open(report.quarter)
    entries = list(report.entries.select_related("assignment__indicator").prefetch_related("evidence"))
    if not entries:
        raise ApplicationError(_("The report has no entries: no indicator is assigned to the department."))
    errors = {}
    for e in entries:
        problems = _entry_problems(e, sum(1 for ev in e.evidence.all() if ev.removed_at is None))
        for field, msgs in problems.items():
            errors[f"entry-{e.pk}-{field}"] = [f"{e.assignment.indicator.name}: {m}" for m in msgs]
    if errors:
        raise ApplicationError(
            _("The report cannot be submitted yet: %(n)d problem(s) to fix, marked below.") % {"n": len(errors)},
            errors=errors,
            code="incomplete",
        )
    previous = report.revisions.order_by("-number").first()
    report.revision += 1
    revision = ReportRevision.objects.create(
        report=report,
        number=report.revision,
        submitted_at=_now(),
        submitted_by=actor,
        entries=_snapshot_entries(report),
    )
    _mark_for_review(report, previous.entries if previous else None)
    needs_head = report.quarter.plan.head_signoff and actor.role != Role.DEPT_HEAD
    if needs_head:
        report.status = ReportStatus.PENDING_HEAD
        report.version += 1
        report.save()
        notify(
            users=_dept_users(report, [Role.DEPT_HEAD]),
            kind="report.signoff",
            title=_("%(report)s awaits your sign-off") % {"report": report},
            link=_link(report),
        )
        audit_log("assessments.report.submitted_to_head", actor=actor, obj=report, data={"revision": report.revision})
        return report
    if actor.role == Role.DEPT_HEAD:
        revision.signed_off_by, revision.signed_off_at = actor, revision.submitted_at
    return _to_supervision(report, revision, actor)


def _to_supervision(report: Report, revision: ReportRevision, actor) -> Report:
    before = {"status": report.status, "revision": revision.number - 1}
    now = _now()
    late = timezone.localtime(now).date() > report.quarter.deadline
    revision.is_late = late
    revision.save()
    report.status = ReportStatus.SUBMITTED
    report.submitted_at, report.submitted_by, report.is_late = now, actor, late
    report.first_submitted_at = report.first_submitted_at or now
    report.return_reason = ""
    report.version += 1
    report.save()
    notify(
        users=users_with_role(roles=[Role.SUPERVISOR]),
        kind="report.submitted",
        title=_("%(report)s was submitted") % {"report": report} + (_(" (late)") if late else ""),
        link=_link(report),
        email=False,
    )
    audit_log(
        "assessments.report.submitted",
        actor=actor,
        obj=report,
        before=before,
        after={"status": report.status, "revision": report.revision, "entries": revision.entries},
        data={"revision": report.revision, "late": late, "deadline": report.quarter.deadline},
    )
    return report


@transaction.atomic
def report_signoff(*, report: Report, actor, expected_version: int | None = None) -> Report:
    """The department head signs off the report; it goes to the supervision office."""
    report = _lock(report, expected_version)
    if report.status != ReportStatus.PENDING_HEAD:
        raise ApplicationError(_("The report is not waiting for a sign-off."), code="not_pending")
    if not acts_for(actor, report.department_id):
        raise ApplicationError(_("Only the head of this department can sign off."), code="forbidden")
    _check_open(report.quarter)
    revision = report.revisions.get(number=report.revision)
    revision.signed_off_by, revision.signed_off_at = actor, _now()
    return _to_supervision(report, revision, actor)


@transaction.atomic
def report_head_return(*, report: Report, actor, reason: str) -> Report:
    report = _lock(report, None)
    if report.status != ReportStatus.PENDING_HEAD:
        raise ApplicationError(_("The report is not waiting for a sign-off."), code="not_pending")
    if not reason.strip():
        raise ApplicationError(_("Give the reason for returning the report."), field="reason")
    revision = report.revisions.get(number=report.revision)
    revision.decision, revision.decided_by, revision.decided_at, revision.reason = (
        ReviewState.RETURNED,
        actor,
        _now(),
        reason.strip(),
    )
    revision.save()
    report.status, report.return_reason = ReportStatus.RETURNED, reason.strip()
    report.version += 1
    report.save()
    notify(
        users=_dept_users(report, [Role.FILER]),
        kind="report.returned",
        title=_("%(report)s was returned by the department head") % {"report": report},
        body=reason,
        link=_link(report),
        level="warning",
    )
    audit_log("assessments.report.returned_by_head", actor=actor, obj=report, data={"reason": reason})
    return report


@transaction.atomic
def report_withdraw(*, report: Report, actor, expected_version: int | None = None) -> Report:
    """撤回: the department takes back a submitted report before the supervision office has begun
    its review (no entry decided on this revision). The unreviewed revision is dropped and the report
    is editable again, as it stood: a draft, or returned if this was a resubmission."""
    report = _lock(report, expected_version)
    if report.status not in (ReportStatus.SUBMITTED, ReportStatus.PENDING_HEAD):
        raise ApplicationError(_("Only a submitted report can be withdrawn."), code="not_submitted")
    if not acts_for(actor, report.department_id):
        raise ApplicationError(_("Only the department's own users can withdraw its report."), code="forbidden")
    _check_open(report.quarter)
    revision = report.revisions.get(number=report.revision)
    if revision.reviews.exists():
        raise ApplicationError(
            _("The supervision office has begun reviewing this report: it can no longer be withdrawn."),
            code="review_started",
        )
    before = {"status": report.status, "revision": report.revision}
    previous = report.revisions.filter(number__lt=revision.number).order_by("-number").first()
    snapshot = revision.entries
    revision.delete()
    report.revision = previous.number if previous else 0
    if previous is None:
        report.status = ReportStatus.DRAFT
        report.submitted_at = report.submitted_by = report.first_submitted_at = None
        report.is_late = False
    else:
        report.status = ReportStatus.RETURNED
        report.submitted_at, report.submitted_by, report.is_late = (
            previous.submitted_at,
            previous.submitted_by,
            previous.is_late,
        )
        report.return_reason = previous.reason
    report.version += 1
    report.save()
    if before["status"] == ReportStatus.SUBMITTED:
        notify(
            users=users_with_role(roles=[Role.SUPERVISOR]),
            kind="report.withdrawn",
            title=_("%(report)s was withdrawn by the department") % {"report": report},
            link=_link(report),
            email=False,
        )
    audit_log(
        "assessments.report.withdrawn",
        actor=actor,
        obj=report,
        before={**before, "entries": snapshot},
        after={"status": report.status, "revision": report.revision},
    )
    return report
