"""Satisfaction surveys (docs/satisfaction.md): surveys, areas, questions, regional quotas, codes, answers.

Privacy (docs/security.md, PIPL): the answer tables (Response, Answer, TextAnswer) hold no account,
name, phone number, address, IP address or user agent, and no time of day (only the date), so
an answer cannot be traced back to the person who gave it, nor matched to the moment a
one-time code was used. A phone number used to refuse duplicates is kept only as a keyed hash.

Answers are stored narrow (one row per question with a small integer) with the survey, area,
region and department copied onto the row, so results are plain SQL aggregates without joins.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from organizations.models import Department, Region, code_validator

# The nine basic public services (基本公共服务 "七有两保障"): stable code and the name used in
# Chinese official documents (data: areas are rows of a survey and may be renamed).
STANDARD_AREAS = [
    ("childcare", "幼有所育"),
    ("education", "学有所教"),
    ("employment", "劳有所得"),
    ("medical", "病有所医"),
    ("elderly", "老有所养"),
    ("housing", "住有所居"),
    ("welfare", "弱有所扶"),
    ("veterans", "优军服务保障"),
    ("culture", "文体服务保障"),
]


def _public_key() -> str:
    return secrets.token_urlsafe(12)


class Survey(models.Model):
    """One satisfaction survey of a year with its sampling plan."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    class Access(models.TextChoices):
        CODE = "code", _("One-time codes")
        OPEN = "open", _("Public link")

    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    code = models.CharField(
        _("code"),
        max_length=40,
        unique=True,
        validators=[code_validator],
        help_text=_("Stable identifier, used by satisfaction indicators and the API."),
    )
    title = models.CharField(_("title"), max_length=200)
    intro = models.TextField(_("introduction"), blank=True, help_text=_("Shown to respondents above the questions."))
    access = models.CharField(_("access"), max_length=10, choices=Access.choices, default=Access.CODE)
    ask_phone = models.BooleanField(
        _("refuse duplicates by phone number"),
        default=False,
        help_text=_(
            "Ask respondents of the public link and interviewees for a phone number, kept only as a "
            "keyed hash, to refuse a second answer from the same number."
        ),
    )
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"), help_text=_("Answers are accepted until the end of this day."))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    public_key = models.CharField(_("link key"), max_length=32, unique=True, default=_public_key, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["-year", "-opens_on", "-id"]
        indexes = [models.Index(fields=["year", "status"])]

    def __str__(self):
        return self.title if str(self.year) in self.title else f"{self.year} {self.title}"

    def clean(self):
        if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
            raise ValidationError({"closes_on": _("The closing date cannot be before the opening date.")})

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class Area(models.Model):
    """A service area of a survey, e.g. 学有所教; questions are grouped by area."""

    survey = models.ForeignKey(Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="areas")
    code = models.CharField(_("code"), max_length=40, validators=[code_validator])
    name = models.CharField(_("name"), max_length=100)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["survey", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["survey", "code"], name="survey_area_unique_code")]

    def __str__(self):
        return self.name


