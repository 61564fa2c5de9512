"""Reads of surveys and their results. Results are SQL aggregates, never loops over answers.

Surveys are not department data: survey managers (surveyor, supervision office) see every
survey including drafts; readers of results (finance, leaders, API clients) see opened and
closed surveys only, with groups below the minimum size hidden.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import connection
from django.db.models import Case, Count, F, IntegerField, Prefetch, Q, QuerySet, Sum, Value, When
from django.http import Http404
from django.utils.translation import gettext_lazy

from core.numbers import chart_number
from core.roles import P
from organizations.models import Department, Region

from .aggregates import histograms
from .answers import Group, QuestionSpec, Structure, code_hash, options_for
from .models import AccessCode, Area, Choice, Question, ResultCell, Survey, SurveyRegion, TextAnswer
from .stats import Estimate, Hist, hist_add, respondent_estimate, weighted_respondent_estimate

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


# --- Results ---------------------------------------------------------------------------------


@dataclass
class ResultRow:
    key: object
    code: str
    label: str
    estimate: Estimate
    weighted: Estimate | None = None
    hidden: bool = False  # published results: nothing of the group is shown
    insufficient: bool = False  # fewer respondents than the minimum: no figures anywhere (样本不足)
    extra: dict = field(default_factory=dict)


def min_group_size() -> int:
    return settings.SATISFACTION_MIN_GROUP_SIZE


# The results pages read a survey's stored aggregates per respondent (models.ResultCell: a few
# hundred rows however many answers), kept in memory while the survey's count of accepted
# responses (raised in the same transaction as each response and its aggregates) is unchanged,
# so a new answer is always seen.
_HISTS_CACHE: dict[tuple, dict] = {}
_HISTS_CACHE_SIZE = 8


def _regions_received(survey: Survey) -> tuple[dict[int, int | None], int]:
    """Population of each sampled region, and the responses received so far (one query)."""
    rows = SurveyRegion.objects.filter(survey=survey).values_list("region_id", "region__population", "received")
    return {r: pop for r, pop, _n in rows}, sum(n for _r, _p, n in rows)


def _hists(survey: Survey, received: int) -> dict[tuple[str, int, int], Hist]:
    """{(dimension, key, region): {(m, s, v): respondents}} of the survey (satisfaction.aggregates)."""
    key = (survey.pk, survey.public_key, received)
    found = _HISTS_CACHE.get(key)
    if found is None:
        found = histograms(survey.pk)
        if len(_HISTS_CACHE) >= _HISTS_CACHE_SIZE:
            _HISTS_CACHE.pop(next(iter(_HISTS_CACHE)))
        _HISTS_CACHE[key] = found
    return found


def _rated(hist: Hist) -> Hist:
    """A question's 1–5 answers only ("don't know", 0, is left out of its figures)."""
    return {k: c for k, c in hist.items() if k[2] >= 1}


def _group(hists: dict, by: str, scale_questions: set[int]) -> dict[object, dict[int, Hist]]:
    """The histograms of each group of ``by``, per region (for weighting)."""
    out: dict[object, dict[int, Hist]] = defaultdict(dict)
    dimension = {"overall": "overall", "region": "overall", "area": "area", "department": "department"}.get(
        by, "question"
    )
    for (dim, key, region), hist in hists.items():
        if dim != dimension:
            continue
        if by == "question":
            if key not in scale_questions:
                continue
            hist = _rated(hist)
        group = {"overall": None, "region": region}.get(by, key)
        out[group][region] = hist_add(out[group].get(region, {}), hist)
    return out


def _combine(hists: dict[int, Hist]) -> Hist:
    total: Hist = {}
    for hist in hists.values():
        total = hist_add(total, hist)
    return total


def survey_results(
    *, survey: Survey, by: str = "overall", weighted: bool = False, published: bool = False
) -> list[ResultRow]:
    """Rate, score, respondents and 95 percent intervals per group of ``by`` (docs/satisfaction.md).

    ``by``: overall, area, region, department or question (satisfaction questions).
    ``weighted``: add the population-weighted figures (post-stratification by region, per respondent).
    ``published``: groups with fewer respondents than SATISFACTION_MIN_GROUP_SIZE are hidden (their
    figures are removed, not just flagged: 样本不足).
    """
    return survey_results_all(survey=survey, dimensions=(by,), weighted=weighted, published=published)[by]


def results_chart(rows: list[ResultRow]) -> dict:
    """The chart of a results section: the groups shown (not hidden, with answers), their rates
    with the 95 percent interval and their scores, as numbers for the chart library."""
    shown = [r for r in rows if not r.insufficient and r.estimate.n]
    return {
        "labels": [r.label for r in shown],
        "rate": [chart_number(r.estimate.rate) for r in shown],
        "low": [chart_number(r.estimate.rate_low) for r in shown],
        "high": [chart_number(r.estimate.rate_high) for r in shown],
        "score": [chart_number(r.estimate.score) for r in shown],
    }


