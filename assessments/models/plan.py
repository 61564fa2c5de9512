"""The year's plan (考核方案): quarters and deadlines, thresholds, and the assignments."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.constraints import in_choices
from indicators.models import Indicator, Library, Rule
from organizations.models import Department

PCT = {"max_digits": 6, "decimal_places": 2}
TARGET = {"max_digits": 18, "decimal_places": 4}
PERIODS = ("Q1", "Q2", "Q3", "Q4", "annual")


class MissingPolicy(models.TextChoices):
    """What a score does with an input that was not filed by the deadline (docs/scoring.md)."""

    ZERO = "zero", _("Scores 0, on a visible line")
    EXCLUDE = "exclude", _("Left out, its category rescaled")
    HOLD = "hold", _("The department's score is held (no grade or rank)")


class VetoRanking(models.TextChoices):
    LAST = "last", _("Ranked after every department without a veto")
    EXCLUDE = "exclude", _("Left out of the ranking")


class Plan(models.Model):
    """How a year is run: reporting, monitoring and scoring settings of one library's year."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("In progress")
        CLOSED = "closed", _("Closed")

    library = models.OneToOneField(
        Library, verbose_name=_("indicator library"), on_delete=models.PROTECT, related_name="plan"
    )
    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    # "滞后 20% 以上" includes the bound: lag ≥ threshold warns.
    lag_threshold = models.DecimalField(
        _("lag threshold (percentage points)"),
        default=Decimal(20),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal(100))],
        **PCT,
    )
    band_on_track = models.DecimalField(
        _("on track from (percent of plan)"),
        default=Decimal(95),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
        **PCT,
    )
    band_behind = models.DecimalField(
        _("behind from (percent of plan)"),
        default=Decimal(80),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
        **PCT,
    )
    head_signoff = models.BooleanField(_("department head signs off before submission"), default=False)
    reminder_days = models.PositiveSmallIntegerField(
        _("reminder days before the deadline"), default=3, validators=[MaxValueValidator(60)]
    )
    escalation_days = models.PositiveSmallIntegerField(
        _("escalation days after the deadline"), default=5, validators=[MaxValueValidator(90)]
    )
    late_report_rule = models.ForeignKey(
        Rule,
        verbose_name=_("deduction for a late report"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Recorded automatically for each late or missing quarterly report."),
    )
    bonus_cap = models.DecimalField(
        _("cap on bonus points"),
        null=True,
        blank=True,
        max_digits=7,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0))],
    )
    top_grade_share = models.DecimalField(
        _("largest share of the top grade in a group (%)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
        **PCT,
    )
    appeal_window_days = models.PositiveSmallIntegerField(
        _("appeal window (days after publication)"), default=7, validators=[MaxValueValidator(90)]
    )
    missing_policy = models.CharField(
        _("input missing after the deadline"),
        max_length=10,
        choices=MissingPolicy.choices,
        default=MissingPolicy.ZERO,
    )
    veto_ranking = models.CharField(
        _("vetoed departments"), max_length=10, choices=VetoRanking.choices, default=VetoRanking.LAST
    )
    # The day up to which deadlines passed and quarters begun are reflected in the stored scores
    # (an input turns from pending to missing the day after its deadline; see assessments.jobs).
    states_as_of = models.DateField(null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("assessment plan")
        verbose_name_plural = _("assessment plans")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=["draft", "active", "closed"]), name="plan_status"),
            in_choices("missing_policy", MissingPolicy, "plan_missing_policy"),
            in_choices("veto_ranking", VetoRanking, "plan_veto_ranking"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if self.library_id and self.year and self.library.year != self.year:
            errors["library"] = [_("The library must be of the plan's year.")]
        if self.band_behind is not None and self.band_on_track is not None and self.band_behind >= self.band_on_track:
            errors["band_behind"] = [_("'Behind' must start below 'on track'.")]
        if self.late_report_rule_id and self.library_id and self.late_report_rule.library_id != self.library_id:
            errors["late_report_rule"] = [_("The rule must belong to the plan's year.")]
        if errors:
            raise ValidationError(errors)


class Quarter(models.Model):
    """A reporting quarter: its deadline (a date, Asia/Shanghai) and when it closes."""

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="quarters")
    number = models.PositiveSmallIntegerField(_("quarter"), validators=[MinValueValidator(1), MaxValueValidator(4)])
    deadline = models.DateField(_("reporting deadline"))
    close_after_days = models.PositiveSmallIntegerField(
        _("closes days after the deadline"), default=10, validators=[MaxValueValidator(120)]
    )
    reopened_until = models.DateField(_("reopened until"), null=True, blank=True)

    class Meta:
        verbose_name = _("quarter")
        verbose_name_plural = _("quarters")
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="quarter_unique_number")]

    def __str__(self):
        return f"{self.plan.year} {self.code}"

    @property
    def code(self) -> str:
        return f"Q{self.number}"

    @property
    def period_key(self) -> str:
        return f"{self.plan.year}{self.code}"

    @property
    def period_end(self) -> dt.date:
        year = self.plan.year
        month = self.number * 3
        return dt.date(year, 12, 31) if month == 12 else dt.date(year, month + 1, 1) - dt.timedelta(days=1)

    @property
    def period_start(self) -> dt.date:
        return dt.date(self.plan.year, self.number * 3 - 2, 1)

    @property
    def closes_on(self) -> dt.date:
        """The last day on which reports may still be saved (deadline + close_after_days)."""
        return self.deadline + dt.timedelta(days=self.close_after_days)

    def is_closed(self, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        if self.reopened_until and today <= self.reopened_until:
            return False
        return today > self.closes_on

    def is_open_for_reporting(self, today: dt.date | None = None) -> bool:
        """Reports can be filed from the quarter's first day until it closes."""
        today = today or timezone.localdate()
        return today >= self.period_start and not self.is_closed(today)

    def clean(self):
        if self.plan_id and self.deadline and self.number:
            if self.deadline < self.period_start:
                raise ValidationError({"deadline": _("The deadline cannot be before the quarter starts.")})
            if self.deadline > self.period_end + dt.timedelta(days=120):
                raise ValidationError({"deadline": _("The deadline is too far after the quarter's end.")})


class Assignment(models.Model):
    """An indicator assigned to a department for the year, with its targets and planned progress."""

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="assignments")
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="assignments"
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="assignments"
    )
    basic_target = models.DecimalField(_("basic target"), null=True, blank=True, **TARGET)
    challenge_target = models.DecimalField(_("challenge target"), null=True, blank=True, **TARGET)
    range_upper = models.DecimalField(_("upper bound"), null=True, blank=True, **TARGET)
    # Planned cumulative progress at the end of each quarter, in percent (e.g. 25 / 50 / 75 / 100).
    planned_q1 = models.DecimalField(_("planned Q1 (%)"), default=Decimal(25), **PCT)
    planned_q2 = models.DecimalField(_("planned Q2 (%)"), default=Decimal(50), **PCT)
    planned_q3 = models.DecimalField(_("planned Q3 (%)"), default=Decimal(75), **PCT)
    planned_q4 = models.DecimalField(_("planned Q4 (%)"), default=Decimal(100), **PCT)
    note = models.CharField(_("note"), max_length=300, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["plan", "department__order", "indicator__category__order", "indicator__order", "indicator__code"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "department", "indicator"], name="assignment_unique"),
            # Planned cumulative progress: within 0–100 % and never falling from one quarter to the next.
            models.CheckConstraint(
                condition=models.Q(planned_q1__gte=0, planned_q4__lte=100)
                & models.Q(planned_q1__lte=models.F("planned_q2"))
                & models.Q(planned_q2__lte=models.F("planned_q3"))
                & models.Q(planned_q3__lte=models.F("planned_q4")),
                name="assignment_planned_progress",
            ),
        ]
        indexes = [models.Index(fields=["plan", "department"])]

    def __str__(self):
        return f"{self.department} · {self.indicator}"

    def planned(self, quarter: int) -> Decimal:
        return getattr(self, f"planned_q{quarter}")

    def clean(self):
        errors: dict[str, list] = {}
        if self.plan_id and self.indicator_id and self.indicator.library_id != self.plan.library_id:
            errors["indicator"] = [_("The indicator must belong to the plan's year.")]
        values = [self.planned_q1, self.planned_q2, self.planned_q3, self.planned_q4]
        for i, v in enumerate(values, start=1):
            if v is None or v < 0 or v > 100:
                errors.setdefault(f"planned_q{i}", []).append(_("Give a percentage between 0 and 100."))
        if not errors and any(a > b for a, b in zip(values, values[1:], strict=False)):
            errors["planned_q4"] = [
                _("Planned progress is cumulative: it cannot go down from one quarter to the next.")
            ]
        if self.indicator_id:
            from indicators.methods import validate_method

            _params, method_errors = validate_method(
                method=self.indicator.method,
                direction=self.indicator.direction,
                points=self.indicator.points,
                basic_target=self.basic_target,
                challenge_target=self.challenge_target,
                range_upper=self.range_upper,
                params=self.indicator.params,
            )
            for field in ("basic_target", "challenge_target", "range_upper"):
                if field in method_errors:
                    errors.setdefault(field, []).extend(method_errors[field])
        if errors:
            raise ValidationError(errors)