class Question(models.Model):
    class Kind(models.TextChoices):
        SCALE = "scale", _("Satisfaction (1–5)")
        CHOICE = "choice", _("Single choice")
        YESNO = "yesno", _("Yes or no")
        TEXT = "text", _("Free text")

    survey = models.ForeignKey(Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="questions")
    area = models.ForeignKey(
        Area, verbose_name=_("area"), null=True, blank=True, on_delete=models.PROTECT, related_name="questions"
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department rated"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="survey_questions",
        help_text=_("The department whose work this question rates, if any."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.CharField(_("question"), max_length=500)
    help_text = models.CharField(_("explanation"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.SCALE)
    required = models.BooleanField(_("required"), default=True)
    allow_unknown = models.BooleanField(
        _("offer 'don't know'"),
        default=True,
        help_text=_("Satisfaction questions only: a 'don't know' answer, left out of the results."),
    )

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["survey", "order", "id"]

    def __str__(self):
        return self.text

    def clean(self):
        if self.area_id and self.survey_id and self.area.survey_id != self.survey_id:
            raise ValidationError({"area": _("The area must belong to the same survey.")})


class Choice(models.Model):
    """An option of a single-choice question; ``value`` is what an answer stores."""

    question = models.ForeignKey(Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="choices")
    value = models.PositiveSmallIntegerField(_("value"))
    label = models.CharField(_("label"), max_length=200)

    class Meta:
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        ordering = ["question", "value"]
        constraints = [models.UniqueConstraint(fields=["question", "value"], name="choice_unique_value")]

    def __str__(self):
        return self.label


class SurveyRegion(models.Model):
    """A region sampled by a survey with its quota (sampling plan).

    ``received`` counts accepted responses; it is raised by a conditional UPDATE in the same
    transaction as the response, so a full region never takes one answer too many.
    """

    survey = models.ForeignKey(Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="regions")
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    quota = models.PositiveIntegerField(_("quota"), validators=[MinValueValidator(1)])
    received = models.PositiveIntegerField(_("responses"), default=0)
    is_closed = models.BooleanField(_("closed"), default=False)

    class Meta:
        verbose_name = _("survey region")
        verbose_name_plural = _("survey regions")
        ordering = ["survey", "region__order", "region__code"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "region"], name="survey_region_unique"),
            models.CheckConstraint(
                condition=models.Q(received__lte=models.F("quota")), name="survey_region_within_quota"
            ),
        ]

    def __str__(self):
        return f"{self.region} ({self.received}/{self.quota})"

    @property
    def is_full(self) -> bool:
        return self.received >= self.quota

    @property
    def accepting(self) -> bool:
        return not self.is_closed and not self.is_full


class CodeBatch(models.Model):
    """Codes generated together for one region; the codes themselves are shown only once."""

    survey = models.ForeignKey(Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="code_batches")
    survey_region = models.ForeignKey(
        SurveyRegion, verbose_name=_("region"), on_delete=models.CASCADE, related_name="code_batches"
    )
    count = models.PositiveIntegerField(_("codes"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("voided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("code batch")
        verbose_name_plural = _("code batches")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.survey_region.region} × {self.count}"


class AccessCode(models.Model):
    """A one-time anonymous code. Only a SHA-256 of the code is stored."""

    class State(models.TextChoices):
        NEW = "new", _("Unused")
        USED = "used", _("Used")
        VOID = "void", _("Voided")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    survey_region = models.ForeignKey(SurveyRegion, on_delete=models.CASCADE, related_name="codes")
    batch = models.ForeignKey(CodeBatch, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=64, unique=True)
    state = models.CharField(max_length=5, choices=State.choices, default=State.NEW)
    # The day only: a time of use could be matched to the time of an answer.
    used_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("access code")
        verbose_name_plural = _("access codes")
        indexes = [models.Index(fields=["survey_region", "state"])]

    def __str__(self):
        return f"{self.code_hash[:8]}… ({self.state})"


class Channel(models.TextChoices):
    CODE = "code", _("One-time code")
    OPEN = "open", _("Public link")
    INTERVIEW = "interview", _("Interview")


class Response(models.Model):
    """One respondent's submission. No account, name, phone, address, IP or user agent."""

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="responses")
    survey_region = models.ForeignKey(SurveyRegion, on_delete=models.PROTECT, related_name="responses")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    submitted_on = models.DateField()
    # HMAC-SHA256 of the normalised phone number with SATISFACTION_PHONE_HASH_KEY; never the number.
    phone_hash = models.CharField(max_length=64, null=True, blank=True)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "phone_hash"],
                condition=models.Q(phone_hash__isnull=False),
                name="response_unique_phone_per_survey",
            )
        ]
        indexes = [models.Index(fields=["survey", "survey_region"])]

    def __str__(self):
        return f"#{self.pk}"


