"""The link to scoring: a survey's results as the input of a satisfaction indicator."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, IntegerField, Value, When

from organizations.models import Department, Region

from ..models import Area, Question, ResultCell, Survey
from ..stats import Estimate, Hist, hist_add, respondent_estimate
from .results import _HISTS_CACHE_SIZE, _hists, _regions_received, min_group_size

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
