"""Department-wide spending performance (部门整体支出绩效): the year's weights, each department's
target sheet for its whole budget, and its evaluations (docs/budgets.md, section 5)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.constraints import in_choices
from indicators.choices import Method
from indicators.models import Indicator
from organizations.models import Department

from .. import department_evaluation as dev
from .. import evaluation
from ..choices import EDITABLE_STATUSES, GRADES, EvaluationStatus, Operator, ProjectStatus
from .policy import MAX_TEXT, MONEY, POINTS, VALUE, YEAR_VALIDATORS
from .projects import TargetValue

DepartmentDimension = dev.DepartmentDimension


def _weight(label, code: str):
    return models.DecimalField(label, default=dev.DEFAULT_WEIGHTS[code], validators=[MinValueValidator(0)], **POINTS)


class DepartmentWidePolicy(models.Model):
    """A year's weights of the department-wide evaluation, and the assessment indicator it feeds."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True, validators=YEAR_VALIDATORS)
    weight_execution = _weight(_("weight: budget execution rate"), "execution")
    weight_running_cost = _weight(_("weight: running cost"), "running_cost")
    weight_management = _weight(_("weight: management efficiency"), "management")
    weight_output = _weight(_("weight: duty output"), "output")
    weight_effect = _weight(_("weight: social effect"), "effect")
    weight_sustainability = _weight(_("weight: sustainable development"), "sustainability")
    weight_satisfaction = _weight(_("weight: satisfaction of those served"), "satisfaction")
    assessment_indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("assessment indicator"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_(
            "Optional: a qualitative indicator of the year's assessment that takes the grade of each "
            "department's published department-wide evaluation."
        ),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("updated by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("department-wide policy")
        verbose_name_plural = _("department-wide policies")
        ordering = ["-year"]

    def __str__(self):
        return gettext("Department-wide policy %(year)s") % {"year": self.year}

    @property
    def weights(self) -> dev.DepartmentWeights:
        return dev.DepartmentWeights(**{code: getattr(self, name) for code, name in dev.WEIGHT_FIELDS.items()})

    def clean(self):
        errors: dict[str, list] = {}
        values = [getattr(self, name) for name in dev.WEIGHT_FIELDS.values()]
        if all(v is not None for v in values) and sum(values) != 100:
            errors["weight_execution"] = [
                _("The weights must add up to 100 (now %(sum)s).") % {"sum": sum(values).normalize()}
            ]
        if self.assessment_indicator_id:
            ind = self.assessment_indicator
            if ind.library.year != self.year:
                errors["assessment_indicator"] = [
                    _("Link an indicator of %(year)s, the policy's year.") % {"year": self.year}
                ]
            elif ind.method != Method.GRADE:
                errors["assessment_indicator"] = [
                    _("Link a qualitative (graded) indicator: it takes the evaluation's grade.")
                ]
        if errors:
            raise ValidationError(errors)


class DepartmentSheet(models.Model):
    """A department's yearly target sheet for its whole budget: draft → submitted → approved | returned."""

    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="department_wide_sheets"
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    status = models.CharField(_("status"), max_length=10, choices=ProjectStatus.choices, default=ProjectStatus.DRAFT)
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
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("department-wide target sheet")
        verbose_name_plural = _("department-wide target sheets")
        ordering = ["-year", "department__order"]
        constraints = [
            models.UniqueConstraint(fields=["department", "year"], name="departmentsheet_unique_year"),
            in_choices("status", ProjectStatus, "departmentsheet_status"),
        ]

    def __str__(self):
        return f"{self.year} {self.department}"

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES


class DepartmentTarget(TargetValue, models.Model):
    """A target of a department-wide sheet, e.g. "公用经费控制率 ≤ 100 %", with its year-end value."""

    sheet = models.ForeignKey(
        DepartmentSheet, verbose_name=_("sheet"), on_delete=models.CASCADE, related_name="targets"
    )
    dimension = models.CharField(_("dimension"), max_length=15, choices=DepartmentDimension.choices)
    name = models.CharField(_("name"), max_length=200)
    operator = models.CharField(_("operator"), max_length=6, choices=Operator.choices, default=Operator.GE)
    value = models.DecimalField(_("target value"), **VALUE)
    upper = models.DecimalField(
        _("upper bound"), null=True, blank=True, help_text=_("Only for a range: the value is the lower bound."), **VALUE
    )
    unit = models.CharField(_("unit"), max_length=30, blank=True)
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
    not_applicable = models.BooleanField(_("not applicable"), default=False)
    not_applicable_reason = models.CharField(_("why it does not apply"), max_length=500, blank=True)
    actual_recorded_at = models.DateTimeField(_("actual recorded at"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("department-wide target")
        verbose_name_plural = _("department-wide targets")
        ordering = ["sheet", "order", "id"]
        constraints = [
            in_choices("dimension", DepartmentDimension, "departmenttarget_dimension"),
            models.CheckConstraint(
                condition=models.Q(not_applicable=False)
                | (~models.Q(not_applicable_reason="") & models.Q(actual__isnull=True)),
                name="departmenttarget_not_applicable_with_reason",
            ),
        ]

    def __str__(self):
        return f"{self.name} {self.target_text}"

    def clean(self):
        errors = self.value_errors()
        if errors:
            raise ValidationError(errors)

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
            order=self.order,
        )


class DepartmentEvaluation(models.Model):
    """A computed department-wide evaluation with its ledger. Never changed: computing again is a new row.

    The department's budget is the sum of its approved projects of the year: their amounts and
    the spending recorded against them, copied here when computed.
    """

    sheet = models.ForeignKey(
        DepartmentSheet, verbose_name=_("sheet"), on_delete=models.PROTECT, related_name="evaluations"
    )
    number = models.PositiveIntegerField(_("number"))
    total = models.DecimalField(_("score"), **POINTS)
    grade = models.CharField(_("grade"), max_length=10, choices=GRADES)
    amount = models.DecimalField(_("budget (yuan)"), **MONEY)
    spent = models.DecimalField(_("spent (yuan)"), **MONEY)
    execution_rate = models.DecimalField(_("execution rate (percent)"), max_digits=9, decimal_places=2)
    projects = models.PositiveIntegerField(_("approved projects"), default=0)
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
    # The grade handed to the year's assessment indicator on publishing ("" when none is linked).
    assessment_grade = models.CharField(_("grade given to the assessment"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("department-wide evaluation")
        verbose_name_plural = _("department-wide evaluations")
        ordering = ["sheet", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["sheet", "number"], name="departmentevaluation_unique_number"),
            in_choices("status", EvaluationStatus, "departmentevaluation_status"),
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(confirmed_at__isnull=False),
                name="departmentevaluation_confirmed_before_published",
            ),
        ]

    def __str__(self):
        return f"{self.sheet} · {self.total} {self.get_grade_display()}"
