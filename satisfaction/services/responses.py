"""Answers: the public submit and the surveyor's interviews, the quota taken atomically.

Answers from the public never create an audit event: an event would keep the source address
and time beside the response, which docs/security.md (privacy) forbids. Interview answers are
audited as the surveyor's act (who entered a response for which region), without the answers.
"""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, connection, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from audit.services import audit_log
from core.errors import ApplicationError

from ..aggregates import record
from ..answers import Cleaned
from ..models import (
    AccessCode,
    Answer,
    Channel,
    Response,
    Survey,
    SurveyRegion,
    TextAnswer,
)

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
