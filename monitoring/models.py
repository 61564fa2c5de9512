"""The year's dual-monitoring schedule (docs/monitoring.md)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.constraints import in_choices

from . import rules


def _default_checkpoints() -> list:
    return [[m, d, str(t)] for m, d, t in rules.DEFAULT_CHECKPOINTS]


class MonitoringSchedule(models.Model):
    """Checkpoints (month, day, threshold percent executed) and the gap setting of one year."""

    year = models.PositiveSmallIntegerField(
        _("year"), unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    checkpoints = models.JSONField(
        _("checkpoints"),
        default=_default_checkpoints,
        help_text=_("A list of [month, day, threshold percent], e.g. [[4, 30, 25], [6, 30, 40]]."),
    )
    gap_points = models.DecimalField(
        _("allowed gap (percentage points)"),
        max_digits=5,
        decimal_places=2,
        default=rules.DEFAULT_GAP_POINTS,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    response_days = models.PositiveSmallIntegerField(
        _("working days to respond to a warning"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("monitoring schedule")
        verbose_name_plural = _("monitoring schedules")
        ordering = ["-year"]

    def __str__(self):
        return str(self.year)

    def clean(self):
        try:
            rows = rules.checkpoints_for(self.year or 2000, self.checkpoints)
        except (TypeError, ValueError, ArithmeticError):
            raise ValidationError(
                {"checkpoints": _("Each checkpoint is [month, day, threshold percent] with a valid date.")}
            ) from None
        if not rows:
            raise ValidationError({"checkpoints": _("Give at least one checkpoint.")})
        if any(not (Decimal(0) <= c.threshold <= Decimal(100)) for c in rows):
            raise ValidationError({"checkpoints": _("A threshold is a percentage between 0 and 100.")})


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Official holiday")
    WORKDAY = "workday", _("Make-up working day")


class WarningKind(models.TextChoices):
    EXECUTION = "execution", _("Execution below the checkpoint")
    GAP = "gap", _("Gap between targets and execution")


class WarningStatus(models.TextChoices):
    OPEN = "open", _("Awaiting response")
    RESPONDED = "responded", _("Responded")
    LAPSED = "lapsed", _("No response: tranches paused")


class CalendarDay(models.Model):
    """An official holiday, or a weekend day declared a working day (调休), of the working calendar."""

    Kind = DayKind

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.HOLIDAY)
    name = models.CharField(_("name"), max_length=100, help_text=_("e.g. National Day"))
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("working calendar")
        ordering = ["date"]
        constraints = [in_choices("kind", DayKind, "calendarday_kind")]

    def __str__(self):
        return f"{self.date} {self.name}"

    def clean(self):
        # A weekday is a working day already: only a Saturday or Sunday can be made one (调休).
        if self.kind == DayKind.WORKDAY and self.date and self.date.weekday() < 5:
            raise ValidationError(
                {"kind": _("A make-up working day falls on a Saturday or Sunday; a weekday is a working day already.")}
            )


class MonitoringWarning(models.Model):
    """A dual-monitoring warning of one project at one checkpoint, and the department's response."""

    Kind = WarningKind
    Status = WarningStatus

    class Response(models.TextChoices):
        CONTINUE = "continue", _("Continue, with measures")
        ADJUST = "adjust", _("Adjust the targets or the money")
        CANCEL = "cancel", _("Cancel the project")

    class Adjustment(models.TextChoices):
        REVISION = "revision", _("Target revision")
        REALLOCATION = "reallocation", _("Reallocation of the money")

    project = models.ForeignKey(
        "budgets.BudgetProject", verbose_name=_("project"), on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        "organizations.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    checkpoint = models.DateField(_("checkpoint"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    threshold = models.DecimalField(_("threshold (percent)"), max_digits=5, decimal_places=2, null=True)
    execution_rate = models.DecimalField(_("execution rate (percent)"), max_digits=9, decimal_places=2, null=True)
    completion_rate = models.DecimalField(_("target completion (percent)"), max_digits=9, decimal_places=2, null=True)
    gap = models.DecimalField(_("gap (points)"), max_digits=9, decimal_places=2, null=True)
    issued_on = models.DateField(_("issued on"))
    respond_by = models.DateField(_("respond by"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    response = models.CharField(_("response"), max_length=10, choices=Response.choices, blank=True)
    adjustment = models.CharField(_("adjustment requested"), max_length=15, choices=Adjustment.choices, blank=True)
    reason = models.TextField(_("reason and measures"), blank=True, validators=[MaxLengthValidator(2000)])
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    paused_at = models.DateTimeField(_("tranches paused at"), null=True, blank=True)
    pause_lifted_at = models.DateTimeField(_("pause lifted at"), null=True, blank=True)
    pause_lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pause lifted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    lift_reason = models.TextField(_("reason for lifting the pause"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("monitoring warning")
        verbose_name_plural = _("monitoring warnings")
        ordering = ["-checkpoint", "department__order", "project__code", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["project", "checkpoint", "kind"], name="warning_unique_checkpoint_kind"),
            in_choices("status", WarningStatus, "warning_status"),
            in_choices("kind", WarningKind, "warning_kind"),
        ]
        indexes = [
            # The daily lapse reads open warnings only: the answered and lapsed ones of past years
            # stay out of the index it scans.
            models.Index(fields=["respond_by"], condition=models.Q(status="open"), name="warning_open_respond_by"),
            models.Index(fields=["year", "department"]),
        ]

    def __str__(self):
        return f"{self.project_id} {self.checkpoint} {self.get_kind_display()}"

    @property
    def is_paused(self) -> bool:
        return self.paused_at is not None and self.pause_lifted_at is None


class WarningReallocation(models.Model):
    """A budget reallocation request opened from a warning answered "adjust" (one open at a time)."""

    warning = models.ForeignKey(
        MonitoringWarning, verbose_name=_("warning"), on_delete=models.PROTECT, related_name="reallocation_links"
    )
    reallocation = models.OneToOneField(
        "budgets.Reallocation",
        verbose_name=_("budget reallocation"),
        on_delete=models.PROTECT,
        related_name="warning_link",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reallocation of a warning")
        verbose_name_plural = _("reallocations of warnings")
        ordering = ["warning", "-created_at"]

    def __str__(self):
        return f"{self.warning_id} → {self.reallocation_id}"
