"""Reads of surveys: the lists each role sees, the public form's structure, codes and quotas."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import Count, F, Prefetch, Q, QuerySet, Sum
from django.http import Http404
from django.utils.translation import gettext_lazy

from core.roles import P
from organizations.models import Region

from ..answers import Group, QuestionSpec, Structure, code_hash, options_for
from ..models import AccessCode, Area, Choice, Question, Survey, SurveyRegion

DIMENSIONS = ("overall", "area", "region", "department", "question")


# --- Surveys ---------------------------------------------------------------------------------


def surveys_for_user(*, user) -> QuerySet[Survey]:
    if not user.is_authenticated:
        return Survey.objects.none()
    qs = Survey.objects.annotate(responses_count=Sum("regions__received"), quota_total=Sum("regions__quota")).order_by(
        "-year", "-opens_on", "-id"
    )
    if user.has_perm(P.MANAGE_SURVEY):
        return qs
    if user.has_perm(P.READ_SURVEY_RESULTS) or user.has_perm(P.ENTER_ANSWERS):
        return qs.exclude(status=Survey.Status.DRAFT)
    return Survey.objects.none()


def survey_get_for_user(*, user, pk: int) -> Survey:
    """The survey if ``user`` may see it; Http404 otherwise (its existence is not revealed)."""
    survey = Survey.objects.filter(pk=pk).first()
    if survey is None:
        raise Http404
    if survey.is_draft and not user.has_perm(P.MANAGE_SURVEY):
        raise Http404
    return survey


def survey_by_key(*, key: str) -> Survey:
    """A survey by its public link key; drafts are not public."""
    # The key is unique: no ordering needed (``first()`` would sort by the model's ordering).
    survey = next(iter(Survey.objects.filter(public_key=key).exclude(status=Survey.Status.DRAFT).order_by()[:1]), None)
    if survey is None:
        raise Http404
    return survey


# Questions of an opened survey never change (only drafts are edited), so the public page keeps
# them per process, keyed by the survey's identity and version; regions are always read fresh.
_GROUPS_CACHE: dict[tuple, list[Group]] = {}
_GROUPS_CACHE_SIZE = 32


def _public_sql() -> tuple[str, list, list, list]:
    """The survey of a public key with its regions and their quotas, as one statement of plain SQL."""
    qn = connection.ops.quote_name
    parts = [(Survey, "s"), (SurveyRegion, "sr"), (Region, "r")]
    fields = [[f.attname for f in model._meta.concrete_fields] for model, _alias in parts]
    columns = ", ".join(f"{alias}.{qn(f.column)}" for model, alias in parts for f in model._meta.concrete_fields)
    sql = (
        f"SELECT {columns} FROM {qn(SurveyRegion._meta.db_table)} sr "  # noqa: S608 - names from _meta
        f"JOIN {qn(Survey._meta.db_table)} s ON s.{qn('id')} = sr.{qn('survey_id')} "
        f"JOIN {qn(Region._meta.db_table)} r ON r.{qn('id')} = sr.{qn('region_id')} "
        f"WHERE s.{qn('public_key')} = %s AND s.{qn('status')} <> %s "
        f"ORDER BY r.{qn('order')}, r.{qn('code')}"
    )
    return sql, *fields


def public_survey(*, key: str) -> tuple[Survey, list[SurveyRegion]]:
    """``survey_by_key`` and the survey's regions with their quotas, in one query.

    The public page's hot path: the same rows as
    ``SurveyRegion.objects.filter(survey__public_key=key).exclude(survey__status="draft")
    .select_related("survey", "region")`` (regions in the order of the model), read with one
    plain statement and built as model instances without compiling a query each time.
    """
    sql, survey_fields, region_fields, place_fields = _public_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, [key, Survey.Status.DRAFT])
        rows = cursor.fetchall()
    if not rows:
        return survey_by_key(key=key), []
    db = connection.alias
    ns, nsr = len(survey_fields), len(region_fields)
    survey = Survey.from_db(db, survey_fields, rows[0][:ns])
    regions = []
    for row in rows:
        sr = SurveyRegion.from_db(db, region_fields, row[ns : ns + nsr])
        sr.survey = survey
        sr.region = Region.from_db(db, place_fields, row[ns + nsr :])
        regions.append(sr)
    return survey, regions


def survey_structure(*, survey: Survey, regions: list[SurveyRegion] | None = None) -> Structure:
    """Areas, questions with their options and regions with quotas (one query once cached).

    ``regions``: the survey's regions when already read (``public_survey``)."""
    if regions is None:
        regions = list(SurveyRegion.objects.filter(survey=survey).select_related("region"))
    if survey.is_draft:
        return Structure(survey=survey, groups=_groups(survey), regions=regions)
    key = (survey.pk, survey.public_key, survey.version)
    groups = _GROUPS_CACHE.get(key)
    if groups is None:
        groups = _groups(survey)
        if len(_GROUPS_CACHE) >= _GROUPS_CACHE_SIZE:
            _GROUPS_CACHE.pop(next(iter(_GROUPS_CACHE)))
        _GROUPS_CACHE[key] = groups
    return Structure(survey=survey, groups=groups, regions=regions)


