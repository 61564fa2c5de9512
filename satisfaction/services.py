"""Writes of the satisfaction app. Each is atomic, validated and, where it matters, audited.

Answers from the public never create an audit event: an event would keep the source address
and time beside the response, which docs/security.md (privacy) forbids. Interview answers are
audited as the surveyor's act (who entered a response for which region), without the answers.
"""

from __future__ import annotations

import secrets
from datetime import date

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, F, OuterRef
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from audit.services import audit_log, snapshot
from core.errors import ApplicationError, ConflictError
from core.roles import Role
from notifications.services import notify
from organizations.models import Region
from organizations.selectors import users_with_role

from .aggregates import record
from .answers import CODE_ALPHABET, CODE_LENGTH, Cleaned, code_hash
from .locking import lock_survey, lock_survey_region, lock_survey_regions
from .models import (
    STANDARD_AREAS,
    AccessCode,
    Answer,
    Area,
    Channel,
    Choice,
    CodeBatch,
    Question,
    QuotaAlert,
    Response,
    Survey,
    SurveyRegion,
    TextAnswer,
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


# --- Regions and quotas ----------------------------------------------------------------------


@transaction.atomic
def quotas_set(*, survey: Survey, quotas: dict[int, int | None], actor) -> list[SurveyRegion]:
    """Set the sampling plan: ``quotas`` maps a region id to its quota (None: not sampled).

    A region that already has answers or codes stays in the plan, and its quota cannot go
    below the answers already received.
    """
    if survey.status == Survey.Status.CLOSED:
        raise ApplicationError(_("A closed survey cannot be changed."), code="closed")
    existing = {sr.region_id: sr for sr in lock_survey_regions(survey)}
    regions = Region.objects.in_bulk(list(quotas))
    errors: dict[str, list] = {}
    before = {sr.region_id: sr.quota for sr in existing.values()}
    for region_id, quota in quotas.items():
        if region_id not in regions:
            errors[f"quota_{region_id}"] = [_("Unknown region.")]
            continue
        sr = existing.get(region_id)
        if quota is None:
            if sr is None:
                continue
            if sr.received or sr.codes.exists():
                errors[f"quota_{region_id}"] = [_("This region already has answers or codes; it stays in the plan.")]
                continue
            sr.delete()
            continue
        if quota < 1:
            errors[f"quota_{region_id}"] = [_("The quota must be at least 1.")]
            continue
        if sr is None:
            SurveyRegion.objects.create(survey=survey, region_id=region_id, quota=quota)
        elif sr.quota != quota:
            if quota < sr.received:
                errors[f"quota_{region_id}"] = [
                    _("The quota cannot be below the %(n)d answers already received.") % {"n": sr.received}
                ]
                continue
            sr.quota = quota
            sr.save(update_fields=["quota"])
    if errors:
        raise ApplicationError(_("Please correct the quotas marked below."), errors=errors)
    after = dict(SurveyRegion.objects.filter(survey=survey).values_list("region_id", "quota"))
    if after != before:
        audit_log(
            "satisfaction.quotas.updated",
            actor=actor,
            obj=survey,
            before={"quotas": {str(k): v for k, v in before.items()}},
            after={"quotas": {str(k): v for k, v in after.items()}},
        )
    return list(SurveyRegion.objects.filter(survey=survey).select_related("region"))


@transaction.atomic
def region_set_closed(*, survey_region: SurveyRegion, closed: bool, actor) -> SurveyRegion:
    """Close a region's quota early (no more answers from it) or reopen it."""
    sr = lock_survey_region(survey_region.pk)
    if sr.survey.status == Survey.Status.CLOSED:
        raise ApplicationError(_("A closed survey cannot be changed."), code="closed")
    if sr.is_closed == closed:
        return sr
    sr.is_closed = closed
    sr.save(update_fields=["is_closed"])
    audit_log(
        "satisfaction.region.closed" if closed else "satisfaction.region.reopened",
        actor=actor,
        obj=sr.survey,
        data={"region": sr.region.code},
    )
    return sr


# --- One-time codes ----------------------------------------------------------------------------


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


@transaction.atomic
def codes_generate(*, survey_region: SurveyRegion, count: int, actor) -> tuple[CodeBatch, list[str]]:
    """Generate ``count`` one-time codes for a region. Returns the codes once; only hashes are kept."""
    survey = survey_region.survey
    if survey.access != Survey.Access.CODE:
        raise ApplicationError(_("This survey is answered through its public link; it has no codes."), code="no_codes")
    if survey.status == Survey.Status.CLOSED:
        raise ApplicationError(_("A closed survey cannot be changed."), code="closed")
    limit = settings.SATISFACTION_MAX_CODES_PER_BATCH
    if not 1 <= count <= limit:
        raise ApplicationError(_("Generate between 1 and %(n)d codes at a time.") % {"n": limit}, field="count")
    codes: dict[str, str] = {}
    while len(codes) < count:
        for _i in range(count - len(codes)):
            c = _new_code()
            codes[code_hash(c)] = c
        clash = set(AccessCode.objects.filter(code_hash__in=list(codes)).values_list("code_hash", flat=True))
        for h in clash:
            codes.pop(h)
    batch = CodeBatch.objects.create(survey=survey, survey_region=survey_region, count=count, created_by=actor)
    AccessCode.objects.bulk_create(
        [AccessCode(survey=survey, survey_region=survey_region, batch=batch, code_hash=h) for h in codes],
        batch_size=1000,
    )
    audit_log(
        "satisfaction.codes.generated",
        actor=actor,
        obj=survey,
        data={"region": survey_region.region.code, "count": count, "batch": batch.pk},
    )
    return batch, list(codes.values())


def codes_exported(*, batch: CodeBatch, actor, fmt: str = "xlsx") -> None:
    """Record that a batch's codes were handed out (the only time they are ever shown)."""
    audit_log(
        "satisfaction.codes.exported",
        actor=actor,
        obj=batch.survey,
        data={"batch": batch.pk, "region": batch.survey_region.region.code, "count": batch.count, "format": fmt},
    )


@transaction.atomic
def batch_void(*, batch: CodeBatch, actor) -> int:
    """Void the unused codes of a batch (lost or leaked list). Used codes keep their answers."""
    if batch.voided_at:
        return 0
    n = AccessCode.objects.filter(batch=batch, state=AccessCode.State.NEW).update(state=AccessCode.State.VOID)
    batch.voided_at = timezone.now()
    batch.voided_by = actor
    batch.save(update_fields=["voided_at", "voided_by"])
    audit_log("satisfaction.codes.voided", actor=actor, obj=batch.survey, data={"batch": batch.pk, "voided": n})
    return n


def results_exported(*, survey: Survey, actor, data: dict) -> None:
    audit_log("satisfaction.results.exported", actor=actor, obj=survey, data=data)


# --- Answers ---------------------------------------------------------------------------------


def accepting_error(survey: Survey, today: date | None = None) -> str | None:
    """Why ``survey`` takes no answers today (Asia/Shanghai), or None if it does."""
    today = today or timezone.localdate()
    if survey.status == Survey.Status.CLOSED:
        return _("This survey has closed. Thank you for your interest.")
    if survey.status != Survey.Status.OPEN:
        return _("This survey is not open.")
    if today < survey.opens_on:
        return _("This survey opens on %(date)s.") % {"date": formats.date_format(survey.opens_on, "Y-m-d")}
    if today > survey.closes_on:
        return _("This survey closed on %(date)s. Thank you for your interest.") % {
            "date": formats.date_format(survey.closes_on, "Y-m-d")
        }
    return None


def region_full_message(sr: SurveyRegion) -> str:
    return _("The survey has received all the answers it needs from %(region)s, so it takes no more. Thank you.") % {
        "region": sr.region.name
    }


@transaction.atomic
def response_submit(
    *,
    survey: Survey,
    survey_region: SurveyRegion,
    cleaned: Cleaned,
    channel: str,
    code: AccessCode | None = None,
    actor=None,
) -> Response:
    """Store one respondent's answers.

    In one transaction: the code turns from unused to used by a conditional UPDATE (of two
    concurrent submits with one code exactly one succeeds), the region's count rises by a
    conditional UPDATE that fails when the quota is full or the region closed, then the
    response and its answers are inserted in bulk. Any refusal rolls all of it back.
    """
    today = timezone.localdate()
    reason = accepting_error(survey, today)
    if reason:
        raise ApplicationError(reason, code="not_accepting")
    if survey_region.survey_id != survey.pk:
        raise ApplicationError(_("This region is not part of the survey."), field="region")
    if code is not None:
        if code.survey_id != survey.pk or code.survey_region_id != survey_region.pk:
            raise ApplicationError(_("This code does not belong to this survey."), code="code_invalid")
        used = AccessCode.objects.filter(pk=code.pk, state=AccessCode.State.NEW).update(
            state=AccessCode.State.USED, used_on=today
        )
        if not used:
            raise ApplicationError(
                _("This code has already been used. Each code can answer the survey once."), code="code_used"
            )
    taken = _take_quota(survey_region.pk)
    if not taken:
        raise ApplicationError(region_full_message(survey_region), code="quota_full")
    response = Response(
        survey=survey, survey_region=survey_region, channel=channel, submitted_on=today, phone_hash=cleaned.phone_hash
    )
    try:
        _insert_response(response)
    except IntegrityError:
        raise ApplicationError(
            _("This phone number has already answered the survey."), field="phone", code="duplicate"
        ) from None
    _insert_answers(response, survey, survey_region.region_id, cleaned.values)
    if cleaned.texts:
        TextAnswer.objects.bulk_create(
            [TextAnswer(response=response, survey=survey, question_id=q.id, text=text) for q, text in cleaned.texts]
        )
    if channel == Channel.INTERVIEW:
        audit_log(
            "satisfaction.interview.entered",
            actor=actor,
            obj=survey,
            data={"region": survey_region.region.code, "answers": len(cleaned.values) + len(cleaned.texts)},
        )
    return response


def _take_quota(survey_region_id: int) -> int:
    """Count one more response for the region unless it is closed or full: 1 if counted, else 0.

    ``SurveyRegion.objects.filter(pk=…, is_closed=False, received__lt=F("quota"))
    .update(received=F("received") + 1)`` as one plain statement (the public page's hot path)."""
    table = connection.ops.quote_name(SurveyRegion._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET received = received + 1 "  # noqa: S608 - the table name comes from _meta
            "WHERE id = %s AND NOT is_closed AND received < quota",
            [survey_region_id],
        )
        return cursor.rowcount


_RESPONSE_COLUMNS = ("survey_id", "survey_region_id", "channel", "submitted_on", "phone_hash")


def _insert_response(response: Response) -> None:
    """``response.save()`` as one plain INSERT … RETURNING id (the public page's hot path)."""
    if not connection.features.can_return_columns_from_insert:
        response.save(force_insert=True)
        return
    qn = connection.ops.quote_name
    table = qn(Response._meta.db_table)
    columns = ", ".join(qn(c) for c in _RESPONSE_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s, %s) RETURNING {qn('id')}",  # noqa: S608
            [
                response.survey_id,
                response.survey_region_id,
                response.channel,
                connection.ops.adapt_datefield_value(response.submitted_on),
                response.phone_hash,
            ],
        )
        response.pk = cursor.fetchone()[0]
    response._state.adding = False
    response._state.db = connection.alias


