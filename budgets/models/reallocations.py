"""Budget reallocation (预算调剂): money moved from one approved project (or one of its unreleased
tranches) to another approved project of the same department, or back to the pool.

The department asks with a reason; finance approves (the amounts move) or returns it with its
reasons, and the department may change and resubmit a returned request (docs/budgets.md,
"Budget reallocation").
"""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.constraints import in_choices
from organizations.models import Department

from .execution import Tranche
from .policy import MAX_TEXT, MONEY, MONEY_VALIDATORS, YEAR_VALIDATORS
from .projects import BudgetProject


class ReallocationStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting finance")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Approved")


# A request not yet approved: waiting for finance, or returned to the department to change and resubmit.
OPEN_REALLOCATION = (ReallocationStatus.PENDING, ReallocationStatus.RETURNED)


class Reallocation(models.Model):
    """A department's request to move money from one of its approved projects to another, or to the pool."""

    Status = ReallocationStatus

    department = models.ForeignKey(Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    source = models.ForeignKey(
        BudgetProject, verbose_name=_("from project"), on_delete=models.PROTECT, related_name="reallocations_out"
    )
    # Optional: the unreleased tranche the money comes from. Kept by name too: a tranche emptied by the
    # approval is removed.
    source_tranche = models.ForeignKey(
        Tranche,
        verbose_name=_("from tranche"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source_tranche_name = models.CharField(_("tranche name"), max_length=100, blank=True)
    # Empty: back to the pool (the money is no longer any project's).
    target = models.ForeignKey(
        BudgetProject,
        verbose_name=_("to project"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reallocations_in",
    )
    amount = models.DecimalField(_("amount (yuan)"), validators=MONEY_VALIDATORS, **MONEY)
    reason = models.TextField(_("reason"), validators=[MaxLengthValidator(MAX_TEXT)])
    status = models.CharField(
        _("status"), max_length=10, choices=ReallocationStatus.choices, default=ReallocationStatus.PENDING
    )
    return_reason = models.TextField(_("reason for return"), blank=True, validators=[MaxLengthValidator(MAX_TEXT)])
    # On approval: the amounts before and after (source, tranche, target), as the audit log has them.
    moved = models.JSONField(_("amounts moved"), encoder=DjangoJSONEncoder, default=dict, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("last submitted at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("budget reallocation")
        verbose_name_plural = _("budget reallocations")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="reallocation_amount_positive"),
            models.CheckConstraint(
                condition=models.Q(target__isnull=True) | ~models.Q(target=models.F("source")),
                name="reallocation_target_not_source",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="returned") | ~models.Q(return_reason=""),
                name="reallocation_returned_with_reason",
            ),
            in_choices("status", ReallocationStatus, "reallocation_status"),
        ]
        indexes = [models.Index(fields=["year", "status"]), models.Index(fields=["department", "status"])]

    def __str__(self):
        return f"{self.source} → {self.target or '—'} {self.amount}"

    @property
    def is_pending(self) -> bool:
        return self.status == ReallocationStatus.PENDING

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_REALLOCATION

    @property
    def to_pool(self) -> bool:
        return self.target_id is None
