"""Budget projects bound to performance targets (预算绩效, docs/budgets.md).

Money is stored in yuan with two decimals (239.63万元 = 2,396,300.00 yuan) and shown in 万元
where finance expects it; points are Decimal with two places.
"""

from __future__ import annotations

import copy
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.constraints import in_choices
from core.numbers import yuan_to_wan
from indicators.models import Indicator
from organizations.models import Department, code_validator

from . import evaluation, recommendation
from .choices import (
    DEFAULT_SUBDIMENSION,
    DEPARTMENT_GRADES,
    EDITABLE_STATUSES,
    GRADES,
    SUBDIMENSIONS,
    Action,
    BudgetDimension,
    BudgetSubdimension,
    EvaluationStatus,
    FlagReason,
    FundingSource,
    Operator,
    ProjectCategory,
    ProjectStatus,
    RecommendationKind,
    RecommendationStatus,
    RevisionKind,
    TrancheStatus,
)

# Yuan with two decimals; 1,000 亿元 is beyond any city project and is refused as absurd.
MAX_AMOUNT = Decimal("100000000000.00")
MONEY = {"max_digits": 15, "decimal_places": 2}
MONEY_VALIDATORS = [MinValueValidator(Decimal("0.01")), MaxValueValidator(MAX_AMOUNT)]
POINTS = {"max_digits": 7, "decimal_places": 2}
VALUE = {"max_digits": 18, "decimal_places": 4}
MAX_TEXT = 2000
YEAR_VALIDATORS = [MinValueValidator(2000), MaxValueValidator(2100)]


def _default_matrix() -> dict:
    return copy.deepcopy(recommendation.DEFAULT_MATRIX)


class BudgetPolicy(models.Model):
    """A year's evaluation weights, grade bands and recommendation matrix (configurable per year)."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True, validators=YEAR_VALIDATORS)
    weight_execution = models.DecimalField(
        _("weight: budget execution rate"), default=Decimal(10), validators=[MinValueValidator(0)], **POINTS
    )
    weight_output = models.DecimalField(
        _("weight: output"), default=Decimal(50), validators=[MinValueValidator(0)], **POINTS
    )
    weight_cost = models.DecimalField(
        _("weight: cost"),
        default=Decimal(0),
        validators=[MinValueValidator(0)],
        help_text=_("0: cost targets are scored within the output weight (Ministry of Finance practice)."),
        **POINTS,
    )
    weight_effect = models.DecimalField(
        _("weight: effect"), default=Decimal(30), validators=[MinValueValidator(0)], **POINTS
    )
    weight_satisfaction = models.DecimalField(
        _("weight: satisfaction"), default=Decimal(10), validators=[MinValueValidator(0)], **POINTS
    )
    grade_excellent = models.DecimalField(_("excellent (优) from"), default=Decimal(90), **POINTS)
    grade_good = models.DecimalField(_("good (良) from"), default=Decimal(80), **POINTS)
    grade_fair = models.DecimalField(_("fair (中) from"), default=Decimal(60), **POINTS)
    matrix = models.JSONField(_("recommendation matrix"), default=_default_matrix, encoder=DjangoJSONEncoder)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("updated by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("budget policy")
        verbose_name_plural = _("budget policies")
        ordering = ["-year"]

    def __str__(self):
        return gettext("Budget policy %(year)s") % {"year": self.year}

    @property
    def weights(self) -> evaluation.Weights:
        return evaluation.Weights(
            execution=self.weight_execution,
            output=self.weight_output,
            cost=self.weight_cost,
            effect=self.weight_effect,
            satisfaction=self.weight_satisfaction,
        )

    @property
    def bands(self) -> tuple[tuple[str, Decimal], ...]:
        return (
            ("excellent", self.grade_excellent),
            ("good", self.grade_good),
            ("fair", self.grade_fair),
            ("poor", Decimal(0)),
        )

    def clean(self):
        errors: dict[str, list] = {}
        weights = [self.weight_execution, self.weight_output, self.weight_cost, self.weight_effect]
        weights.append(self.weight_satisfaction)
        if all(w is not None for w in weights) and sum(weights) != 100:
            errors["weight_execution"] = [
                _("The weights must add up to 100 (now %(sum)s).") % {"sum": sum(weights).normalize()}
            ]
        bands = [self.grade_excellent, self.grade_good, self.grade_fair]
        if all(b is not None for b in bands) and not (100 >= bands[0] > bands[1] > bands[2] > 0):
            errors["grade_excellent"] = [_("Grade thresholds must fall from excellent to fair, within 0–100.")]
        matrix, matrix_errors = recommendation.validate_matrix(self.matrix)
        if matrix_errors:
            errors["matrix"] = [f"{k}: {gettext(m)}" for k, msgs in matrix_errors.items() for m in msgs]
        else:
            self.matrix = matrix
        if errors:
            raise ValidationError(errors)


class BudgetProject(models.Model):
    """A budget project (预算项目) and its target sheet's workflow: draft → submitted → approved | returned."""

    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="budget_projects"
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    code = models.CharField(
        _("project code"), max_length=40, validators=[code_validator], help_text=_("Unique within the year.")
    )
    name = models.CharField(_("name"), max_length=200)
    amount = models.DecimalField(_("amount (yuan)"), validators=MONEY_VALIDATORS, **MONEY)
    funding_source = models.CharField(
        _("funding source"), max_length=20, choices=FundingSource.choices, default=FundingSource.GENERAL
    )
    category = models.CharField(
        _("category"), max_length=20, choices=ProjectCategory.choices, default=ProjectCategory.OPERATIONAL
    )
    description = models.TextField(_("description"), blank=True, validators=[MaxLengthValidator(MAX_TEXT)])
    status = models.CharField(_("status"), max_length=10, choices=ProjectStatus.choices, default=ProjectStatus.DRAFT)
    # Number of the latest revision (ProjectRevision.number); 0 until the first submission.
    revision = models.PositiveIntegerField(_("revision"), default=0)
    return_reason = models.TextField(_("reason for return"), blank=True, validators=[MaxLengthValidator(MAX_TEXT)])
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("budget project")
        verbose_name_plural = _("budget projects")
        ordering = ["-year", "department__order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["year", "code"], name="budgetproject_unique_code"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="budgetproject_amount_positive"),
            in_choices("status", ProjectStatus, "budgetproject_status"),
        ]
        indexes = [models.Index(fields=["year", "department"]), models.Index(fields=["year", "status"])]

    def __str__(self):
        return f"{self.year} {self.name}"

    @property
    def amount_wan(self) -> Decimal:
        return yuan_to_wan(self.amount)

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES


