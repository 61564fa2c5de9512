"""The year's dual-monitoring schedule (docs/monitoring.md)."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

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
