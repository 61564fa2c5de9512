"""Scores with their ledgers, deduction and bonus events, grades, publication and appeals."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.text import render
from indicators.models import Indicator, Rule
from organizations.models import Department, RankingGroup

from .plan import PERIODS, Assignment, Plan

POINTS = {"max_digits": 8, "decimal_places": 2}
PERIOD_CHOICES = [(p, p if p != "annual" else _("Annual")) for p in PERIODS]


def event_evidence_path(instance, filename: str) -> str:
    import uuid

    return f"events/{instance.plan.year}/{instance.department.code}/{uuid.uuid4().hex}"


class ScoreEvent(models.Model):
    """A recorded deduction or bonus event (扣分/加分事项), e.g. "安全质量事故 1 起"."""

    class Source(models.TextChoices):
        MANUAL = "manual", _("Recorded by the supervision office")
        LATE_REPORT = "late_report", _("Late report (automatic)")
        RECTIFICATION = "rectification", _("Overdue rectification items (automatic)")

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="events")
    rule = models.ForeignKey(Rule, verbose_name=_("rule"), on_delete=models.PROTECT, related_name="events")
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="score_events"
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    date = models.DateField(_("date"))
    occurrences = models.PositiveIntegerField(
        _("occurrences"), default=1, validators=[MinValueValidator(1), MaxValueValidator(1000)]
    )
    note = models.TextField(_("note"), blank=True, max_length=2000)
    evidence = models.FileField(_("evidence"), upload_to=event_evidence_path, blank=True, max_length=300)
    evidence_name = models.CharField(_("evidence file name"), max_length=255, blank=True)
    source = models.CharField(_("source"), max_length=15, choices=Source.choices, default=Source.MANUAL)
    # Automatic events are keyed so a job run twice records once (e.g. "late:2026Q1").
    source_key = models.CharField(max_length=60, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    voided_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("withdrawn by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    void_reason = models.TextField(_("reason for withdrawal"), blank=True)

    class Meta:
        verbose_name = _("deduction or bonus event")
        verbose_name_plural = _("deduction and bonus events")
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "department", "rule", "source_key"],
                condition=~models.Q(source_key=""),
                name="event_unique_source_key",
            ),
        ]
        indexes = [models.Index(fields=["plan", "department"])]

    def __str__(self):
        return f"{self.department} {self.rule.name} × {self.occurrences}"

    def clean(self):
        errors = {}
        if self.plan_id and self.rule_id and self.rule.library_id != self.plan.library_id:
            errors["rule"] = [_("The rule must belong to the plan's year.")]
        if self.plan_id and self.date and self.date.year != self.plan.year:
            errors["date"] = [_("The date must fall in the plan's year.")]
        if self.rule_id and self.rule.scope == "indicator":
            if not self.indicator_id:
                self.indicator_id = self.rule.indicator_id
            elif self.indicator_id != self.rule.indicator_id:
                errors["indicator"] = [_("This rule applies to %(ind)s.") % {"ind": self.rule.indicator}]
        if self.rule_id and self.rule.scope == "department" and self.indicator_id:
            errors["indicator"] = [_("This rule applies to the department as a whole.")]
        if errors:
            raise ValidationError(errors)


class GradeAssessment(models.Model):
    """The reviewer's qualitative grade (A/B/C/D) for a ``grade`` indicator of one assignment."""

    assignment = models.OneToOneField(
        Assignment, verbose_name=_("assignment"), on_delete=models.CASCADE, related_name="grade_assessment"
    )
    grade = models.CharField(_("grade"), max_length=10)
    note = models.TextField(_("note"), blank=True, max_length=2000)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("graded by"), on_delete=models.PROTECT, related_name="+"
    )
    graded_at = models.DateTimeField(_("graded at"), auto_now=True)

    class Meta:
        verbose_name = _("qualitative grade")
        verbose_name_plural = _("qualitative grades")

    def __str__(self):
        return f"{self.assignment} {self.grade}"


