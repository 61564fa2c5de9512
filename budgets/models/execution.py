"""Execution: tranches released and money spent (docs/budgets.md)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..choices import (
    TrancheStatus,
)
from .policy import MAX_TEXT, MONEY, MONEY_VALIDATORS
from .projects import BudgetProject, BudgetTarget


class Tranche(models.Model):
    """A tranche of the project's money (分阶段拨付); a held tranche waits for named targets to be met."""

    project = models.ForeignKey(
        BudgetProject, verbose_name=_("project"), on_delete=models.PROTECT, related_name="tranches"
    )
    name = models.CharField(_("name"), max_length=100)
    amount = models.DecimalField(_("amount (yuan)"), validators=MONEY_VALIDATORS, **MONEY)
    planned_date = models.DateField(_("planned date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=TrancheStatus.choices, default=TrancheStatus.OPEN)
    condition_targets = models.ManyToManyField(
        BudgetTarget, verbose_name=_("held until these targets are met"), blank=True, related_name="holding_tranches"
    )
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("released by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    release_note = models.TextField(_("release note"), blank=True, validators=[MaxLengthValidator(MAX_TEXT)])
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    # Paused (暂停拨付) when a dual-monitoring warning went unanswered past its deadline; finance
    # lifts the pause with a reason. A paused tranche is neither released nor drawn on.
    paused_at = models.DateTimeField(_("paused at"), null=True, blank=True)
    pause_reason = models.CharField(_("reason for the pause"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("tranche")
        verbose_name_plural = _("tranches")
        ordering = ["project", "order", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="tranche_amount_positive")]

    def __str__(self):
        return f"{self.project.name} · {self.name}"

    @property
    def is_held(self) -> bool:
        return self.status == TrancheStatus.HELD

    @property
    def is_paused(self) -> bool:
        return self.paused_at is not None


class SpendingRecord(models.Model):
    """Money spent on a project (预算执行), by date and tranche. Append-only."""

    project = models.ForeignKey(
        BudgetProject, verbose_name=_("project"), on_delete=models.PROTECT, related_name="spending"
    )
    tranche = models.ForeignKey(
        Tranche, verbose_name=_("tranche"), null=True, blank=True, on_delete=models.PROTECT, related_name="spending"
    )
    date = models.DateField(_("date"))
    amount = models.DecimalField(_("amount (yuan)"), validators=MONEY_VALIDATORS, **MONEY)
    description = models.CharField(_("description"), max_length=200, blank=True)
    voucher = models.CharField(_("voucher number"), max_length=50, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("spending record")
        verbose_name_plural = _("spending records")
        ordering = ["project", "date", "id"]
        indexes = [models.Index(fields=["project", "date"])]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="spending_amount_positive")]

    def __str__(self):
        return f"{self.date} {self.amount}"
