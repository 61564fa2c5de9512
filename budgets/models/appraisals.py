"""Ex-ante performance assessments (事前绩效评估), third-party work packages and key evaluations
(财政重点评价) beside the departments' self-evaluations (docs/budgets.md, sections 5–7)."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxLengthValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.constraints import in_choices
from organizations.models import Department

from ..choices import GRADES
from .policy import DEFAULT_EXANTE_WEIGHTS, DEFAULT_KEY_WEIGHTS, MAX_TEXT, POINTS, YEAR_VALIDATORS
from .projects import BudgetProject


class ExAnteDimension(models.TextChoices):
    """The five dimensions of an ex-ante assessment's score sheet, in their order."""

    NECESSITY = "necessity", _("Necessity of the project")
    ECONOMY = "economy", _("Economy of the inputs")
    TARGETS = "targets", _("Reasonableness of the performance targets")
    FEASIBILITY = "feasibility", _("Feasibility of the implementation plan")
    FUNDING = "funding", _("Compliance of the funding")


# The criteria each dimension is scored against unless the assessor words them otherwise.
DEFAULT_CRITERIA = {
    ExAnteDimension.NECESSITY.value: _(
        "The project answers a real public need, within the government's duties and the city's plans; "
        "it does not duplicate existing projects."
    ),
    ExAnteDimension.ECONOMY.value: _(
        "The cost estimate follows standards and market prices; the inputs match the outputs; no cheaper way "
        "reaches the same result."
    ),
    ExAnteDimension.TARGETS.value: _(
        "The targets are specific, measurable and tied to the money; output, effect and satisfaction "
        "targets are all set."
    ),
    ExAnteDimension.FEASIBILITY.value: _(
        "The plan names the organisation, the schedule, the procurement and the risks, and can be carried out."
    ),
    ExAnteDimension.FUNDING.value: _(
        "The money comes from a lawful source in the right budget; co-funding and fees are secured."
    ),
}


def _default_weights() -> dict:
    return dict(DEFAULT_EXANTE_WEIGHTS)


class KeyDimension(models.TextChoices):
    """The four dimensions of a key evaluation's score sheet (财预〔2020〕10号), in their order."""

    DECISION = "decision", pgettext_lazy("key evaluation dimension", "Decision")
    PROCESS = "process", pgettext_lazy("key evaluation dimension", "Process")
    OUTPUT = "output", pgettext_lazy("key evaluation dimension", "Output")
    EFFECT = "effect", pgettext_lazy("key evaluation dimension", "Effect")


# The criteria each key-evaluation dimension is scored against unless the evaluator words them otherwise.
KEY_CRITERIA = {
    KeyDimension.DECISION.value: _(
        "The project was set up by the rules and for a real need; its performance targets are clear and "
        "reasonable; the money asked for is justified and allocated properly."
    ),
    KeyDimension.PROCESS.value: _(
        "The money arrived and was spent on time, by the rules and for its purpose; the organisation, "
        "procurement, contracts and records of the project were managed well."
    ),
    KeyDimension.OUTPUT.value: _("The outputs reached their quantity, quality and time targets at the planned cost."),
    KeyDimension.EFFECT.value: _(
        "The project had the economic, social and ecological effects aimed at, lasting effects, and "
        "satisfied the people it serves."
    ),
}


def _default_key_weights() -> dict:
    return dict(DEFAULT_KEY_WEIGHTS)


class Conclusion(models.TextChoices):
    SUPPORT = "support", _("Support")
    ADJUST = "adjust", _("Support after changes")
    REJECT = "reject", _("Not supported")


# Conclusions that let a project at or above the threshold be submitted for the budget.
SUPPORTING = frozenset({Conclusion.SUPPORT, Conclusion.ADJUST})


