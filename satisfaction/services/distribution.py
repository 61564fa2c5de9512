"""Writes of a survey's distribution: regions and their quotas, one-time access codes, exports."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_log
from core.errors import ApplicationError
from organizations.models import Region

from ..answers import CODE_ALPHABET, CODE_LENGTH, code_hash
from ..locking import lock_survey_region, lock_survey_regions
from ..models import (
    AccessCode,
    CodeBatch,
    Survey,
    SurveyRegion,
)

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
