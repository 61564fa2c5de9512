"""Writes of surveys, their areas and questions (a survey's structure changes only while it is a draft)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_log, snapshot
from core.errors import ApplicationError, ConflictError

from ..locking import lock_survey
from ..models import (
    STANDARD_AREAS,
    Area,
    Choice,
    Question,
    Survey,
)

SURVEY_FIELDS = ["year", "code", "title", "intro", "access", "ask_phone", "opens_on", "closes_on"]


# --- Surveys ---------------------------------------------------------------------------------


def _require_draft(survey: Survey) -> None:
    if not survey.is_draft:
        raise ApplicationError(
            _("The questions of a survey cannot change once it has opened: answers depend on them."),
            code="not_draft",
        )


@transaction.atomic
def survey_create(*, data: dict, actor) -> Survey:
    """A new survey in draft."""
    survey = Survey(created_by=actor, **{k: v for k, v in data.items() if k in SURVEY_FIELDS})
    survey.full_clean()
    survey.save()
    audit_log("satisfaction.survey.created", actor=actor, obj=survey, after=snapshot(survey))
    return survey


@transaction.atomic
def survey_update(*, survey: Survey, data: dict, actor, expected_version: int | None = None) -> Survey:
    """Change a survey's basics. Once open only the title, introduction and closing date change."""
    current = lock_survey(survey.pk)
    if expected_version is not None and current.version != expected_version:
        raise ConflictError(_("Someone else changed this survey after you opened it. Reload and try again."))
    if current.status == Survey.Status.CLOSED:
        raise ApplicationError(_("A closed survey cannot be changed."), code="closed")
    before = snapshot(current)
    allowed = SURVEY_FIELDS if current.is_draft else ["title", "intro", "closes_on"]
    errors = {}
    for field, value in data.items():
        if field not in SURVEY_FIELDS:
            continue
        if field not in allowed and getattr(current, field) != value:
            errors[field] = [_("This cannot change once the survey has opened.")]
            continue
        setattr(current, field, value)
    if errors:
        raise ApplicationError(_("Some fields cannot change once the survey has opened."), errors=errors)
    current.full_clean()
    current.version += 1
    current.save()
    audit_log("satisfaction.survey.updated", actor=actor, obj=current, before=before, after=snapshot(current))
    return current


@transaction.atomic
def survey_open(*, survey: Survey, actor) -> Survey:
    """Open a draft survey for answers: it needs questions, regions with quotas, a future end."""
    current = lock_survey(survey.pk)
    if not current.is_draft:
        raise ApplicationError(_("Only a draft survey can be opened."), code="not_draft")
    errors: dict[str, list] = {}
    if not current.questions.exists():
        errors.setdefault("__all__", []).append(_("Add at least one question before opening the survey."))
    if not current.regions.exists():
        errors.setdefault("__all__", []).append(_("Set at least one region with its quota before opening."))
    if current.closes_on < timezone.localdate():
        errors["closes_on"] = [_("The closing date has passed; move it to a later day first.")]
    if errors:
        first = next(iter(errors.values()))[0]
        raise ApplicationError(first, errors={k: v for k, v in errors.items() if k != "__all__"} or None)
    before = snapshot(current)
    current.status = Survey.Status.OPEN
    current.version += 1
    current.save(update_fields=["status", "version"])
    audit_log("satisfaction.survey.opened", actor=actor, obj=current, before=before, after=snapshot(current))
    return current


@transaction.atomic
def survey_close(*, survey: Survey, actor, automatic: bool = False) -> Survey:
    """Close a survey: no answer is accepted after this. Audited (docs/security.md: survey closing)."""
    current = lock_survey(survey.pk)
    if current.status == Survey.Status.CLOSED:
        raise ApplicationError(_("This survey is already closed."), code="closed")
    before = snapshot(current)
    current.status = Survey.Status.CLOSED
    current.closed_at = timezone.now()
    current.closed_by = actor
    current.version += 1
    current.save(update_fields=["status", "closed_at", "closed_by", "version"])
    short = [
        {"region": sr.region.code, "quota": sr.quota, "received": sr.received}
        for sr in current.regions.select_related("region")
        if sr.received < sr.quota
    ]
    audit_log(
        "satisfaction.survey.closed",
        actor=actor,
        obj=current,
        before=before,
        after=snapshot(current),
        data={"automatic": automatic, "regions_short": short},
    )
    return current


