"""The rectification ledger (整改台账, docs/rectification.md): a problem found, the department that
must correct it, by when, what it did, with evidence, and the issuer's closure (销号)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.constraints import in_choices

MAX_TEXT = 4000


class Source(models.TextChoices):
    """Where the problem was found; every kind but "by hand" links back to its object."""

    RETURNED_REPORT = "returned_report", _("Returned report")
    DEDUCTION = "deduction", _("Deduction event")
    APPEAL = "appeal", _("Upheld appeal")
    BUDGET_EVALUATION = "budget_evaluation", _("Budget evaluation graded fair or poor")
    OTHER_EVALUATION = "other_evaluation", _("Key or ex-ante evaluation")
    SATISFACTION_AREA = "satisfaction_area", _("Satisfaction area below target")
    SATISFACTION_DISTRICT = "satisfaction_district", _("Satisfaction district below target")
    MONITORING_WARNING = "monitoring_warning", _("Dual-monitoring warning")
    MANUAL = "manual", _("Entered by hand")


class Issuer(models.TextChoices):
    """The office that raised the item; only its people approve the closure."""

    SUPERVISOR = "supervisor", _("Supervision office")
    FINANCE = "finance", _("Finance bureau")


class Status(models.TextChoices):
    OPEN = "open", _("Being rectified")
    SUBMITTED = "submitted", _("Submitted for closure")
    CLOSED = "closed", pgettext_lazy("rectification status", "Closed")


class Item(models.Model):
    """One problem to correct (整改事项) and its workflow: open → submitted → closed, or back to open."""

    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    source = models.CharField(_("source"), max_length=25, choices=Source.choices)
    source_id = models.PositiveBigIntegerField(_("source object"), null=True, blank=True)
    source_label = models.CharField(_("source"), max_length=300, blank=True)
    source_url = models.CharField(_("link to the source"), max_length=300, blank=True)
    department = models.ForeignKey(
        "organizations.Department",
        verbose_name=_("responsible department"),
        on_delete=models.PROTECT,
        related_name="rectification_items",
    )
    title = models.CharField(_("problem"), max_length=200)
    description = models.TextField(_("description of the problem"), validators=[MaxLengthValidator(MAX_TEXT)])
    measures_required = models.TextField(_("required measures"), validators=[MaxLengthValidator(MAX_TEXT)])
    deadline = models.DateField(_("deadline"), help_text=_("The last day, inclusive (Asia/Shanghai)."))
    issuer = models.CharField(_("issued by"), max_length=12, choices=Issuer.choices)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("raised by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    measures_taken = models.TextField(_("measures taken"), blank=True, validators=[MaxLengthValidator(MAX_TEXT)])
    progress = models.PositiveSmallIntegerField(_("progress (percent)"), default=0, validators=[MaxValueValidator(100)])
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The closure's submission was made by the deadline (the issuer's review time is not the department's).
    closed_on_time = models.BooleanField(_("closed on time"), null=True, blank=True)
    rejections = models.PositiveSmallIntegerField(_("rejections"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("rectification item")
        verbose_name_plural = _("rectification items")
        ordering = ["deadline", "id"]
        constraints = [
            in_choices("status", Status, "rectification_item_status"),
            in_choices("source", Source, "rectification_item_source"),
            in_choices("issuer", Issuer, "rectification_item_issuer"),
            models.UniqueConstraint(
                fields=["source", "source_id", "department"],
                condition=models.Q(source_id__isnull=False),
                name="rectification_item_one_per_source",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="closed") | models.Q(closed_at__isnull=False),
                name="rectification_item_closed_with_time",
            ),
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="rectification_item_progress"),
        ]
        indexes = [models.Index(fields=["year", "department"]), models.Index(fields=["status", "deadline"])]

    def __str__(self):
        return self.title

    @property
    def is_closed(self) -> bool:
        return self.status == Status.CLOSED

    def is_overdue(self, today=None) -> bool:
        """Not closed and past its deadline (a local date, inclusive)."""
        today = today or timezone.localdate()
        return self.status != Status.CLOSED and self.deadline < today


def evidence_path(instance: ItemEvidence, filename: str) -> str:
    # A random name: the original is kept in the row, never used on disk.
    return f"rectification/{instance.item.year}/{instance.item.department.code}/{uuid.uuid4().hex}"


class ItemEvidence(models.Model):
    """A file showing what the department did. Stored outside the web root; served through an access check."""

    item = models.ForeignKey(Item, verbose_name=_("item"), on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name


class Step(models.Model):
    """The item's history as its people read it (the audit log keeps the before and after)."""

    class Action(models.TextChoices):
        CREATED = "created", _("Raised")
        PROGRESS = "progress", _("Progress recorded")
        EVIDENCE = "evidence", _("Evidence added")
        SUBMITTED = "submitted", _("Submitted for closure")
        REJECTED = "rejected", _("Closure rejected")
        CLOSED = "closed", _("Closure approved")

    item = models.ForeignKey(Item, verbose_name=_("item"), on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    note = models.TextField(_("note"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.item_id} {self.action}"


class BudgetAction(models.TextChoices):
    """What next year's budget recommendation does for a department with items open at year end."""

    NONE = "none", _("Show only")
    HOLD = "hold", _("Hold back until closed")
    CUT = "cut", _("Cut by a percentage")


class YearSetting(models.Model):
    """A year's use of the ledger: disclosure, the budget consequence and the assessment's deduction rule."""

    year = models.PositiveSmallIntegerField(
        _("year"), unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    disclose_counts = models.BooleanField(
        _("show the counts of items raised and closed on the public page"), default=False
    )
    budget_action = models.CharField(
        _("next year's budget for departments with open items"),
        max_length=5,
        choices=BudgetAction.choices,
        default=BudgetAction.NONE,
    )
    cut_percent = models.DecimalField(
        _("cut (percent)"),
        max_digits=5,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("Only for a cut: the share taken off the recommended amount."),
    )
    overdue_rule = models.ForeignKey(
        "indicators.Rule",
        verbose_name=_("deduction rule for overdue items"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("A department-wide rule of the year's library, e.g. −0.5 per overdue item, capped."),
    )

    class Meta:
        verbose_name = _("rectification setting")
        verbose_name_plural = _("rectification settings")
        ordering = ["-year"]
        constraints = [in_choices("budget_action", BudgetAction, "rectification_setting_budget_action")]

    def __str__(self):
        return str(self.year)

    def clean(self):
        from django.core.exceptions import ValidationError

        rule = self.overdue_rule
        wrong = rule is not None and (
            rule.kind != "deduction" or rule.scope != "department" or rule.library.year != self.year
        )
        if wrong:
            message = _("Choose a deduction rule of the year's library that applies to the whole department.")
            raise ValidationError({"overdue_rule": message})