_ANSWER_COLUMNS = ("response_id", "survey_id", "question_id", "scale", "value", "area_id", "region_id", "department_id")


def _insert_answers(response: Response, survey: Survey, region_id: int, values: list) -> None:
    """The response's closed answers in one INSERT of plain values (the hot path of the public page:
    the rows ``Answer.objects.bulk_create`` would write, without building a model per answer), and
    the response counted in the survey's stored aggregates (one upsert, satisfaction.aggregates)."""
    if not values:
        return
    table = connection.ops.quote_name(Answer._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in _ANSWER_COLUMNS)
    rows = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s)"] * len(values))
    params = []
    for q, value in values:
        params += [response.pk, survey.pk, q.id, q.is_scale, value, q.area_id, region_id, q.department_id]
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({columns}) VALUES {rows}", params)  # noqa: S608 - names from _meta
    record(response_id=response.pk, survey_id=survey.pk, region_id=region_id, values=values)


# --- The periodic quota check ----------------------------------------------------------------


def _claim(survey: Survey, kind: str, subject: str = "") -> bool:
    """Insert the alert's key before sending; False when it was sent before (idempotent job)."""
    try:
        with transaction.atomic():
            QuotaAlert.objects.create(survey=survey, kind=kind, subject=subject)
    except IntegrityError:
        return False
    return True


