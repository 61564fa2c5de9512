"""Disclosure (信息公开) of performance information: an item may be withheld, with its reason.

Performance targets are published with the budget; self-evaluations and key-evaluation results
with the final accounts (docs/budgets.md, section 6). Every item is disclosed unless finance
withholds it; a withheld item shows its reason (不予公开原因) in its place and none of its values.
A row exists once finance has decided about an item; no row means disclosed.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.constraints import in_choices

from .department import DepartmentSheet
from .policy import MAX_TEXT
from .projects import BudgetProject


class DisclosurePart(models.TextChoices):
    """What of a project or a department-wide sheet is disclosed (and when)."""

    TARGETS = "targets", _("Performance targets (with the budget)")
    SELF_EVALUATION = "self_evaluation", _("Self-evaluation (with the final accounts)")
    KEY_EVALUATION = "key_evaluation", _("Key-evaluation result (with the final accounts)")


class Disclosure(models.Model):
    """Finance's decision about disclosing one part of one project or department-wide sheet."""

    project = models.ForeignKey(
        BudgetProject,
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="disclosures",
    )
    department_sheet = models.ForeignKey(
        DepartmentSheet,
        verbose_name=_("department-wide sheet"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="disclosures",
    )
    part = models.CharField(_("part"), max_length=20, choices=DisclosurePart.choices)
    withheld = models.BooleanField(_("withheld"), default=False)
    reason = models.TextField(_("reason for not disclosing"), blank=True, validators=[MaxLengthValidator(MAX_TEXT)])
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("disclosure decision")
        verbose_name_plural = _("disclosure decisions")
        ordering = ["part", "id"]
        constraints = [
            in_choices("part", DisclosurePart, "disclosure_part"),
            models.CheckConstraint(
                condition=(models.Q(project__isnull=False) & models.Q(department_sheet__isnull=True))
                | (models.Q(project__isnull=True) & models.Q(department_sheet__isnull=False)),
                name="disclosure_one_subject",
            ),
            models.CheckConstraint(
                condition=models.Q(withheld=False) | ~models.Q(reason=""), name="disclosure_withheld_with_reason"
            ),
            models.UniqueConstraint(
                fields=["project", "part"], condition=models.Q(project__isnull=False), name="disclosure_unique_project"
            ),
            models.UniqueConstraint(
                fields=["department_sheet", "part"],
                condition=models.Q(department_sheet__isnull=False),
                name="disclosure_unique_sheet",
            ),
        ]

    def __str__(self):
        return f"{self.project or self.department_sheet} {self.part} {'withheld' if self.withheld else 'disclosed'}"