class WorkStatus(models.TextChoices):
    """An assessment's or key evaluation's way to finance: drafted, submitted, returned, accepted."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted to finance")
    RETURNED = "returned", _("Returned")
    ACCEPTED = "accepted", _("Accepted by finance")


EDITABLE_WORK = frozenset({WorkStatus.DRAFT, WorkStatus.RETURNED})


class PackageKind(models.TextChoices):
    EX_ANTE = "ex_ante", _("Ex-ante assessments")
    KEY = "key", _("Key evaluations")


class AssessorKind(models.TextChoices):
    FINANCE = "finance", _("Finance bureau")
    THIRD_PARTY = "third_party", _("Third-party evaluation firm")


class WorkPackage(models.Model):
    """Work finance assigns to a third-party evaluation firm for a period: named projects, or a
    department's whole spending of a year."""

    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("evaluation firm"),
        on_delete=models.PROTECT,
        related_name="work_packages",
    )
    kind = models.CharField(_("work"), max_length=10, choices=PackageKind.choices)
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    name = models.CharField(_("name"), max_length=200)
    department = models.ForeignKey(
        Department,
        verbose_name=_("a department's whole spending"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="work_packages",
    )
    projects = models.ManyToManyField(
        BudgetProject, verbose_name=_("projects"), blank=True, related_name="work_packages"
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    note = models.TextField(_("note"), blank=True, validators=[MaxLengthValidator(MAX_TEXT)])
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assigned by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("work package")
        verbose_name_plural = _("work packages")
        ordering = ["-year", "-starts_on", "id"]
        constraints = [
            in_choices("kind", PackageKind, "workpackage_kind"),
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")), name="workpackage_period"),
        ]

    def __str__(self):
        return self.name

    def is_open(self, day=None) -> bool:
        day = day or timezone.localdate()
        return self.starts_on <= day <= self.ends_on

    def covers(self, project: BudgetProject) -> bool:
        if project.year != self.year:
            return False
        if self.department_id and self.department_id == project.department_id:
            return True
        return self.projects.filter(pk=project.pk).exists()


class _Work(models.Model):
    """What an ex-ante assessment and a key evaluation share: who does it and its way to finance."""

    number = models.PositiveIntegerField(_("number"))
    assessor_kind = models.CharField(_("done by"), max_length=12, choices=AssessorKind.choices)
    package = models.ForeignKey(
        WorkPackage, verbose_name=_("work package"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("status"), max_length=10, choices=WorkStatus.choices, default=WorkStatus.DRAFT)
    total = models.DecimalField(_("score"), null=True, blank=True, **POINTS)
    return_reason = models.TextField(_("reason for return"), blank=True, validators=[MaxLengthValidator(MAX_TEXT)])
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
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
    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_WORK

    @property
    def is_accepted(self) -> bool:
        return self.status == WorkStatus.ACCEPTED


class ExAnteAssessment(_Work):
    """The ex-ante performance assessment of a new project: a five-dimension score sheet and a conclusion."""

    project = models.ForeignKey(
        BudgetProject, verbose_name=_("project"), on_delete=models.PROTECT, related_name="exante_assessments"
    )
    weights = models.JSONField(_("weights"), default=_default_weights)
    conclusion = models.CharField(_("conclusion"), max_length=10, choices=Conclusion.choices, blank=True)
    required_changes = models.TextField(_("required changes"), blank=True, validators=[MaxLengthValidator(MAX_TEXT)])
    summary = models.TextField(_("summary"), blank=True, validators=[MaxLengthValidator(MAX_TEXT)])

    class Meta:
        verbose_name = _("ex-ante assessment")
        verbose_name_plural = _("ex-ante assessments")
        ordering = ["project", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="exante_unique_number"),
            in_choices("status", WorkStatus, "exante_status"),
            in_choices("assessor_kind", AssessorKind, "exante_assessor_kind"),
            models.CheckConstraint(
                condition=models.Q(conclusion="") | models.Q(conclusion__in=Conclusion.values),
                name="exante_conclusion",
            ),
            # Support after changes lists the changes.
            models.CheckConstraint(
                condition=~models.Q(conclusion=Conclusion.ADJUST) | ~models.Q(required_changes=""),
                name="exante_adjust_lists_changes",
            ),
        ]

    def __str__(self):
        return f"{self.project} · {self.number}"


class _SheetLine(models.Model):
    """One dimension of a score sheet (an ex-ante assessment's or a key evaluation's): its criteria,
    the points available, the score given and why. A concrete line names its work and its dimensions."""

    criteria = models.TextField(_("criteria"), validators=[MaxLengthValidator(MAX_TEXT)])
    points = models.DecimalField(_("points available"), validators=[MinValueValidator(0)], **POINTS)
    score = models.DecimalField(_("score"), null=True, blank=True, validators=[MinValueValidator(0)], **POINTS)
    comment = models.TextField(_("comment"), blank=True, validators=[MaxLengthValidator(MAX_TEXT)])
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        abstract = True


class ExAnteLine(_SheetLine):
    """One dimension of the ex-ante sheet."""

    assessment = models.ForeignKey(
        ExAnteAssessment, verbose_name=_("assessment"), on_delete=models.CASCADE, related_name="lines"
    )
    dimension = models.CharField(_("dimension"), max_length=12, choices=ExAnteDimension.choices)

    class Meta:
        verbose_name = _("ex-ante score line")
        verbose_name_plural = _("ex-ante score lines")
        ordering = ["assessment", "order"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "dimension"], name="exanteline_unique_dimension"),
            in_choices("dimension", ExAnteDimension, "exanteline_dimension"),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__lte=models.F("points")),
                name="exanteline_score_within_points",
            ),
        ]

    def __str__(self):
        return f"{self.assessment} · {self.get_dimension_display()}"

    @property
    def work(self) -> ExAnteAssessment:
        return self.assessment


