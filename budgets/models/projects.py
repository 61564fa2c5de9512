"""Budget projects, their target sheets and the history of their revisions (docs/budgets.md)."""

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
from core.numbers import yuan_to_wan
from indicators.models import Indicator
from organizations.models import Department, code_validator

from .. import evaluation
from ..choices import (
    DEFAULT_SUBDIMENSION,
    EDITABLE_STATUSES,
    SUBDIMENSIONS,
    BudgetDimension,
    BudgetSubdimension,
    FundingSource,
    Operator,
    ProjectCategory,
    ProjectStatus,
    RevisionKind,
)
from .policy import MAX_TEXT, MONEY, MONEY_VALIDATORS, POINTS, VALUE, YEAR_VALIDATORS


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
    # A continuing project (延续性项目) carries on from earlier years and needs no ex-ante assessment.
    is_continuing = models.BooleanField(
        _("continuing project"),
        default=False,
        help_text=_("Carried on from earlier years; only new projects need an ex-ante assessment."),
    )
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


class TargetValue:
    """What a project's target and a department-wide target share: an operator, a value (and an
    upper bound for a range) in a unit — the target as written, and the checks of its value."""

    @property
    def target_text(self) -> str:
        from core.numbers import plain

        if self.operator == Operator.RANGE:
            text = f"{plain(self.value)}–{plain(self.upper)}"
        else:
            text = f"{self.get_operator_display()} {plain(self.value)}"
        return f"{text} {self.unit}".strip()

    def value_errors(self) -> dict[str, list[str]]:
        """Field errors of the value against the operator (a missing value is the field's own error)."""
        if self.value is None:
            return {}
        return {
            field: [gettext(m) for m in msgs]
            for field, msgs in evaluation.value_errors(self.operator, self.value, self.upper).items()
        }


class BudgetTarget(TargetValue, models.Model):
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
    # The shared library's indicator this target measures (指标库), for benchmarks and the quality check.
    library_indicator = models.ForeignKey(
        "budgets.LibraryIndicator",
        verbose_name=_("indicator from the library"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="targets",
    )
    below_last_year_reason = models.CharField(
        _("why below last year's actual"),
        max_length=500,
        blank=True,
        help_text=_("Required reading for finance when the target is less ambitious than last year's actual."),
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
        for field, msgs in self.value_errors().items():
            errors.setdefault(field, []).extend(msgs)
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
