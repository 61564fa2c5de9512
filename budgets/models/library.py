"""The shared library of target indicators (指标库) and finance's grade of a sheet's quality.

Indicators are organised by sector and by the Ministry of Finance's three levels: 一级 is the
target's dimension, 二级 its sub-dimension (the same choices as a target's, ``budgets.choices``),
三级 the indicator itself with its unit and direction. A target may choose one; its history and the
values of similar projects are the benchmarks shown beside it (docs/budgets.md, "Indicator library").
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.constraints import in_choices
from organizations.models import code_validator

from ..choices import GRADES, SUBDIMENSIONS, BudgetDimension, BudgetSubdimension, Operator
from .policy import MAX_TEXT
from .projects import BudgetProject


class Sector(models.Model):
    """A sector of the library (领域), e.g. education, health, agriculture."""

    code = models.CharField(_("code"), max_length=30, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=100)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["order", "code"]

    def __str__(self):
        return self.name


class LibraryIndicator(models.Model):
    """A 三级 indicator of the shared library: its sector, its 一级 and 二级, its unit and direction."""

    code = models.CharField(_("code"), max_length=40, unique=True, validators=[code_validator])
    sector = models.ForeignKey(Sector, verbose_name=_("sector"), on_delete=models.PROTECT, related_name="indicators")
    dimension = models.CharField(_("level 1"), max_length=15, choices=BudgetDimension.choices)
    subdimension = models.CharField(_("level 2"), max_length=15, choices=BudgetSubdimension.choices)
    name = models.CharField(_("indicator"), max_length=200)
    unit = models.CharField(_("unit"), max_length=30, blank=True)
    operator = models.CharField(_("direction"), max_length=6, choices=Operator.choices, default=Operator.GE)
    definition = models.TextField(_("definition"), blank=True, validators=[MaxLengthValidator(MAX_TEXT)])
    # A retired indicator (is_active False) stays on the targets that chose it but cannot be chosen again.
    is_active = models.BooleanField(_("in use"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("library indicator")
        verbose_name_plural = _("library indicators")
        ordering = ["sector__order", "code"]
        constraints = [
            in_choices("dimension", BudgetDimension, "libraryindicator_dimension"),
            in_choices("subdimension", BudgetSubdimension, "libraryindicator_subdimension"),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    def clean(self):
        if (
            self.dimension in BudgetDimension.values
            and self.subdimension
            and self.subdimension not in SUBDIMENSIONS[BudgetDimension(self.dimension)]
        ):
            raise ValidationError({"subdimension": _("This sub-dimension does not belong to the chosen dimension.")})


class SheetReview(models.Model):
    """Finance's grade of a target sheet's quality (优/良/中/差), with the flags seen when grading."""

    project = models.OneToOneField(
        BudgetProject, verbose_name=_("project"), on_delete=models.CASCADE, related_name="sheet_review"
    )
    grade = models.CharField(_("quality grade"), max_length=10, choices=GRADES)
    comment = models.TextField(_("comment"), blank=True, validators=[MaxLengthValidator(MAX_TEXT)])
    flags = models.JSONField(_("flags"), encoder=DjangoJSONEncoder, default=list)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("graded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("graded at"))
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("target sheet quality")
        verbose_name_plural = _("target sheet quality")
        constraints = [
            models.CheckConstraint(condition=models.Q(grade__in=[g for g, _l in GRADES]), name="sheetreview_grade")
        ]

    def __str__(self):
        return f"{self.project} · {self.get_grade_display()}"
