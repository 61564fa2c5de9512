"""Mid-year target revision (绩效目标调整): a change to an approved target sheet, and its decision.

The department asks with a reason; finance approves or returns it with a reason. Until approval the
sheet in force stands unchanged. Each approval makes a new sheet version (the approved sheet is
version 1, each approved revision adds one), and every version stays readable from the rows here:
version 1 is the first revision's ``before``, version n + 1 is the n-th approved revision's ``after``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.constraints import in_choices

from .policy import MAX_TEXT
from .projects import BudgetProject


class AdjustmentStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting finance")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")


class TargetAdjustment(models.Model):
    """A department's request to change an approved sheet: the sheet in force, the sheet it asks for."""

    project = models.ForeignKey(
        BudgetProject, verbose_name=_("project"), on_delete=models.CASCADE, related_name="adjustments"
    )
    number = models.PositiveIntegerField(_("number"))
    status = models.CharField(
        _("status"), max_length=10, choices=AdjustmentStatus.choices, default=AdjustmentStatus.PENDING
    )
    reason = models.TextField(_("reason for the change"), validators=[MaxLengthValidator(MAX_TEXT)])
    # The sheet version in force when the department asked, and that sheet (targets with their ids).
    base_version = models.PositiveIntegerField(_("version in force when requested"))
    before = models.JSONField(_("sheet in force"), encoder=DjangoJSONEncoder, default=list)
    # The whole sheet asked for: an existing target keeps its id, a new one has none; one left out is removed.
    proposed = models.JSONField(_("sheet asked for"), encoder=DjangoJSONEncoder, default=list)
    # On approval: the sheet as written (new targets with their ids) and the version it became.
    after = models.JSONField(_("sheet after approval"), encoder=DjangoJSONEncoder, default=list)
    sheet_version = models.PositiveIntegerField(_("version made"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    return_reason = models.TextField(_("reason for return"), blank=True, validators=[MaxLengthValidator(MAX_TEXT)])
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("target revision")
        verbose_name_plural = _("target revisions")
        ordering = ["project", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="targetadjustment_unique_number"),
            # One open request per project at a time.
            models.UniqueConstraint(
                fields=["project"], condition=models.Q(status="pending"), name="targetadjustment_one_pending"
            ),
            models.UniqueConstraint(
                fields=["project", "sheet_version"],
                condition=models.Q(sheet_version__isnull=False),
                name="targetadjustment_unique_version",
            ),
            in_choices("status", AdjustmentStatus, "targetadjustment_status"),
            models.CheckConstraint(
                condition=~models.Q(status="approved") | models.Q(sheet_version__isnull=False),
                name="targetadjustment_approved_has_version",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="returned") | ~models.Q(return_reason=""),
                name="targetadjustment_returned_with_reason",
            ),
        ]

    def __str__(self):
        return f"{self.project} · {self.number}"

    @property
    def is_pending(self) -> bool:
        return self.status == AdjustmentStatus.PENDING
