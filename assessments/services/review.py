"""The supervision office's review of submitted reports: entry by entry, or the whole report
approved or returned."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import audit_log
from core.errors import ApplicationError
from core.roles import Role
from indicators.methods import InputKind, methods_with
from notifications.services import notify

from ..locking import lock_entry
from ..models import Entry, EntryReview, Report, ReportStatus
from ..models.reports import ReviewState
from .entries import _now
from .reports import _dept_users, _link, _lock


def _check_reviewable(report: Report) -> None:
    if report.status != ReportStatus.SUBMITTED:
        raise ApplicationError(
            _("Only a submitted report can be reviewed; this one is %(status)s.")
            % {"status": report.get_status_display()},
            code="not_submitted",
        )


@transaction.atomic
def entry_review(*, entry: Entry, decision: str, comment: str, actor) -> Entry:
    """Approve or return one entry; a return needs a comment for the department."""
    entry = lock_entry(entry.pk, report_id=entry.report_id)
    _check_reviewable(entry.report)
    comment = (comment or "").strip()
    if decision not in (ReviewState.APPROVED, ReviewState.RETURNED):
        raise ApplicationError(_("Choose approve or return."), field="decision")
    if decision == ReviewState.RETURNED and not comment:
        raise ApplicationError(_("Say why the entry is returned."), field="comment")
    if len(comment) > 2000:
        raise ApplicationError(
            _("At most %(n)d characters (now %(m)d).") % {"n": 2000, "m": len(comment)}, field="comment"
        )
    revision = entry.report.revisions.get(number=entry.report.revision)
    EntryReview.objects.create(revision=revision, entry=entry, decision=decision, comment=comment, reviewer=actor)
    entry.review_state, entry.review_comment = decision, comment
    entry.save(update_fields=["review_state", "review_comment"])
    audit_log(
        f"assessments.entry.{decision}", actor=actor, obj=entry, data={"comment": comment, "revision": revision.number}
    )
    return entry


@transaction.atomic
def report_approve(*, report: Report, actor, comment: str = "", expected_version: int | None = None) -> Report:
    """Approve the whole report: every entry still awaiting review is approved with it."""
    report = _lock(report, expected_version)
    _check_reviewable(report)
    if report.entries.filter(review_state=ReviewState.RETURNED).exists():
        raise ApplicationError(
            _("Some entries are returned: return the report, or approve those entries first."), code="has_returned"
        )
    before = {"status": report.status, "revision": report.revision}
    revision = report.revisions.get(number=report.revision)
    pending = list(report.entries.filter(review_state=ReviewState.PENDING))
    EntryReview.objects.bulk_create(
        EntryReview(revision=revision, entry=e, decision=ReviewState.APPROVED, reviewer=actor) for e in pending
    )
    report.entries.filter(pk__in=[e.pk for e in pending]).update(review_state=ReviewState.APPROVED, review_comment="")
    now = _now()
    revision.decision, revision.decided_by, revision.decided_at, revision.reason = (
        ReviewState.APPROVED,
        actor,
        now,
        comment.strip(),
    )
    revision.save()
    report.status, report.approved_at = ReportStatus.APPROVED, now
    report.version += 1
    report.save()
    notify(
        users=_dept_users(report, [Role.FILER, Role.DEPT_HEAD]),
        kind="report.approved",
        title=_("%(report)s was approved") % {"report": report},
        link=_link(report),
    )
    audit_log(
        "assessments.report.approved",
        actor=actor,
        obj=report,
        before=before,
        after={"status": report.status, "revision": report.revision},
        data={"revision": report.revision},
    )
    from ..recompute import scores_mark_dirty

    scores_mark_dirty(plan=report.quarter.plan, department_ids=[report.department_id, *_rank_peers(report)])
    return report


def _rank_peers(report: Report) -> list[int]:
    """The departments whose scores move with this report's values besides its own: everyone
    assessed on the same ``rank`` indicators, since a rank is relative to all of them."""
    from ..models import Assignment

    indicators = report.entries.filter(assignment__indicator__method__in=methods_with(InputKind.RANKED_VALUE)).values(
        "assignment__indicator_id"
    )
    return list(
        Assignment.objects.filter(plan_id=report.quarter.plan_id, indicator_id__in=indicators, is_active=True)
        .exclude(department_id=report.department_id)
        .values_list("department_id", flat=True)
        .distinct()
    )


@transaction.atomic
def report_return(*, report: Report, actor, reason: str, expected_version: int | None = None) -> Report:
    """Return the report with a reason. Entries not approved go back to the department as returned.

    The department fixes them and submits again: a new revision, the old one kept.
    """
    report = _lock(report, expected_version)
    _check_reviewable(report)
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Give the reason for returning the report."), field="reason")
    before = {"status": report.status, "revision": report.revision}
    revision = report.revisions.get(number=report.revision)
    pending = list(report.entries.filter(review_state=ReviewState.PENDING))
    if pending and not report.entries.filter(review_state=ReviewState.RETURNED).exists():
        # Returning the whole report: every entry not yet approved is returned with the reason.
        EntryReview.objects.bulk_create(
            EntryReview(revision=revision, entry=e, decision=ReviewState.RETURNED, comment=reason, reviewer=actor)
            for e in pending
        )
        report.entries.filter(pk__in=[e.pk for e in pending]).update(
            review_state=ReviewState.RETURNED, review_comment=reason
        )
    revision.decision, revision.decided_by, revision.decided_at, revision.reason = (
        ReviewState.RETURNED,
        actor,
        _now(),
        reason,
    )
    revision.save()
    report.status, report.return_reason = ReportStatus.RETURNED, reason
    report.version += 1
    report.save()
    returned = report.entries.filter(review_state=ReviewState.RETURNED).select_related("assignment__indicator")
    body = "\n".join([reason] + [f"· {e.assignment.indicator.name}: {e.review_comment}" for e in returned])
    notify(
        users=_dept_users(report, [Role.FILER, Role.DEPT_HEAD]),
        kind="report.returned",
        title=_("%(report)s was returned") % {"report": report},
        body=body,
        link=_link(report),
        level="warning",
    )
    audit_log(
        "assessments.report.returned",
        actor=actor,
        obj=report,
        before=before,
        after={"status": report.status, "revision": report.revision, "return_reason": reason},
        data={"reason": reason, "revision": report.revision},
    )
    return report


@transaction.atomic
def report_review_complete(*, report: Report, actor, reason: str = "", expected_version: int | None = None) -> Report:
    """Finish the review entry by entry: returned if any entry was returned, approved otherwise."""
    if report.entries.filter(review_state=ReviewState.RETURNED).exists():
        default = _("Some entries need to be corrected; see the comments beside them.")
        return report_return(report=report, actor=actor, reason=reason or default, expected_version=expected_version)
    if report.entries.filter(review_state=ReviewState.PENDING).exists():
        raise ApplicationError(_("Some entries are still awaiting review."), code="pending_entries")
    return report_approve(report=report, actor=actor, comment=reason, expected_version=expected_version)