def survey_results_all(
    *, survey: Survey, dimensions=DIMENSIONS, weighted: bool = False, published: bool = False
) -> dict[str, list[ResultRow]]:
    """``survey_results`` for several groupings from one read of the stored aggregates."""
    for by in dimensions:
        if by not in DIMENSIONS:
            raise ValueError(by)
    populations, received = _regions_received(survey)
    hists = _hists(survey, received)
    scale_questions = set(Question.objects.filter(survey=survey, kind=Question.Kind.SCALE).values_list("pk", flat=True))
    pops = populations if weighted else {}
    minimum = min_group_size()
    out = {}
    for by in dimensions:
        grouped = _group(hists, by, scale_questions)
        labels = _labels(survey, by)
        rows = []
        for key in labels:
            group_hists = grouped.get(key, {})
            est = respondent_estimate(_combine(group_hists))
            w = weighted_respondent_estimate(group_hists, pops).estimate if weighted and by != "region" else None
            code, label, extra = labels[key]
            # 样本不足: below the minimum the figures are shown nowhere; published results hide
            # the number of respondents too.
            insufficient = 0 < est.n < minimum  # none at all is no answers yet, not a small sample
            if insufficient:
                est, w = Estimate(n=0 if published else est.n), None
            rows.append(
                ResultRow(
                    key=key,
                    code=code,
                    label=label,
                    estimate=est,
                    weighted=w,
                    hidden=published and insufficient,
                    insufficient=insufficient,
                    extra=extra,
                )
            )
        out[by] = rows
    return out


def _labels(survey: Survey, by: str) -> dict[object, tuple[str, str, dict]]:
    """Code, label and extra facts of every group of the survey, in display order."""
    if by == "overall":
        from django.utils.translation import gettext as _

        return {None: ("overall", _("All answers"), {})}
    if by == "area":
        return {a.pk: (a.code, a.name, {}) for a in Area.objects.filter(survey=survey)}
    if by == "region":
        return {
            sr.region_id: (
                sr.region.code,
                sr.region.name,
                {"quota": sr.quota, "received": sr.received, "population": sr.region.population},
            )
            for sr in SurveyRegion.objects.filter(survey=survey).select_related("region")
        }
    if by == "department":
        ids = Question.objects.filter(survey=survey, department__isnull=False).values("department_id")
        return {d.pk: (d.code, d.name, {}) for d in Department.objects.filter(pk__in=ids)}
    questions = Question.objects.filter(survey=survey, kind=Question.Kind.SCALE).select_related("area", "department")
    return {
        q.pk: (
            str(q.pk),
            q.text,
            {"area": q.area.name if q.area else "", "department": q.department.name if q.department else ""},
        )
        for q in questions.order_by(F("area__order").asc(nulls_last=True), "area_id", "order", "id")
    }


def question_distribution(*, survey: Survey, published: bool = False) -> list[dict]:
    """Every question with its answer counts per option (from the stored aggregates: each
    respondent answers a question once, so a question's respondents are its answers)."""
    counts: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for (dimension, question, _region), hist in _hists(survey, _regions_received(survey)[1]).items():
        if dimension == "question":
            for (_m, _s, value), respondents in hist.items():
                counts[question][value] += respondents
    texts = dict(
        TextAnswer.objects.filter(survey=survey).values("question").annotate(c=Count("id")).values_list("question", "c")
    )
    minimum = min_group_size()
    out = []
    structure = survey_structure(survey=survey)
    for group in structure.groups:
        for q in group.questions:
            by_value = counts.get(q.id, {})
            total = sum(by_value.values()) if q.kind != "text" else texts.get(q.id, 0)
            hidden = published and total < minimum
            options = [
                {
                    "value": v,
                    "label": str(label),
                    "count": None if hidden else by_value.get(v, 0),
                    "share": None
                    if hidden or not total
                    else (Decimal(by_value.get(v, 0)) * 100 / Decimal(total)).quantize(Decimal("0.1")),
                }
                for v, label in q.options
            ]
            out.append(
                {
                    "id": q.id,
                    "number": q.number,
                    "text": q.text,
                    "kind": q.kind,
                    "group": group.title,
                    "total": None if hidden else total,
                    "hidden": hidden,
                    "options": options,
                }
            )
    return out


def text_answers(*, survey: Survey, question_id: int, limit: int = 200) -> list[str]:
    return list(
        TextAnswer.objects.filter(survey=survey, question_id=question_id)
        .order_by("-id")
        .values_list("text", flat=True)[:limit]
    )


