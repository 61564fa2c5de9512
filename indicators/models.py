"""The indicator library: one per year, with categories, indicators, rules and grade bands."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from organizations.models import Department, code_validator

from .choices import (
    SUBDIMENSIONS,
    Applicability,
    BudgetDimension,
    BudgetSubdimension,
    Direction,
    Kind,
    LibraryStatus,
    Method,
    RuleEffect,
    RuleKind,
    RuleScope,
    ValueType,
)
from .methods import validate_method

POINTS = {"max_digits": 7, "decimal_places": 2}
TARGET = {"max_digits": 18, "decimal_places": 4}
indicator_code_validator = code_validator


class Library(models.Model):
    """A year's framework (考核框架): what is assessed and how. Cloned each year and adjusted."""

    year = models.PositiveSmallIntegerField(
        _("year"), unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    name = models.CharField(_("name"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=LibraryStatus.choices, default=LibraryStatus.DRAFT)
    cloned_from = models.ForeignKey(
        "self", verbose_name=_("cloned from"), null=True, blank=True, on_delete=models.PROTECT, related_name="clones"
    )
    cloned_at = models.DateTimeField(_("cloned at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("indicator library")
        verbose_name_plural = _("indicator libraries")
        ordering = ["-year"]

    def __str__(self):
        return f"{self.year} {self.name}"


class Category(models.Model):
    """A category of the framework with its points, e.g. 中心工作 25. Categories form a tree."""

    library = models.ForeignKey(Library, verbose_name=_("library"), on_delete=models.CASCADE, related_name="categories")
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    code = models.CharField(_("code"), max_length=40, validators=[code_validator])
    name = models.CharField(_("name"), max_length=100)
    points = models.DecimalField(_("points"), validators=[MinValueValidator(Decimal(0))], **POINTS)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    description = models.TextField(_("description"), blank=True)
    source = models.ForeignKey(
        "self", verbose_name=_("copied from"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["library", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["library", "code"], name="category_unique_code"),
            models.CheckConstraint(condition=models.Q(points__gte=0), name="category_points_not_negative"),
        ]

    def __str__(self):
        return f"{self.name} ({self.points})"

    def clean(self):
        if self.parent_id and self.parent.library_id != self.library_id:
            raise ValidationError({"parent": _("The parent category must belong to the same year.")})
        if self.parent_id and self.pk and self.parent_id == self.pk:
            raise ValidationError({"parent": _("A category cannot be its own parent.")})


class Indicator(models.Model):
    """An indicator of a year's library with its targets, points and scoring method."""

    library = models.ForeignKey(Library, verbose_name=_("library"), on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(_("code"), max_length=40, validators=[indicator_code_validator])
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="indicators"
    )
    kind = models.CharField(_("kind"), max_length=15, choices=Kind.choices, default=Kind.QUANTITATIVE)
    budget_dimension = models.CharField(
        _("budget dimension"), max_length=15, choices=BudgetDimension.choices, blank=True
    )
    budget_subdimension = models.CharField(
        _("budget sub-dimension"), max_length=15, choices=BudgetSubdimension.choices, blank=True
    )
    unit = models.CharField(_("unit"), max_length=30, blank=True)
    value_type = models.CharField(
        _("value type"), max_length=10, choices=ValueType.choices, default=ValueType.CUMULATIVE
    )
    direction = models.CharField(_("direction"), max_length=6, choices=Direction.choices, default=Direction.GE)
    basic_target = models.DecimalField(_("basic target"), null=True, blank=True, **TARGET)
    challenge_target = models.DecimalField(_("challenge target"), null=True, blank=True, **TARGET)
    range_upper = models.DecimalField(
        _("upper bound"),
        null=True,
        blank=True,
        help_text=_("Only for the direction 'range': the basic target is the lower bound."),
        **TARGET,
    )
    points = models.DecimalField(_("points"), validators=[MinValueValidator(Decimal("0.01"))], **POINTS)
    method = models.CharField(_("scoring method"), max_length=15, choices=Method.choices)
    params = models.JSONField(_("method parameters"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    data_source = models.CharField(_("data source"), max_length=200, blank=True)
    evidence_required = models.BooleanField(_("evidence required"), default=False)
    applicability = models.CharField(
        _("applies to"), max_length=10, choices=Applicability.choices, default=Applicability.COMMON
    )
    departments = models.ManyToManyField(
        Department, verbose_name=_("departments"), blank=True, related_name="individual_indicators"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    # Indicators that results depend on are retired, never deleted.
    is_active = models.BooleanField(_("active"), default=True)
    source = models.ForeignKey(
        "self", verbose_name=_("copied from"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["library", "category__order", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["library", "code"], name="indicator_unique_code"),
            models.CheckConstraint(condition=models.Q(points__gt=0), name="indicator_points_positive"),
        ]
        indexes = [models.Index(fields=["library", "method"])]

    def __str__(self):
        return f"{self.code} {self.name}"

    def clean(self):
        errors: dict[str, list] = {}
        if self.category_id and self.library_id and self.category.library_id != self.library_id:
            errors["category"] = [_("The category must belong to the same year.")]
        if self.budget_subdimension:
            if not self.budget_dimension:
                errors["budget_dimension"] = [_("Choose the dimension of this sub-dimension.")]
            elif self.budget_subdimension not in SUBDIMENSIONS[BudgetDimension(self.budget_dimension)]:
                errors["budget_subdimension"] = [_("This sub-dimension does not belong to the chosen dimension.")]
        params, method_errors = validate_method(
            method=self.method,
            direction=self.direction,
            points=self.points,
            basic_target=self.basic_target,
            challenge_target=self.challenge_target,
            range_upper=self.range_upper,
            params=self.params,
        )
        for field, msgs in method_errors.items():
            errors.setdefault(field, []).extend(msgs)
        if errors:
            raise ValidationError(errors)
        self.params = params

    @property
    def is_common(self) -> bool:
        return self.applicability == Applicability.COMMON


class Rule(models.Model):
    """A deduction or bonus rule, e.g. "each safety or quality accident −2" (扣分/加分规则).

    ``effect``: points per occurrence (optionally capped per department and year), the
    indicator scoring zero (考核分清零), or a veto (一票否决) forcing the lowest grade.
    """

    library = models.ForeignKey(Library, verbose_name=_("library"), on_delete=models.CASCADE, related_name="rules")
    code = models.CharField(_("code"), max_length=40, validators=[code_validator])
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=RuleKind.choices, default=RuleKind.DEDUCTION)
    scope = models.CharField(_("applies to"), max_length=10, choices=RuleScope.choices, default=RuleScope.DEPARTMENT)
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), null=True, blank=True, on_delete=models.PROTECT, related_name="rules"
    )
    effect = models.CharField(_("effect"), max_length=10, choices=RuleEffect.choices, default=RuleEffect.POINTS)
    points = models.DecimalField(
        _("points per occurrence"), default=Decimal(0), validators=[MinValueValidator(Decimal(0))], **POINTS
    )
    cap = models.DecimalField(
        _("cap"),
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("At most this many points per department and year from this rule."),
        **POINTS,
    )
    evidence_required = models.BooleanField(_("evidence required"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    source = models.ForeignKey(
        "self", verbose_name=_("copied from"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("rule")
        verbose_name_plural = _("rules")
        ordering = ["library", "kind", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["library", "code"], name="rule_unique_code"),
            # A rule on an indicator names it; a department-level rule names none.
            models.CheckConstraint(
                condition=models.Q(scope="indicator", indicator__isnull=False)
                | models.Q(scope="department", indicator__isnull=True),
                name="rule_scope_agrees_with_indicator",
            ),
            # "Scores zero" applies to an indicator.
            models.CheckConstraint(
                condition=~models.Q(effect="to_zero") | models.Q(scope="indicator"), name="rule_to_zero_on_indicator"
            ),
            models.CheckConstraint(
                condition=models.Q(points__gte=0) & (models.Q(cap__isnull=True) | models.Q(cap__gt=0)),
                name="rule_points_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    def clean(self):
        errors = {}
        if self.scope == RuleScope.INDICATOR and not self.indicator_id:
            errors["indicator"] = [_("A rule on an indicator must name the indicator.")]
        if self.scope == RuleScope.DEPARTMENT and self.indicator_id:
            errors["indicator"] = [_("A department-level rule does not name an indicator.")]
        if self.indicator_id and self.library_id and self.indicator.library_id != self.library_id:
            errors["indicator"] = [_("The indicator must belong to the same year.")]
        if self.effect == RuleEffect.POINTS and self.points <= 0:
            errors["points"] = [_("Give the points per occurrence.")]
        if self.effect == RuleEffect.TO_ZERO and self.scope != RuleScope.INDICATOR:
            errors["effect"] = [_("'Scores zero' applies to an indicator.")]
        if self.effect != RuleEffect.POINTS and self.kind == RuleKind.BONUS:
            errors["effect"] = [_("A bonus rule adds points.")]
        if self.cap is not None and self.effect == RuleEffect.POINTS and self.cap < self.points:
            errors["cap"] = [_("The cap must be at least the points of one occurrence.")]
        if errors:
            raise ValidationError(errors)


class GradeBand(models.Model):
    """A grade of the year, e.g. 优秀 ≥ 90. The lowest band starts at 0."""

    library = models.ForeignKey(
        Library, verbose_name=_("library"), on_delete=models.CASCADE, related_name="grade_bands"
    )
    code = models.CharField(_("code"), max_length=20, validators=[code_validator])
    label = models.CharField(_("label"), max_length=30)
    min_score = models.DecimalField(_("minimum score"), validators=[MinValueValidator(Decimal(0))], **POINTS)

    class Meta:
        verbose_name = _("grade band")
        verbose_name_plural = _("grade bands")
        ordering = ["library", "-min_score"]
        constraints = [
            models.UniqueConstraint(fields=["library", "code"], name="gradeband_unique_code"),
            models.UniqueConstraint(fields=["library", "min_score"], name="gradeband_unique_min"),
            models.CheckConstraint(
                condition=models.Q(min_score__gte=0, min_score__lte=100), name="gradeband_min_within_0_100"
            ),
        ]

    def __str__(self):
        return f"{self.label} ≥ {self.min_score}"


class ChangeRecord(models.Model):
    """What was changed in a cloned year after the clone (动态调整), one row per change."""

    class Action(models.TextChoices):
        CREATED = "created", _("Added")
        UPDATED = "updated", _("Changed")
        RETIRED = "retired", _("Retired")
        DELETED = "deleted", _("Deleted")

    library = models.ForeignKey(Library, verbose_name=_("library"), on_delete=models.CASCADE, related_name="changes")
    object_kind = models.CharField(_("object kind"), max_length=20)
    object_code = models.CharField(_("code"), max_length=40)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    changes = models.JSONField(_("changes"), default=dict, encoder=DjangoJSONEncoder)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("changed by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("change record")
        verbose_name_plural = _("change records")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.library.year} {self.object_kind} {self.object_code} {self.action}"

    MODELS = {"indicator": "Indicator", "category": "Category", "rule": "Rule", "grade_band": "GradeBand"}

    @property
    def kind_label(self) -> str:
        model = globals().get(self.MODELS.get(self.object_kind, ""))
        return str(model._meta.verbose_name) if model else self.object_kind

    @property
    def change_items(self) -> list[tuple[str, object, object]]:
        """(field label, before, after) for display."""
        model = globals().get(self.MODELS.get(self.object_kind, ""))
        items = []
        for field, pair in (self.changes or {}).items():
            label = field
            if model is not None:
                try:
                    label = str(model._meta.get_field(field).verbose_name)
                except FieldDoesNotExist:  # a pseudo-field such as "import"
                    label = field
            before, after = (pair + [None, None])[:2] if isinstance(pair, list) else (None, pair)
            items.append((label, before, after))
        return items
