"""The periodic quota check: alerts once per survey and kind when regions fall behind or fill."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.roles import Role
from notifications.services import notify
from organizations.selectors import users_with_role

from ..models import (
    QuotaAlert,
    Survey,
    SurveyRegion,
)
from .surveys import survey_close

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