def appraisal_evidence_path(instance: AppraisalEvidence, filename: str) -> str:
    # A random name: the original is kept in the row, never used on disk.
    project = instance.sheet_line.work.project
    return f"appraisals/{project.year}/{project.department.code}/{uuid.uuid4().hex}"


class AppraisalEvidence(models.Model):
    """A file behind a line of a score sheet: an ex-ante assessment's (``line``) or a key evaluation's
    (``key_line``), exactly one. Stored outside the web root; served after a check."""

    line = models.ForeignKey(
        ExAnteLine,
        verbose_name=_("score line"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="evidence",
    )
    key_line = models.ForeignKey(
        "budgets.KeyLine",
        verbose_name=_("key evaluation line"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="evidence",
    )
    file = models.FileField(_("file"), upload_to=appraisal_evidence_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("assessment evidence")
        verbose_name_plural = _("assessment evidence")
        ordering = ["uploaded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(line__isnull=False) & models.Q(key_line__isnull=True))
                | (models.Q(line__isnull=True) & models.Q(key_line__isnull=False)),
                name="appraisalevidence_one_line",
            ),
        ]

    def __str__(self):
        return self.original_name

    @property
    def sheet_line(self):
        return self.line if self.line_id else self.key_line


class KeyEvaluation(_Work):
    """Finance's key evaluation (财政重点评价) of a project, by finance itself or a third party; its score
    stands beside the department's self-evaluation and, once accepted, drives next year's recommendation."""

    project = models.ForeignKey(
        BudgetProject, verbose_name=_("project"), on_delete=models.PROTECT, related_name="key_evaluations"
    )
    grade = models.CharField(_("grade"), max_length=10, choices=GRADES, blank=True)
    findings = models.TextField(_("findings"), blank=True, validators=[MaxLengthValidator(MAX_TEXT)])
    # The department's confirmed self-evaluation the key score was compared with at acceptance.
    self_evaluation = models.ForeignKey(
        "budgets.Evaluation",
        verbose_name=_("self-evaluation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    weights = models.JSONField(_("weights"), default=_default_key_weights)
    # Before the four-dimension sheet a key evaluation recorded its total only; such a one keeps it.
    entered_as_total = models.BooleanField(
        _("entered as a total"),
        default=False,
        help_text=_("Recorded as a single score before key evaluations had a score sheet."),
    )

    class Meta:
        verbose_name = _("key evaluation")
        verbose_name_plural = _("key evaluations")
        ordering = ["project", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="keyevaluation_unique_number"),
            in_choices("status", WorkStatus, "keyevaluation_status"),
            in_choices("assessor_kind", AssessorKind, "keyevaluation_assessor_kind"),
            models.CheckConstraint(
                condition=models.Q(total__isnull=True) | (models.Q(total__gte=0) & models.Q(total__lte=100)),
                name="keyevaluation_total_0_100",
            ),
        ]

    def __str__(self):
        return f"{self.project} · {self.number}"

    @property
    def self_total(self) -> Decimal | None:
        return self.self_evaluation.total if self.self_evaluation_id else None

    @property
    def gap(self) -> Decimal | None:
        """Self-evaluation score minus key score (positive: the department scored itself higher)."""
        if self.total is None or not self.self_evaluation_id:
            return None
        return self.self_evaluation.total - self.total


class KeyLine(_SheetLine):
    """One dimension of the key evaluation's sheet (decision, process, output, effect)."""

    evaluation = models.ForeignKey(
        KeyEvaluation, verbose_name=_("key evaluation"), on_delete=models.CASCADE, related_name="lines"
    )
    dimension = models.CharField(_("dimension"), max_length=12, choices=KeyDimension.choices)

    class Meta:
        verbose_name = _("key evaluation score line")
        verbose_name_plural = _("key evaluation score lines")
        ordering = ["evaluation", "order"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "dimension"], name="keyline_unique_dimension"),
            in_choices("dimension", KeyDimension, "keyline_dimension"),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__lte=models.F("points")),
                name="keyline_score_within_points",
            ),
        ]

    def __str__(self):
        return f"{self.evaluation} · {self.get_dimension_display()}"

    @property
    def work(self) -> KeyEvaluation:
        return self.evaluation