def _groups(survey: Survey) -> list[Group]:
    areas = list(Area.objects.filter(survey=survey))
    questions = list(
        Question.objects.filter(survey=survey)
        .select_related("area")
        .prefetch_related(Prefetch("choices", queryset=Choice.objects.order_by("value")))
        .order_by(F("area__order").asc(nulls_last=True), "area_id", "order", "id")
    )
    by_area: dict[int | None, list[QuestionSpec]] = defaultdict(list)
    for number, q in enumerate(questions, start=1):
        spec = QuestionSpec(
            id=q.pk,
            number=number,
            text=q.text,
            help_text=q.help_text,
            kind=q.kind,
            required=q.required,
            allow_unknown=q.allow_unknown,
            area_id=q.area_id,
            department_id=q.department_id,
            options=options_for(q.kind, q.allow_unknown, [(c.value, c.label) for c in q.choices.all()]),
        )
        by_area[q.area_id].append(spec)
    groups = [Group(key=a.code, title=a.name, questions=by_area[a.pk]) for a in areas if by_area.get(a.pk)]
    if by_area.get(None):
        groups.append(Group(key="other", title=gettext_lazy("Other questions"), questions=by_area[None]))
    return groups


def code_lookup(*, raw: str) -> AccessCode | None:
    """The code's row (with its region and survey), or None for an unknown code."""
    if not raw:
        return None
    return AccessCode.objects.select_related("survey_region__region", "survey").filter(code_hash=code_hash(raw)).first()


# --- Quotas ----------------------------------------------------------------------------------


@dataclass
class QuotaRow:
    survey_region: SurveyRegion
    codes_issued: int = 0
    codes_used: int = 0

    @property
    def region(self):
        return self.survey_region.region

    @property
    def fulfilment(self) -> Decimal:
        sr = self.survey_region
        return (Decimal(sr.received) * 100 / Decimal(sr.quota)).quantize(Decimal("0.1")) if sr.quota else Decimal(0)

    @property
    def status(self) -> str:
        sr = self.survey_region
        if sr.is_full:
            return "full"
        if sr.is_closed:
            return "closed"
        return "open"


def quota_status(*, survey: Survey) -> list[QuotaRow]:
    """Quota, responses and codes per region: two queries."""
    regions = list(SurveyRegion.objects.filter(survey=survey).select_related("region"))
    codes = (
        AccessCode.objects.filter(survey=survey)
        .exclude(state=AccessCode.State.VOID)
        .values("survey_region")
        .annotate(issued=Count("id"), used=Count("id", filter=Q(state=AccessCode.State.USED)))
    )
    by_region = {c["survey_region"]: c for c in codes}
    return [
        QuotaRow(sr, by_region.get(sr.pk, {}).get("issued", 0), by_region.get(sr.pk, {}).get("used", 0))
        for sr in regions
    ]