# --- Areas and questions (draft only) ---------------------------------------------------------


@transaction.atomic
def area_save(*, survey: Survey, data: dict, actor, area: Area | None = None) -> Area:
    _require_draft(survey)
    creating = area is None
    area = area or Area(survey=survey)
    before = None if creating else snapshot(area)
    for field in ("code", "name", "order"):
        if field in data:
            setattr(area, field, data[field])
    area.full_clean()
    area.save()
    audit_log(
        f"satisfaction.area.{'created' if creating else 'updated'}",
        actor=actor,
        obj=area,
        before=before,
        after=snapshot(area),
    )
    return area


@transaction.atomic
def areas_add_standard(*, survey: Survey, actor) -> int:
    """Add the nine basic public service areas the survey does not have yet."""
    _require_draft(survey)
    have = set(survey.areas.values_list("code", flat=True))
    start = (survey.areas.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    new = [
        Area(survey=survey, code=code, name=name, order=start + i)
        for i, (code, name) in enumerate(STANDARD_AREAS)
        if code not in have
    ]
    Area.objects.bulk_create(new)
    if new:
        audit_log("satisfaction.area.created", actor=actor, obj=survey, data={"areas": [a.code for a in new]})
    return len(new)


@transaction.atomic
def area_delete(*, area: Area, actor) -> None:
    _require_draft(area.survey)
    if area.questions.exists():
        raise ApplicationError(_("Move or delete the questions of this area first."), code="in_use")
    before = snapshot(area)
    area.delete()
    audit_log("satisfaction.area.deleted", actor=actor, object_type="satisfaction.area", before=before)


def parse_choices(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


@transaction.atomic
def question_save(
    *, survey: Survey, data: dict, actor, question: Question | None = None, choices: list[str] | None = None
) -> Question:
    """Create or change a question; ``choices`` are the options of a single-choice question."""
    _require_draft(survey)
    creating = question is None
    question = question or Question(survey=survey)
    before = None if creating else snapshot(question)
    for field in ("area", "department", "order", "text", "help_text", "kind", "required", "allow_unknown"):
        if field in data:
            setattr(question, field, data[field])
    question.full_clean()
    if question.kind == Question.Kind.CHOICE:
        if choices is None and not creating:
            choices = list(question.choices.values_list("label", flat=True))
        if not choices or len(choices) < 2:
            raise ApplicationError(_("Give at least two choices, one per line."), field="choices")
        if len(choices) > 20:
            raise ApplicationError(_("Give at most 20 choices."), field="choices")
        if any(len(c) > 200 for c in choices):
            raise ApplicationError(_("A choice may have at most 200 characters."), field="choices")
    question.save()
    if question.kind == Question.Kind.CHOICE and choices is not None:
        question.choices.all().delete()
        Choice.objects.bulk_create(
            [Choice(question=question, value=i, label=label) for i, label in enumerate(choices, start=1)]
        )
    elif question.kind != Question.Kind.CHOICE:
        question.choices.all().delete()
    audit_log(
        f"satisfaction.question.{'created' if creating else 'updated'}",
        actor=actor,
        obj=question,
        before=before,
        after={**snapshot(question), "choices": choices or []},
    )
    return question


@transaction.atomic
def question_delete(*, question: Question, actor) -> None:
    _require_draft(question.survey)
    before = snapshot(question)
    question.delete()
    audit_log("satisfaction.question.deleted", actor=actor, object_type="satisfaction.question", before=before)
