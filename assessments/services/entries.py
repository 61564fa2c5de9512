"""Drafts of quarterly reports: opening a report, saving its entries and evidence, and the checks
of an entry's values (completeness, plausibility against history and peers)."""

from __future__ import annotations

from decimal import Decimal

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_log
from core.errors import ApplicationError, ConflictError
from core.numbers import typed_number
from core.uploads import check_upload
from indicators.choices import Direction, ValueType
from indicators.methods import method_of

from .. import outliers, progress
from ..locking import lock_entry
from ..models import Entry, Evidence, Quarter, Report, ReportStatus
from ..models.reports import EDITABLE_STATUSES
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
