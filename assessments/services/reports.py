"""Quarterly reports: drafts, evidence, submission, the head's sign-off and the review."""

from __future__ import annotations

from decimal import Decimal

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_log
from core.errors import ApplicationError, ConflictError
from core.numbers import typed_number
from core.roles import Role
from core.uploads import check_upload
from indicators.choices import Direction, ValueType
from indicators.methods import InputKind, method_of, methods_with
from notifications.services import notify
from organizations.selectors import users_of_department, users_with_role

from .. import outliers, progress
from ..locking import lock_entry, lock_report
from ..models import Entry, EntryReview, Evidence, Quarter, Report, ReportRevision, ReportStatus
from ..models.reports import EDITABLE_STATUSES, ReviewState
from .plan import reportable

TEXT_FIELDS = ("narrative", "problems", "next_steps", "explanation", "outlier_note")
TEXT_LIMITS = {"narrative": 4000, "problems": 2000, "next_steps": 2000, "explanation": 2000, "outlier_note": 1000}
MAX_VALUE = Decimal("1e13")


def _now():
    return timezone.now()


def _check_open(quarter: Quarter) -> None:
    if quarter.is_closed():
        raise ApplicationError(
            _("%(q)s is closed since %(d)s. Only the supervision office can reopen it.")
            % {"q": quarter, "d": quarter.closes_on.isoformat()},
            code="closed",
        )
    if timezone.localdate() < quarter.period_start:
        raise ApplicationError(_("%(q)s has not started yet.") % {"q": quarter}, code="not_started")


def _check_editable(report: Report) -> None:
    if report.status not in EDITABLE_STATUSES:
        raise ApplicationError(
            _("The report is %(status)s and cannot be changed now.") % {"status": report.get_status_display()},
            code="not_editable",
        )


@transaction.atomic
def report_open(*, quarter: Quarter, department) -> Report:
    """The department's report for the quarter, created with an entry per reportable assignment."""
    report, _created = Report.objects.get_or_create(quarter=quarter, department=department)
    assignments = quarter.plan.assignments.filter(department=department, is_active=True).select_related("indicator")
    have = set(report.entries.values_list("assignment_id", flat=True))
    missing = [Entry(report=report, assignment=a) for a in assignments if a.pk not in have and reportable(a.indicator)]
    if missing:
        Entry.objects.bulk_create(missing)
    return report


def _entry_progress(entry: Entry) -> progress.Progress:
    a = entry.assignment
    quarter = entry.report.quarter
    plan = quarter.plan
    return progress.compute(
        direction=a.indicator.direction,
        value_type=a.indicator.value_type,
        basic=a.basic_target,
        upper=a.range_upper,
        actual=entry.actual_value,
        completion_pct=entry.completion_pct,
        planned_pct=a.planned(quarter.number),
        on_track_from=plan.band_on_track,
        behind_from=plan.band_behind,
        final_quarter=quarter.number == 4,
    )


def needs_value(entry: Entry) -> bool:
    """A numeric target, or a method scored on the measured value (scale, rank), asks for the
    cumulative actual value; otherwise completion % or a narrative."""
    ind = entry.assignment.indicator
    return (
        entry.assignment.basic_target is not None
        or ind.direction == Direction.BOOL
        or (method_of(ind.method).reported and not method_of(ind.method).needs_target)
    )


def is_filled(entry: Entry) -> bool:
    """The entry has what its indicator asks for: the actual value where one is needed, else a
    completion percentage or a written account of the progress."""
    if needs_value(entry):
        return entry.actual_value is not None
    return entry.completion_pct is not None or bool((entry.narrative or "").strip())


def filled_count(report: Report) -> tuple[int, int]:
    """(entries filled, entries) of a report: the form's "已填 6/10"."""
    entries = list(report.entries.select_related("assignment__indicator"))
    return sum(1 for e in entries if is_filled(e)), len(entries)


def _clean_entry_data(entry: Entry, data: dict) -> tuple[dict, dict]:
    cleaned, errors = {}, {}
    if "actual_value" in data:
        raw = data.get("actual_value")
        # "95.5%" is accepted where the indicator is measured in per cent.
        value = typed_number(raw, percent="%" in (entry.assignment.indicator.unit or ""))
        if raw not in (None, "") and (value is None or not value.is_finite()):
            errors["actual_value"] = [_("Enter a number, e.g. 1250 or 98.5.")]
        elif value is not None and abs(value) >= MAX_VALUE:
            errors["actual_value"] = [_("The value is too large.")]
        elif value is not None and value.as_tuple().exponent < -4:
            errors["actual_value"] = [_("At most four decimal places.")]
        elif value is not None and value < 0 and entry.assignment.indicator.direction != Direction.RANGE:
            errors["actual_value"] = [_("The value cannot be negative.")]
        elif value is not None and entry.assignment.indicator.direction == Direction.BOOL and value not in (0, 1):
            errors["actual_value"] = [_("Enter 1 for yes or 0 for no.")]
        else:
            cleaned["actual_value"] = value
    if "completion_pct" in data:
        raw = data.get("completion_pct")
        value = typed_number(raw, percent=True)
        if raw not in (None, "") and (value is None or not value.is_finite()):
            errors["completion_pct"] = [_("Enter a percentage, e.g. 75.")]
        elif value is not None and not (0 <= value <= 100):
            errors["completion_pct"] = [_("Give a percentage between 0 and 100.")]
        else:
            cleaned["completion_pct"] = value.quantize(Decimal("0.01")) if value is not None else None
    for field in TEXT_FIELDS:
        if field in data:
            text = (data.get(field) or "").strip()
            if len(text) > TEXT_LIMITS[field]:
                errors[field] = [_("At most %(n)d characters (now %(m)d).") % {"n": TEXT_LIMITS[field], "m": len(text)}]
            else:
                cleaned[field] = text
    return cleaned, errors