# --- Link to scoring ------------------------------------------------------------------------


def _survey_for_indicator(*, year: int, survey_code: str | None, scope: str, code: str | None) -> Survey | None:
    qs = Survey.objects.exclude(status=Survey.Status.DRAFT)
    if survey_code:
        return qs.filter(code=survey_code).first()
    qs = qs.filter(year=year)
    if scope == "area":
        qs = qs.filter(areas__code=code)
    elif scope == "region":
        qs = qs.filter(regions__region__code=code)
    elif scope == "department":
        qs = qs.filter(questions__department__code=code, questions__kind=Question.Kind.SCALE)
    # Closed surveys first (final results), then the latest.
    return (
        Survey.objects.filter(pk__in=qs.values("pk"))
        .order_by(
            Case(When(status=Survey.Status.CLOSED, then=Value(0)), default=Value(1), output_field=IntegerField()),
            "-closes_on",
            "-id",
        )
        .first()
    )


# Scoring asks for every department (and the city, areas and regions) in turn: the figures of
# every scope come from the same stored aggregates as the results pages. An answer's area and
# department are its question's: a question cannot change once its survey has opened.


_SCOPES_CACHE: dict[tuple, dict] = {}


def _scope_hists(survey: Survey) -> dict:
    """{"overall": Hist, "area" | "region" | "department": {code: Hist}} of the survey's respondents,
    kept like the histograms while the survey's count of responses is unchanged."""
    _populations, received = _regions_received(survey)
    cache_key = (survey.pk, survey.public_key, received)
    found = _SCOPES_CACHE.get(cache_key)
    if found is not None:
        return found
    hists = _hists(survey, received)
    areas = dict(Area.objects.filter(survey=survey).values_list("pk", "code"))
    wanted = {k for (d, k, _r) in hists if d == "department"}
    departments = dict(Department.objects.filter(pk__in=wanted).values_list("pk", "code"))
    regions = dict(Region.objects.filter(pk__in={r for (_d, _k, r) in hists}).values_list("pk", "code"))
    out: dict = {"overall": {}, "area": defaultdict(dict), "region": defaultdict(dict), "department": defaultdict(dict)}
    for (dimension, key, region), hist in hists.items():
        if dimension == "overall":
            out["overall"] = hist_add(out["overall"], hist)
            out["region"][regions[region]] = hist_add(out["region"][regions[region]], hist)
        elif dimension == "area" and key in areas:
            out["area"][areas[key]] = hist_add(out["area"][areas[key]], hist)
        elif dimension == "department" and key in departments:
            code = departments[key]
            out["department"][code] = hist_add(out["department"][code], hist)
    if len(_SCOPES_CACHE) >= _HISTS_CACHE_SIZE:
        _SCOPES_CACHE.pop(next(iter(_SCOPES_CACHE)))
    _SCOPES_CACHE[cache_key] = out
    return out


def _scope_hist(survey: Survey, scope: str, code: str | None) -> Hist | None:
    hists = _scope_hists(survey)
    if scope == "overall":
        return hists["overall"]
    if scope in ("area", "region", "department"):
        return hists[scope].get(code, {})
    return None


@dataclass(frozen=True)
class SatisfactionInput:
    """A satisfaction indicator's figure for one department, with what scoring needs to judge it:
    the value (None while the group has fewer respondents than the minimum: 样本不足), the number of
    respondents, whether the figure is final (its survey closed) and the survey's code ("" when no
    survey covers the scope)."""

    value: Decimal | None
    respondents: int
    sufficient: bool
    final: bool
    survey_code: str


NO_SURVEY = SatisfactionInput(value=None, respondents=0, sufficient=False, final=False, survey_code="")


def _input_of(survey: Survey | None, hist: Hist | None, params: dict) -> SatisfactionInput:
    if survey is None or hist is None:
        return NO_SURVEY
    est = respondent_estimate(hist)
    sufficient = est.n > 0 and est.n >= min_group_size()
    value = (est.score if params.get("measure") == "score" else est.rate) if sufficient else None
    return SatisfactionInput(
        value=value,
        respondents=est.n,
        sufficient=sufficient,
        final=survey.status == Survey.Status.CLOSED,
        survey_code=survey.code,
    )


