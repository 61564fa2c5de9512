"""Results: evaluations of a year's projects and next year's recommendations (docs/budgets.md)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.constraints import in_choices
from organizations.models import Department

from ..choices import (
    DEPARTMENT_GRADES,
    GRADES,
    Action,
    EvaluationStatus,
    FlagReason,
    RecommendationKind,
    RecommendationStatus,
)
from .policy import MAX_TEXT, MONEY, POINTS, YEAR_VALIDATORS
from .projects import BudgetProject


class Evaluation(models.Model):
    """A computed self-evaluation of a project with its ledger. Never changed: a recomputation is a new row."""

    project = models.ForeignKey(
        BudgetProject, verbose_name=_("project"), on_delete=models.PROTECT, related_name="evaluations"
    )
    number = models.PositiveIntegerField(_("number"))
    total = models.DecimalField(_("score"), **POINTS)
    grade = models.CharField(_("grade"), max_length=10, choices=GRADES)
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    spent = models.DecimalField(_("spent (yuan)"), **MONEY)
    execution_rate = models.DecimalField(_("execution rate (percent)"), max_digits=9, decimal_places=2)
    weights = models.JSONField(_("weights"), encoder=DjangoJSONEncoder)
    ledger = models.JSONField(_("ledger"), encoder=DjangoJSONEncoder)
    # The target sheet version in force when computed (1 = as approved; each approved revision adds
    # one) and the revision that made it; empty for evaluations made before versions were kept.
    sheet_version = models.PositiveIntegerField(_("target sheet version"), null=True, blank=True)
    sheet_adjustment = models.ForeignKey(
        "budgets.TargetAdjustment",
        verbose_name=_("target revision in force"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evaluations",
    )
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("computed by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    computed_at = models.DateTimeField(_("computed at"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=10, choices=EvaluationStatus.choices, default=EvaluationStatus.DRAFT
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["project", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="evaluation_unique_number"),
            in_choices("status", EvaluationStatus, "evaluation_status"),
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(confirmed_at__isnull=False),
                name="evaluation_confirmed_before_published",
            ),
        ]

    def __str__(self):
        return f"{self.project} · {self.total} {self.get_grade_display()}"


class Recommendation(models.Model):
    """Next year's budget recommendation for a project, or a flag where there is none to make.

    The recommended action, percentage and amount are kept as generated; finance's decision
    (accept, or override with a reason) is stored beside them, never over them.
    """

    year = models.PositiveSmallIntegerField(_("budget year"), validators=YEAR_VALIDATORS)
    project = models.ForeignKey(
        BudgetProject, verbose_name=_("project"), on_delete=models.PROTECT, related_name="recommendations"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="budget_recommendations"
    )
    evaluation = models.ForeignKey(
        Evaluation,
        verbose_name=_("evaluation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="recommendations",
    )
    # The accepted key evaluation the recommendation follows, where finance made one (财政重点评价).
    key_evaluation = models.ForeignKey(
        "budgets.KeyEvaluation",
        verbose_name=_("key evaluation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="recommendations",
    )
    kind = models.CharField(_("kind"), max_length=15, choices=RecommendationKind.choices)
    flag_reason = models.CharField(_("flag"), max_length=15, choices=FlagReason.choices, blank=True)
    base_amount = models.DecimalField(_("this year's amount (yuan)"), **MONEY)
    project_grade = models.CharField(_("project grade"), max_length=10, choices=GRADES, blank=True)
    department_grade = models.CharField(_("department assessment grade"), max_length=20, blank=True)
    department_grade_column = models.CharField(_("policy column"), max_length=10, choices=DEPARTMENT_GRADES, blank=True)
    action = models.CharField(_("recommended action"), max_length=10, choices=Action.choices, blank=True)
    percent = models.DecimalField(_("recommended change (percent)"), max_digits=6, decimal_places=2, null=True)
    recommended_amount = models.DecimalField(_("recommended amount (yuan)"), null=True, **MONEY)
    status = models.CharField(
        _("decision"), max_length=10, choices=RecommendationStatus.choices, default=RecommendationStatus.PROPOSED
    )
    final_action = models.CharField(_("decided action"), max_length=10, choices=Action.choices, blank=True)
    final_amount = models.DecimalField(_("decided amount (yuan)"), null=True, blank=True, **MONEY)
    reason = models.TextField(_("reason"), blank=True, validators=[MaxLengthValidator(MAX_TEXT)])
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    generated_at = models.DateTimeField(_("generated at"), auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("budget recommendation")
        verbose_name_plural = _("budget recommendations")
        ordering = ["year", "department__order", "project__code"]
        constraints = [models.UniqueConstraint(fields=["year", "project"], name="recommendation_unique_project")]
        indexes = [models.Index(fields=["year", "department"])]

    def __str__(self):
        return f"{self.year} {self.project.name}"

    @property
    def is_flag(self) -> bool:
        return self.kind == RecommendationKind.FLAG

    @property
    def effective_action(self) -> str:
        return self.final_action or self.action

    @property
    def effective_amount(self) -> Decimal | None:
        """What goes into next year's table: the override where there is one, else the recommendation."""
        if self.status == RecommendationStatus.OVERRIDDEN:
            return self.final_amount
        return self.recommended_amount