class BudgetTarget(models.Model):
    """A performance target of a project's sheet, e.g. "activities ≥ 50 场", with its year-end value."""

    project = models.ForeignKey(
        BudgetProject, verbose_name=_("project"), on_delete=models.CASCADE, related_name="targets"
    )
    dimension = models.CharField(_("dimension"), max_length=15, choices=BudgetDimension.choices)
    # Required, but cost and satisfaction fill in their obvious one (clean()).
    subdimension = models.CharField(_("sub-dimension"), max_length=15, choices=BudgetSubdimension.choices, blank=True)
    name = models.CharField(_("name"), max_length=200)
    operator = models.CharField(_("operator"), max_length=6, choices=Operator.choices, default=Operator.GE)
    value = models.DecimalField(_("target value"), **VALUE)
    upper = models.DecimalField(
        _("upper bound"), null=True, blank=True, help_text=_("Only for a range: the value is the lower bound."), **VALUE
    )
    unit = models.CharField(_("unit"), max_length=30, blank=True)
    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("library indicator"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="budget_targets",
        help_text=_("Optional: an indicator of the same year whose scoring method scores this target."),
    )
    weight = models.DecimalField(
        _("own weight (points)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal(100))],
        help_text=_("Leave empty to share the dimension's weight equally with the other targets."),
        **POINTS,
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    actual = models.DecimalField(_("year-end actual value"), null=True, blank=True, **VALUE)
    actual_note = models.CharField(_("source of the actual value"), max_length=500, blank=True)
    # A target that did not apply this year (e.g. the event it measures was cancelled): left out of
    # the evaluation, its group's points shared among the others, the reason on the ledger.
    not_applicable = models.BooleanField(_("not applicable"), default=False)
    not_applicable_reason = models.CharField(_("why it does not apply"), max_length=500, blank=True)
    actual_recorded_at = models.DateTimeField(_("actual recorded at"), null=True, blank=True)
    actual_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actual recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("performance target")
        verbose_name_plural = _("performance targets")
        ordering = ["project", "order", "id"]
        indexes = [models.Index(fields=["project", "dimension"])]
        constraints = [
            # Not applicable says why, and has no value.
            models.CheckConstraint(
                condition=models.Q(not_applicable=False)
                | (~models.Q(not_applicable_reason="") & models.Q(actual__isnull=True)),
                name="target_not_applicable_with_reason",
            ),
        ]

    def __str__(self):
        return f"{self.name} {self.target_text}"

    @property
    def target_text(self) -> str:
        from core.numbers import plain

        if self.operator == Operator.RANGE:
            text = f"{plain(self.value)}–{plain(self.upper)}"
        else:
            text = f"{self.get_operator_display()} {plain(self.value)}"
        return f"{text} {self.unit}".strip()

    def clean(self):
        errors: dict[str, list] = {}
        if self.dimension and not self.subdimension:
            default = (
                DEFAULT_SUBDIMENSION.get(BudgetDimension(self.dimension))
                if self.dimension in BudgetDimension.values
                else None
            )
            if default:
                self.subdimension = default
            else:
                errors["subdimension"] = [_("Choose the sub-dimension.")]
        if (
            self.dimension in BudgetDimension.values
            and self.subdimension
            and self.subdimension not in SUBDIMENSIONS[BudgetDimension(self.dimension)]
        ):
            errors["subdimension"] = [_("This sub-dimension does not belong to the chosen dimension.")]
        if self.value is not None:  # a missing value is reported by the field itself
            for field, msgs in evaluation.value_errors(self.operator, self.value, self.upper).items():
                errors.setdefault(field, []).extend(gettext(m) for m in msgs)
        if self.indicator_id:
            ind = self.indicator
            project = self._project_or_none()
            if project is not None and ind.library.year != project.year:
                errors.setdefault("indicator", []).append(
                    _("Link an indicator of %(year)s, the project's year.") % {"year": project.year}
                )
            elif not ind.is_active:
                errors.setdefault("indicator", []).append(_("This indicator is retired."))
            else:
                problems = evaluation.link_errors(self.operator, self.value, linked_indicator(ind))
                if problems:
                    errors.setdefault("indicator", []).extend(gettext(m) for m in problems)
        if errors:
            raise ValidationError(errors)

    def _project_or_none(self) -> BudgetProject | None:
        try:
            return self.project  # may be an unsaved project (spreadsheet import checks before writing)
        except BudgetProject.DoesNotExist:
            return None

    def as_input(self) -> evaluation.TargetInput:
        return evaluation.TargetInput(
            id=self.pk,
            name=self.name,
            dimension=self.dimension,
            operator=self.operator,
            value=self.value,
            upper=self.upper,
            unit=self.unit,
            weight=self.weight,
            actual=self.actual,
            link=linked_indicator(self.indicator) if self.indicator_id else None,
            order=self.order,
        )


def linked_indicator(ind: Indicator) -> evaluation.LinkedIndicator:
    return evaluation.LinkedIndicator(
        code=ind.code,
        name=ind.name,
        method=ind.method,
        points=ind.points,
        challenge=ind.challenge_target,
        params=ind.params or {},
    )


class ProjectRevision(models.Model):
    """A readable copy of the sheet at each submission, return, approval and change after submission."""

    project = models.ForeignKey(
        BudgetProject, verbose_name=_("project"), on_delete=models.CASCADE, related_name="revisions"
    )
    number = models.PositiveIntegerField(_("revision"))
    kind = models.CharField(_("event"), max_length=10, choices=RevisionKind.choices)
    status = models.CharField(_("status"), max_length=10, choices=ProjectStatus.choices)
    snapshot = models.JSONField(_("sheet"), encoder=DjangoJSONEncoder)
    reason = models.TextField(_("reason"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("sheet revision")
        verbose_name_plural = _("sheet revisions")
        ordering = ["project", "-number"]
        constraints = [models.UniqueConstraint(fields=["project", "number"], name="projectrevision_unique_number")]

    def __str__(self):
        return f"{self.project} r{self.number} {self.kind}"


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