class Score(models.Model):
    """A department's score for a period (Q1–Q4 as of the quarter's end, or the year)."""

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="scores")
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="scores"
    )
    period = models.CharField(_("period"), max_length=6, choices=PERIOD_CHOICES)
    total = models.DecimalField(_("total"), **POINTS)
    grade_code = models.CharField(_("grade code"), max_length=20)
    grade_label = models.CharField(_("grade"), max_length=30)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    group = models.ForeignKey(
        RankingGroup, verbose_name=_("ranking group"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    vetoed = models.BooleanField(_("vetoed"), default=False)
    # [{"code", "name", "points", "score"}] for the top-level categories.
    categories = models.JSONField(_("categories"), default=list, encoder=DjangoJSONEncoder)
    published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    computed_at = models.DateTimeField(_("computed at"))
    inputs_hash = models.CharField(max_length=64)
    revision = models.PositiveIntegerField(_("revision"), default=1)
    # Resting on anything but approved or not-applicable inputs: 暂定 (docs/scoring.md, "Inputs").
    provisional = models.BooleanField(_("provisional"), default=False)
    # Count of the score's inputs by state: {"approved": n, "pending": n, "missing": n, ...}.
    inputs = models.JSONField(_("inputs"), default=dict, encoder=DjangoJSONEncoder)
    # The same, per top-level category, for the states other than approved: {"central": {"pending": 2}}.
    category_states = models.JSONField(default=dict, encoder=DjangoJSONEncoder)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["plan", "period", "rank", "department__order"]
        constraints = [models.UniqueConstraint(fields=["plan", "department", "period"], name="score_unique")]
        indexes = [models.Index(fields=["plan", "period", "published"])]

    def __str__(self):
        return f"{self.department} {self.plan.year} {self.period}: {self.total}"


class LedgerLine(models.Model):
    """One contribution to a score. The lines of a score sum exactly to its total."""

    class Kind(models.TextChoices):
        INDICATOR = "indicator", pgettext_lazy("ledger line", "Indicator")
        DEDUCTION = "deduction", pgettext_lazy("ledger line", "Deduction")
        BONUS = "bonus", pgettext_lazy("ledger line", "Bonus")
        CAP = "cap", pgettext_lazy("ledger line", "Cap")
        VETO = "veto", pgettext_lazy("ledger line", "Veto")

    score = models.ForeignKey(Score, verbose_name=_("score"), on_delete=models.CASCADE, related_name="lines")
    order = models.PositiveIntegerField()
    # Stable across recomputations (e.g. "ind:12", "evt:5", "cap:rule:3"), so appeals can name a line.
    key = models.CharField(max_length=60)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    category_code = models.CharField(max_length=40, blank=True)
    indicator = models.ForeignKey(Indicator, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    rule = models.ForeignKey(Rule, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    event = models.ForeignKey(ScoreEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    assignment = models.ForeignKey(Assignment, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(_("points"), **POINTS)
    detail_message = models.TextField()
    detail_args = models.JSONField(default=dict, encoder=DjangoJSONEncoder)

    class Meta:
        verbose_name = _("ledger line")
        verbose_name_plural = _("ledger lines")
        ordering = ["score", "order"]
        # Recomputation asks which of a plan's scores carry the top-grade share cap line.
        indexes = [models.Index(fields=["score"], condition=models.Q(key="cap:top_share"), name="ledgerline_top_share")]
        constraints = [
            models.UniqueConstraint(fields=["score", "key"], name="ledgerline_unique_key"),
            models.UniqueConstraint(fields=["score", "order"], name="ledgerline_unique_order"),
        ]

    def __str__(self):
        return f"{self.key} {self.points}"

    @property
    def detail(self) -> str:
        return render(self.detail_message, self.detail_args)


class ScoreRevision(models.Model):
    """A published score as it stood before it changed (a decided appeal, a republication)."""

    score = models.ForeignKey(Score, verbose_name=_("score"), on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("revision"))
    snapshot = models.JSONField(_("snapshot"), encoder=DjangoJSONEncoder)
    reason = models.CharField(_("reason"), max_length=300)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("score revision")
        verbose_name_plural = _("score revisions")
        ordering = ["score", "number"]
        constraints = [models.UniqueConstraint(fields=["score", "number"], name="score_revision_unique")]

    def __str__(self):
        return f"{self.score} r{self.number}"


class Publication(models.Model):
    """The supervision office published a period's results; departments see them from then on."""

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="publications")
    period = models.CharField(_("period"), max_length=6, choices=PERIOD_CHOICES)
    published_at = models.DateTimeField(_("published at"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("published by"), on_delete=models.PROTECT, related_name="+"
    )
    appeal_deadline = models.DateField(_("appeals until"))
    # Published over blockers: the written waiver and the checklist as it stood (empty when clear).
    waiver = models.TextField(_("waiver"), blank=True, max_length=4000)
    blockers = models.JSONField(_("blockers at publication"), default=list, encoder=DjangoJSONEncoder)

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        constraints = [models.UniqueConstraint(fields=["plan", "period"], name="publication_unique")]

    def __str__(self):
        return f"{self.plan.year} {self.period}"


def appeal_evidence_path(instance, filename: str) -> str:
    import uuid

    return f"appeals/{instance.score.plan.year}/{instance.department.code}/{uuid.uuid4().hex}"


class Appeal(models.Model):
    """A department's appeal (异议申诉) against one ledger line of a published score."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        UPHELD = "upheld", _("Upheld")
        REJECTED = "rejected", _("Rejected")

    score = models.ForeignKey(Score, verbose_name=_("score"), on_delete=models.PROTECT, related_name="appeals")
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="appeals"
    )
    line_key = models.CharField(max_length=60)
    # The line as it stood when the appeal was filed (lines are rebuilt on recomputation).
    line_snapshot = models.JSONField(_("ledger line"), encoder=DjangoJSONEncoder)
    reason = models.TextField(_("reason"), max_length=4000)
    evidence = models.FileField(_("evidence"), upload_to=appeal_evidence_path, blank=True, max_length=300)
    evidence_name = models.CharField(_("evidence file name"), max_length=255, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("filed by"), on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField(_("filed at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True, max_length=4000)
    total_before = models.DecimalField(_("total before"), null=True, blank=True, **POINTS)
    total_after = models.DecimalField(_("total after"), null=True, blank=True, **POINTS)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-filed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["score", "line_key"], condition=models.Q(status="open"), name="appeal_one_open_per_line"
            ),
            models.CheckConstraint(condition=models.Q(status__in=["open", "upheld", "rejected"]), name="appeal_status"),
        ]

    def __str__(self):
        return f"#{self.pk} {self.department} {self.status}"


class ScoreOverride(models.Model):
    """An indicator's points set by an upheld appeal; scoring uses them instead of the method's."""

    appeal = models.OneToOneField(Appeal, verbose_name=_("appeal"), on_delete=models.PROTECT, related_name="override")
    assignment = models.ForeignKey(
        Assignment, verbose_name=_("assignment"), on_delete=models.PROTECT, related_name="overrides"
    )
    period = models.CharField(_("period"), max_length=6, choices=PERIOD_CHOICES)
    points = models.DecimalField(_("points"), validators=[MinValueValidator(Decimal(0))], **POINTS)

    class Meta:
        verbose_name = _("score adjustment")
        verbose_name_plural = _("score adjustments")
        constraints = [models.UniqueConstraint(fields=["assignment", "period"], name="override_unique")]

    def __str__(self):
        return f"{self.assignment} {self.period}: {self.points}"


class Exemption(models.Model):
    """An input the supervision office declared not applicable (不适用), with its reason.

    ``period`` is a quarter (Q1–Q4), ``annual``, or ``all`` for every period of the year. An
    exempted input is left out of the score and its category rescaled (docs/scoring.md).
    """

    ALL = "all"
    PERIOD_CHOICES = [*PERIOD_CHOICES, (ALL, _("Every period"))]

    assignment = models.ForeignKey(
        Assignment, verbose_name=_("assignment"), on_delete=models.PROTECT, related_name="exemptions"
    )
    period = models.CharField(_("period"), max_length=6, choices=PERIOD_CHOICES)
    reason = models.TextField(_("reason"), max_length=2000)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("granted by"), on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("exemption")
        verbose_name_plural = _("exemptions")
        ordering = ["assignment", "period"]
        constraints = [models.UniqueConstraint(fields=["assignment", "period"], name="exemption_unique")]

    def __str__(self):
        return f"{self.assignment} {self.period}"


class RecomputeRequest(models.Model):
    """A department whose scores must be recomputed, written in the same transaction as the change.

    The task queued on commit clears it; if the broker was down, the periodic catch-up job does.
    """

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+")
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self):
        return f"{self.plan_id} {self.department_id or '*'}"
