"""Survey results: SQL aggregates by dimension, never loops over answers, small groups hidden."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, F

from core.numbers import chart_number
from organizations.models import Department

from ..aggregates import histograms
from ..models import Area, Question, Survey, SurveyRegion, TextAnswer
from ..stats import Estimate, Hist, hist_add, respondent_estimate, weighted_respondent_estimate
from .surveys import DIMENSIONS, survey_structure

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