@transaction.atomic
def entry_save(*, entry: Entry, data: dict, actor, expected_version: int | None = None) -> Entry:
    """Save a draft entry (the form saves as the user types). A stale version is refused."""
    entry = lock_entry(entry.pk, report_id=entry.report_id)
    _check_editable(entry.report)
    _check_open(entry.report.quarter)
    if expected_version is not None and entry.version != expected_version:
        raise ConflictError(
            _(
                "This entry was changed by %(who)s at %(when)s after you opened it. Reload to see their changes; "
                "yours were not saved."
            )
            % {"who": entry.updated_by or "—", "when": timezone.localtime(entry.updated_at).strftime("%H:%M:%S")}
        )
    cleaned, errors = _clean_entry_data(entry, data)
    if errors:
        raise ApplicationError(_("Please correct the marked fields."), errors=errors)
    for field, value in cleaned.items():
        setattr(entry, field, value)
    p = _entry_progress(entry)
    entry.progress_pct, entry.lag, entry.status_colour = p.progress_pct, p.lag, p.colour
    if "actual_value" in cleaned:
        verdict = outlier_verdict(entry)
        entry.outlier = verdict.as_dict() if verdict.unusual else {}
    entry.version += 1
    entry.updated_by = actor
    entry.save()
    Report.objects.filter(pk=entry.report_id).update(updated_at=_now())
    return entry


@transaction.atomic
def evidence_add(*, entry: Entry, upload, actor) -> Evidence:
    entry = Entry.objects.select_related("report__quarter__plan", "report__department").get(pk=entry.pk)
    _check_editable(entry.report)
    _check_open(entry.report.quarter)
    checked = check_upload(upload, field="evidence")
    evidence = Evidence(
        entry=entry,
        original_name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=actor,
    )
    evidence.file.save(checked.name, upload, save=False)
    evidence.save()
    audit_log(
        "assessments.evidence.uploaded",
        actor=actor,
        obj=evidence,
        data={"entry": entry.pk, "name": checked.name, "size": checked.size, "sha256": checked.sha256},
    )
    return evidence


@transaction.atomic
def evidence_remove(*, evidence: Evidence, actor) -> Evidence:
    """Remove a file from the working copy. The file is kept: a submitted revision may list it."""
    _check_editable(evidence.entry.report)
    _check_open(evidence.entry.report.quarter)
    evidence.removed_at = _now()
    evidence.save(update_fields=["removed_at"])
    audit_log("assessments.evidence.removed", actor=actor, obj=evidence)
    return evidence


HISTORY_LIMIT = 12  # the department's latest quarters of the indicator that are compared


def _measure(value: Decimal, assignment, quarter_number: int) -> Decimal | None:
    """A value on a scale that quarters, years and departments share (docs/scoring.md, Unusual
    values): a cumulative value as the yearly pace it implies (÷ the planned cumulative share of
    its quarter), then, where the assignment has a positive basic target, as a share of it."""
    measure = Decimal(value)
    if assignment.indicator.value_type == ValueType.CUMULATIVE:
        planned = assignment.planned(quarter_number)
        if not planned:
            return None
        measure = measure * 100 / planned
    if assignment.basic_target:
        measure = measure / assignment.basic_target
    return measure


def outlier_verdict(entry: Entry) -> outliers.Verdict:
    """Compare the entry's value with the department's history of the indicator and with what the
    other departments filed for it this quarter (filed reports only, never drafts)."""
    quarter = entry.report.quarter
    own_measure = None if entry.actual_value is None else _measure(entry.actual_value, entry.assignment, quarter.number)
    if own_measure is None:
        return outliers.Verdict(own=None, peers=None)
    has_target = bool(entry.assignment.basic_target)
    filed = (
        Entry.objects.filter(actual_value__isnull=False)
        .exclude(report__status=ReportStatus.DRAFT)
        .exclude(report_id=entry.report_id)
        .select_related("assignment__indicator", "report__quarter")
    )
    if has_target:
        filed = filed.filter(assignment__basic_target__gt=0)
    else:
        filed = filed.filter(assignment__basic_target__isnull=True)
    year, number = quarter.plan.year, quarter.number
    history = (
        filed.filter(
            report__department_id=entry.report.department_id,
            assignment__indicator__code=entry.assignment.indicator.code,
        )
        .filter(
            models.Q(report__quarter__plan__year__lt=year)
            | models.Q(report__quarter__plan__year=year, report__quarter__number__lt=number)
        )
        .order_by("-report__quarter__plan__year", "-report__quarter__number")[:HISTORY_LIMIT]
    )
    peers = filed.filter(assignment__indicator_id=entry.assignment.indicator_id, report__quarter_id=quarter.pk).exclude(
        report__department_id=entry.report.department_id
    )

    def measures(rows):
        out = (_measure(e.actual_value, e.assignment, e.report.quarter.number) for e in rows)
        return [m for m in out if m is not None]

    return outliers.judge(own_measure, own=measures(history), peers=measures(peers))


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
    if actor.department_id != report.department_id:
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


@transaction.atomic
def report_withdraw(*, report: Report, actor, expected_version: int | None = None) -> Report:
    """撤回: the department takes back a submitted report before the supervision office has begun
    its review (no entry decided on this revision). The unreviewed revision is dropped and the report
    is editable again, as it stood: a draft, or returned if this was a resubmission."""
    report = _lock(report, expected_version)
    if report.status not in (ReportStatus.SUBMITTED, ReportStatus.PENDING_HEAD):
        raise ApplicationError(_("Only a submitted report can be withdrawn."), code="not_submitted")
    if actor.department_id != report.department_id:
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
