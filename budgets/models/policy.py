"""The year's budget policy: thresholds, weights and the recommendation matrix (docs/budgets.md)."""

from __future__ import annotations

import copy
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from .. import evaluation, recommendation

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


# The five dimensions of an ex-ante assessment (models.appraisals.ExAnteDimension) and their default points.
EXANTE_DIMENSIONS = ("necessity", "economy", "targets", "feasibility", "funding")
DEFAULT_EXANTE_WEIGHTS = {
    "necessity": "25.00",
    "economy": "20.00",
    "targets": "20.00",
    "feasibility": "20.00",
    "funding": "15.00",
}


def _default_exante_weights() -> dict:
    return dict(DEFAULT_EXANTE_WEIGHTS)


def _sheet_weight_errors(weights, dimensions, missing: str, negative: str, total: str) -> tuple[dict, list[str]]:
    from core.numbers import q2, to_decimal

    if not isinstance(weights, dict):
        return {}, [missing]
    out, problems = {}, []
    for dim in dimensions:
        value = to_decimal(weights.get(dim))
        if value is None or not value.is_finite() or value < 0:
            problems.append(negative)
            continue
        out[dim] = str(q2(value))
    if not problems and sum(Decimal(v) for v in out.values()) != 100:
        problems.append(total)
    return out, problems


def exante_weight_errors(weights) -> tuple[dict, list[str]]:
    """The five ex-ante weights normalised to two places, and what is wrong with them (msgids)."""
    return _sheet_weight_errors(
        weights,
        EXANTE_DIMENSIONS,
        gettext_noop("Give a weight for each of the five dimensions."),
        gettext_noop("Each ex-ante weight is a number of points of 0 or more."),
        gettext_noop("The ex-ante weights must add up to 100."),
    )


# The four dimensions of a key evaluation (models.appraisals.KeyDimension, 财预〔2020〕10号) and their
# default points: decision 20, process 20, output 30, effect 30.
KEY_DIMENSIONS = ("decision", "process", "output", "effect")
DEFAULT_KEY_WEIGHTS = {"decision": "20.00", "process": "20.00", "output": "30.00", "effect": "30.00"}


def _default_key_weights() -> dict:
    return dict(DEFAULT_KEY_WEIGHTS)


def key_weight_errors(weights) -> tuple[dict, list[str]]:
    """The four key-evaluation weights normalised to two places, and what is wrong with them (msgids)."""
    return _sheet_weight_errors(
        weights,
        KEY_DIMENSIONS,
        gettext_noop("Give a weight for each of the four dimensions."),
        gettext_noop("Each key-evaluation weight is a number of points of 0 or more."),
        gettext_noop("The key-evaluation weights must add up to 100."),
    )


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
    # Ex-ante assessment (事前绩效评估): a new project of this amount or more needs one (inclusive).
    exante_threshold = models.DecimalField(
        _("ex-ante assessment from (yuan)"),
        default=Decimal("5000000.00"),
        validators=MONEY_VALIDATORS,
        help_text=_("A new project of this amount or more needs an ex-ante assessment before it is submitted."),
        **MONEY,
    )
    exante_weights = models.JSONField(
        _("ex-ante assessment weights"), default=_default_exante_weights, encoder=DjangoJSONEncoder
    )
    key_weights = models.JSONField(_("key evaluation weights"), default=_default_key_weights, encoder=DjangoJSONEncoder)
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
        exante, exante_errors = exante_weight_errors(self.exante_weights)
        if exante_errors:
            errors["exante_weights"] = [gettext(m) for m in exante_errors]
        else:
            self.exante_weights = exante
        key, key_errors = key_weight_errors(self.key_weights)
        if key_errors:
            errors["key_weights"] = [gettext(m) for m in key_errors]
        else:
            self.key_weights = key
        matrix, matrix_errors = recommendation.validate_matrix(self.matrix)
        if matrix_errors:
            errors["matrix"] = [f"{k}: {gettext(m)}" for k, msgs in matrix_errors.items() for m in msgs]
        else:
            self.matrix = matrix
        if errors:
            raise ValidationError(errors)