def _recipients():
    return list(users_with_role(roles=[Role.SURVEYOR, Role.SUPERVISOR]))


@transaction.atomic
def quota_check(*, today: date | None = None) -> dict:
    """Close surveys past their closing date; alert when a region's quota is reached and when a
    survey closes with regions short of their quota. Each alert is sent once (QuotaAlert key).
    """
    from django.urls import reverse

    today = today or timezone.localdate()
    closed = 0
    for survey in Survey.objects.filter(status=Survey.Status.OPEN, closes_on__lt=today):
        survey_close(survey=survey, actor=None, automatic=True)
        closed += 1
    sent = 0
    recipients = None
    with translation.override(settings.LANGUAGE_CODE):
        alerted = QuotaAlert.objects.filter(
            survey=OuterRef("survey"), kind="quota_reached", subject=OuterRef("region__code")
        )
        full = (
            SurveyRegion.objects.filter(survey__status=Survey.Status.OPEN, received__gte=F("quota"))
            .exclude(Exists(alerted))
            .select_related("survey", "region")
        )
        for sr in full:
            if not _claim(sr.survey, "quota_reached", sr.region.code):
                continue
            recipients = recipients if recipients is not None else _recipients()
            notify(
                users=recipients,
                kind="satisfaction.quota_reached",
                title=_("Quota reached: %(region)s, %(survey)s") % {"region": sr.region.name, "survey": sr.survey},
                body=_("%(region)s has %(n)d of %(quota)d answers; it takes no more answers.")
                % {"region": sr.region.name, "n": sr.received, "quota": sr.quota},
                link=reverse("satisfaction:quota_board", args=[sr.survey_id]),
            )
            sent += 1
        short_regions = (
            SurveyRegion.objects.filter(survey__status=Survey.Status.CLOSED, received__lt=F("quota"))
            .exclude(Exists(QuotaAlert.objects.filter(survey=OuterRef("survey"), kind="closed_short")))
            .select_related("survey", "region")
        )
        by_survey: dict[int, list[SurveyRegion]] = {}
        for sr in short_regions:
            by_survey.setdefault(sr.survey_id, []).append(sr)
        for short in by_survey.values():
            survey = short[0].survey
            if not _claim(survey, "closed_short"):
                continue
            recipients = recipients if recipients is not None else _recipients()
            lines = "\n".join(f"{sr.region.name}: {sr.received} / {sr.quota}" for sr in short)
            notify(
                users=recipients,
                kind="satisfaction.closed_short",
                title=_("Survey closed short of its quota: %(survey)s") % {"survey": survey},
                body=_("%(n)d regions did not reach their quota:") % {"n": len(short)} + "\n" + lines,
                link=reverse("satisfaction:quota_board", args=[survey.pk]),
                level="warning",
            )
            sent += 1
    return {"closed": closed, "alerts": sent}
