"""Row locks of the satisfaction app: only the row meant (``of=("self",)``), FOR NO KEY UPDATE
where the key is untouched, so answers and codes that reference a survey or a region never wait
on a survey manager's change (see assessments/locking.py for the reason)."""

from __future__ import annotations

from .models import Survey, SurveyRegion


def lock_survey(pk: int) -> Survey:
    return Survey.objects.select_for_update(of=("self",), no_key=True).get(pk=pk)


def lock_survey_region(pk: int) -> SurveyRegion:
    """The survey's region, locked; its survey and region read alongside without locks."""
    return (
        SurveyRegion.objects.select_for_update(of=("self",), no_key=True).select_related("region", "survey").get(pk=pk)
    )


def lock_survey_regions(survey: Survey):
    """Every region of the survey, locked in key order."""
    return SurveyRegion.objects.select_for_update(of=("self",), no_key=True).filter(survey=survey).order_by("pk")
