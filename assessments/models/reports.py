"""Quarterly progress reports, their entries, revisions, reviews and evidence (季度上报)."""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.constraints import in_choices
from organizations.models import Department

from .plan import PCT, TARGET, Assignment, Quarter


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PENDING_HEAD = "pending_head", _("Awaiting the head's sign-off")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Approved")


EDITABLE_STATUSES = (ReportStatus.DRAFT, ReportStatus.RETURNED)


class Report(models.Model):
    """One department's report for one quarter. Draft → submitted → (returned → submitted)* → approved.

    The entries are the working copy; each submission freezes them into a ReportRevision, so a
    submitted report is never edited in place and every revision stays readable.
    """

    quarter = models.ForeignKey(Quarter, verbose_name=_("quarter"), on_delete=models.PROTECT, related_name="reports")
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="reports"
    )
    status = models.CharField(_("status"), max_length=15, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    revision = models.PositiveIntegerField(_("revision"), default=0)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    first_submitted_at = models.DateTimeField(_("first submitted at"), null=True, blank=True)
    is_late = models.BooleanField(_("late"), default=False)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    return_reason = models.TextField(_("reason for return"), blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-quarter__plan__year", "-quarter__number", "department__order"]
        constraints = [
            models.UniqueConstraint(fields=["quarter", "department"], name="report_unique"),
            in_choices("status", ReportStatus, "report_status"),
        ]
        indexes = [models.Index(fields=["quarter", "status"])]

    def __str__(self):
        return f"{self.department} {self.quarter}"

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES


class StatusColour(models.TextChoices):
    ON_TRACK = "on_track", _("On track")
    BEHIND = "behind", _("Behind")
    AT_RISK = "at_risk", _("At risk")
    ACHIEVED = "achieved", _("Achieved")
    NONE = "none", _("Not reported")


class ReviewState(models.TextChoices):
    PENDING = "pending", _("Awaiting review")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")


class Entry(models.Model):
    """One assignment's progress in a report: the cumulative value, narrative and evidence."""

    report = models.ForeignKey(Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="entries")
    assignment = models.ForeignKey(
        Assignment, verbose_name=_("assignment"), on_delete=models.PROTECT, related_name="entries"
    )
    actual_value = models.DecimalField(_("cumulative actual value"), null=True, blank=True, **TARGET)
    completion_pct = models.DecimalField(_("completion (%)"), null=True, blank=True, **PCT)
    narrative = models.TextField(_("progress"), blank=True, max_length=4000)
    problems = models.TextField(_("problems"), blank=True, max_length=2000)
    next_steps = models.TextField(_("next steps"), blank=True, max_length=2000)
    explanation = models.TextField(_("cause and remedy of the delay"), blank=True, max_length=2000)
    # An unusual value (assessments/outliers.py): the comparisons that found it far from the
    # department's history and its peers (empty when the value is not unusual), and the filer's
    # short explanation, required before submission while the value stays unusual.
    outlier = models.JSONField(_("unusual value"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    outlier_note = models.TextField(_("explanation of an unusual value"), blank=True, max_length=1000)
    status_colour = models.CharField(
        _("status"), max_length=10, choices=StatusColour.choices, default=StatusColour.NONE
    )
    progress_pct = models.DecimalField(_("actual progress (%)"), null=True, blank=True, **PCT)
    lag = models.DecimalField(_("lag (percentage points)"), null=True, blank=True, **PCT)
    review_state = models.CharField(
        _("review"), max_length=10, choices=ReviewState.choices, default=ReviewState.PENDING
    )
    review_comment = models.TextField(_("reviewer's comment"), blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("report entry")
        verbose_name_plural = _("report entries")
        ordering = [
            "report",
            "assignment__indicator__category__order",
            "assignment__indicator__order",
            "assignment__indicator__code",
        ]
        constraints = [
            models.UniqueConstraint(fields=["report", "assignment"], name="entry_unique"),
            in_choices("review_state", ReviewState, "entry_review_state"),
            in_choices("status_colour", StatusColour, "entry_status_colour"),
        ]

    def __str__(self):
        return f"{self.report} · {self.assignment.indicator}"


class ReportRevision(models.Model):
    """A submission, frozen: the entries' values as submitted, and the decision on them."""

    report = models.ForeignKey(Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("revision"))
    submitted_at = models.DateTimeField(_("submitted at"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed off by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_off_at = models.DateTimeField(_("signed off at"), null=True, blank=True)
    is_late = models.BooleanField(_("late"), default=False)
    # {assignment_id: {"actual_value": "...", "completion_pct": ..., "narrative": ..., ..., "evidence": [...]}}
    entries = models.JSONField(_("entries"), encoder=DjangoJSONEncoder)
    decision = models.CharField(_("decision"), max_length=10, choices=ReviewState.choices, default=ReviewState.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("report revision")
        verbose_name_plural = _("report revisions")
        ordering = ["report", "number"]
        constraints = [models.UniqueConstraint(fields=["report", "number"], name="revision_unique")]

    def __str__(self):
        return f"{self.report} r{self.number}"


class EntryReview(models.Model):
    """The reviewer's decision on one entry of one revision, with the comment shown beside it."""

    revision = models.ForeignKey(
        ReportRevision, verbose_name=_("revision"), on_delete=models.CASCADE, related_name="reviews"
    )
    entry = models.ForeignKey(Entry, verbose_name=_("entry"), on_delete=models.CASCADE, related_name="reviews")
    decision = models.CharField(_("decision"), max_length=10, choices=ReviewState.choices)
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewer"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("entry review")
        verbose_name_plural = _("entry reviews")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.entry} {self.decision}"


def evidence_path(instance: Evidence, filename: str) -> str:
    # A random name: the original is kept in the row, never used on disk.
    import uuid

    report = instance.entry.report
    return f"evidence/{report.quarter.plan.year}/{report.department.code}/{uuid.uuid4().hex}"


class Evidence(models.Model):
    """A file attached to an entry. Stored outside the web root; served through an access check."""

    entry = models.ForeignKey(Entry, verbose_name=_("entry"), on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    # Removed from the working copy; kept because a submitted revision may list it.
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name