class Answer(models.Model):
    """One closed answer: a small integer per question, with the grouping keys copied on.

    Satisfaction (scale) answers hold 1–5, or 0 for "don't know" (left out of results);
    yes/no holds 1/0; single choice holds the choice's value.

    The copied keys (survey, area, region, department) come from the question and the response's
    region, which the database already ties to real rows; they carry no constraint and no index
    of their own (the indexes below lead with the survey), so that the public survey's insert of
    a response's answers checks two references per row instead of six and updates seven indexes
    instead of eleven (bench/README.md). Deleting what they point to is still refused (PROTECT).
    """

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="+", db_constraint=False, db_index=False)
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    scale = models.BooleanField()
    value = models.PositiveSmallIntegerField()
    area = models.ForeignKey(
        Area, null=True, on_delete=models.PROTECT, related_name="+", db_constraint=False, db_index=False
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", db_constraint=False, db_index=False)
    department = models.ForeignKey(
        Department, null=True, on_delete=models.PROTECT, related_name="+", db_constraint=False, db_index=False
    )

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        indexes = [
            models.Index(fields=["survey", "question", "value"]),
            models.Index(fields=["survey", "area"]),
            models.Index(fields=["survey", "region"]),
            models.Index(fields=["survey", "department"]),
        ]

    def __str__(self):
        return f"{self.question_id}={self.value}"


class TextAnswer(models.Model):
    """A free-text answer, kept apart so the Answer table stays narrow."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="text_answers")
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="+")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="text_answers")
    text = models.TextField()

    class Meta:
        verbose_name = _("text answer")
        verbose_name_plural = _("text answers")
        indexes = [models.Index(fields=["survey", "question"])]

    def __str__(self):
        return self.text[:40]


class QuotaAlert(models.Model):
    """One row per survey alert ever sent (quota reached, closed short): makes the job idempotent.

    ``notifications.AlertKey`` is keyed by department; survey alerts concern a region of a
    survey, so they get their own key with the same insert-before-send rule.
    """

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=30)
    subject = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["survey", "kind", "subject"], name="quota_alert_unique")]

    def __str__(self):
        return f"{self.survey_id} {self.kind} {self.subject}"


class ResultCell(models.Model):
    """A stored aggregate of a survey's answers, per respondent (docs/satisfaction.md).

    For a group — the whole survey (``overall``, key 0), an area, a rated department, or one
    question — and a region, the number of respondents who answered ``m`` of the group's 1–5
    questions, ``s`` of them with 4 or 5, their values summing to ``v``. A question's rows count
    every answer by its value (m = 1, v = the value; s = 1 for a 4 or 5 on the scale), which also
    gives the distribution of a choice question and of "don't know" (0).

    Each response adds 1 to its rows in the same transaction as its answers, so the results read
    a few hundred rows however many answers there are; ``shard`` (the response's id modulo
    ``SHARDS``) spreads respondents alike over several rows, so no single row takes every
    submission of a region. Every answer is still kept: ``aggregates.rebuild`` recomputes the
    rows from the answers, and a test compares both.
    """

    SHARDS = 8

    class Dimension(models.TextChoices):
        OVERALL = "overall", _("Overall")
        AREA = "area", _("Area")
        DEPARTMENT = "department", _("Department")
        QUESTION = "question", _("Question")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+", db_index=False)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", db_constraint=False, db_index=False)
    dimension = models.CharField(max_length=10, choices=Dimension.choices)
    key = models.BigIntegerField(default=0)
    m = models.PositiveSmallIntegerField()
    s = models.PositiveSmallIntegerField()
    v = models.PositiveSmallIntegerField()
    shard = models.PositiveSmallIntegerField(default=0)
    respondents = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("result cell")
        verbose_name_plural = _("result cells")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "dimension", "key", "region", "m", "s", "v", "shard"], name="resultcell_unique"
            ),
            models.CheckConstraint(condition=models.Q(s__lte=models.F("m")), name="resultcell_s_within_m"),
        ]

    def __str__(self):
        cell = f"({self.m},{self.s},{self.v})"
        return f"{self.survey_id} {self.dimension}:{self.key} r{self.region_id} {cell}×{self.respondents}"