def indicator_input(*, year: int, params: dict, department_code: str | None) -> SatisfactionInput:
    """The figure (0–100) a ``satisfaction`` indicator is scored on, with its respondents.

    ``params`` as validated in indicators/methods.py: ``survey`` (a survey code, or None for the
    year's survey that covers the scope; closed surveys are preferred, then the latest),
    ``scope`` overall/area/region/department, ``scope_code`` (for department with no code: the
    assessed department), ``measure`` "rate" (the respondents' mean share of answers 4 or 5) or
    "score" (their mean answer × 20). Unweighted, per respondent; a group below the minimum
    published size gives no value (样本不足), as its results are not published either.
    """
    scope = params.get("scope") or "overall"
    code = str(params.get("scope_code") or "").strip() or None
    if scope == "department" and not code:
        code = department_code
    if scope != "overall" and not code:
        return NO_SURVEY
    survey = _survey_for_indicator(year=year, survey_code=params.get("survey") or None, scope=scope, code=code)
    if survey is None:
        return NO_SURVEY
    return _input_of(survey, _scope_hist(survey, scope, code), params)


def indicator_value(*, year: int, params: dict, department_code: str | None) -> Decimal | None:
    """``indicator_input``'s value alone."""
    return indicator_input(year=year, params=params, department_code=department_code).value


def indicator_inputs(*, year: int, params: dict, department_codes) -> dict[str, SatisfactionInput]:
    """``indicator_input`` for many departments at once, in a constant number of queries.

    Only a department-scoped indicator without a code or a survey of its own depends on the
    department; its survey is chosen per department by the same rule (the year's surveys that
    rate it, closed first, then the latest closing date, then the newest).
    """
    codes = sorted({c for c in department_codes if c})
    scope = params.get("scope") or "overall"
    own = scope == "department" and not str(params.get("scope_code") or "").strip()
    if not own or params.get("survey"):
        if not own:
            figure = indicator_input(year=year, params=params, department_code=None)
            return dict.fromkeys(codes, figure)
        survey = _survey_for_indicator(year=year, survey_code=params["survey"], scope=scope, code=None)
        return {
            c: NO_SURVEY if survey is None else _input_of(survey, _scope_hist(survey, scope, c), params) for c in codes
        }
    rated = (
        Question.objects.filter(
            survey__year=year, kind=Question.Kind.SCALE, department__code__in=codes, department__isnull=False
        )
        .exclude(survey__status=Survey.Status.DRAFT)
        .values_list("department__code", "survey_id", "survey__status", "survey__closes_on")
        .distinct()
    )
    best: dict[str, tuple] = {}
    for code, survey_id, status, closes_on in rated:
        rank = (0 if status == Survey.Status.CLOSED else 1, -closes_on.toordinal(), -survey_id)
        if code not in best or rank < best[code][0]:
            best[code] = (rank, survey_id)
    surveys = Survey.objects.in_bulk({survey_id for _rank, survey_id in best.values()})
    out = {}
    for c in codes:
        if c not in best:
            out[c] = NO_SURVEY
            continue
        survey = surveys[best[c][1]]
        out[c] = _input_of(survey, _scope_hist(survey, "department", c), params)
    return out


def indicator_values(*, year: int, params: dict, department_codes) -> dict[str, Decimal | None]:
    """``indicator_inputs``' values alone."""
    return {
        c: f.value for c, f in indicator_inputs(year=year, params=params, department_codes=department_codes).items()
    }


def department_estimates(*, year: int) -> tuple[Survey | None, dict[str, Estimate]]:
    """Each rated department's satisfaction (rate, score, 95 % intervals, respondents) in the year's
    survey that rates departments — closed surveys first, like ``indicator_input``. For internal
    review pages: small groups are included; callers mark those under ``min_group_size()``."""
    rated = Survey.objects.exclude(status=Survey.Status.DRAFT).filter(
        year=year, questions__department__isnull=False, questions__kind=Question.Kind.SCALE
    )
    survey = (
        Survey.objects.filter(pk__in=rated.values("pk"))
        .order_by(
            Case(When(status=Survey.Status.CLOSED, then=Value(0)), default=Value(1), output_field=IntegerField()),
            "-closes_on",
            "-id",
        )
        .first()
    )
    if survey is None:
        return None, {}
    return survey, {code: respondent_estimate(hist) for code, hist in _scope_hists(survey)["department"].items()}


def department_rating(*, department_id: int, survey_ids) -> dict[int, Estimate]:
    """A department's own rating (the questions that rate it) per survey, per respondent."""
    out: dict[int, Hist] = defaultdict(dict)
    rows = ResultCell.objects.filter(
        survey_id__in=list(survey_ids), dimension="department", key=department_id, respondents__gt=0
    ).values_list("survey_id", "m", "s", "v", "respondents")
    for survey_id, m, s, v, n in rows:
        out[survey_id] = hist_add(out[survey_id], {(m, s, v): n})
    return {survey_id: respondent_estimate(hist) for survey_id, hist in out.items()}
