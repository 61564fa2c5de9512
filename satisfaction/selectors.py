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

from .answers import Group, QuestionSpec, Structure, code_hash, options_for
from .models import AccessCode, Answer, Area, Choice, Question, Survey, SurveyRegion, TextAnswer
from .stats import Cell, Estimate, estimate, weighted_estimate

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
    hidden: bool = False
    extra: dict = field(default_factory=dict)


def min_group_size() -> int:
    return settings.SATISFACTION_MIN_GROUP_SIZE


AGGREGATES = {
    "n": Count("id"),
    "satisfied": Count("id", filter=Q(value__gte=4)),
    "total": Sum("value"),
    "total_sq": Sum(F("value") * F("value"), output_field=IntegerField()),
}


# The results pages read every answer of a survey once: counts by (question, region, scale,
# value) — a few thousand rows however many answers — give every grouping and the per-option
# distribution. They are kept while the survey's count of accepted responses (raised in the same
# transaction as each response) is unchanged, so a new answer is always seen.
_COUNTS_CACHE: dict[tuple, list[tuple]] = {}
_COUNTS_CACHE_SIZE = 8


def _regions_received(survey: Survey) -> tuple[dict[int, int | None], int]:
    """Population of each sampled region, and the responses received so far (one query)."""
    rows = SurveyRegion.objects.filter(survey=survey).values_list("region_id", "region__population", "received")
    return {r: pop for r, pop, _n in rows}, sum(n for _r, _p, n in rows)


def _value_counts(survey: Survey, received: int) -> list[tuple[int, int, bool, int, int]]:
    """(question, region, scale, value, count) of the survey's answers, from one scan."""
    key = (survey.pk, survey.public_key, received)
    rows = _COUNTS_CACHE.get(key)
    if rows is None:
        rows = list(
            Answer.objects.filter(survey=survey)
            .values("question", "region", "scale", "value")
            .annotate(c=Count("id"))
            .order_by()
            .values_list("question", "region", "scale", "value", "c")
        )
        if len(_COUNTS_CACHE) >= _COUNTS_CACHE_SIZE:
            _COUNTS_CACHE.pop(next(iter(_COUNTS_CACHE)))
        _COUNTS_CACHE[key] = rows
    return rows


def _question_region_cells(survey: Survey, received: int) -> dict[tuple[int, int], Cell]:
    """n, satisfied, Σv and Σv² of the 1–5 answers per question and region. Area and department
    follow from the question, so every grouping is a sum of these cells (a few hundred rows),
    and the answers are scanned once however many groupings are shown.
    """
    sums: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for question, region, scale, value, count in _value_counts(survey, received):
        if scale and value >= 1:
            cell = sums[(question, region)]
            cell[0] += count
            cell[1] += count if value >= 4 else 0
            cell[2] += count * value
            cell[3] += count * value * value
    return {key: Cell(*cell) for key, cell in sums.items()}


def _group(cells: dict[tuple[int, int], Cell], by: str, questions: dict[int, tuple]) -> dict[object, dict[int, Cell]]:
    """Cells of each group of ``by``, per region (for weighting)."""
    out: dict[object, dict[int, Cell]] = defaultdict(dict)
    for (qid, rid), cell in cells.items():
        area_id, department_id = questions.get(qid, (None, None))
        key = {"overall": None, "area": area_id, "department": department_id, "question": qid, "region": rid}[by]
        if key is None and by != "overall":
            continue
        out[key][rid] = out[key].get(rid, Cell()) + cell
    return out


def _combine(cells: dict[int, Cell]) -> Cell:
    total = Cell()
    for c in cells.values():
        total = total + c
    return total


def survey_results(
    *, survey: Survey, by: str = "overall", weighted: bool = False, published: bool = False
) -> list[ResultRow]:
    """Rate, score, n and 95 percent intervals per group of ``by``.

    ``by``: overall, area, region, department or question (satisfaction questions).
    ``weighted``: add the population-weighted figures (post-stratification by region).
    ``published``: groups with fewer answers than SATISFACTION_MIN_GROUP_SIZE are hidden
    (their figures are removed, not just flagged).
    """
    return survey_results_all(survey=survey, dimensions=(by,), weighted=weighted, published=published)[by]


def results_chart(rows: list[ResultRow]) -> dict:
    """The chart of a results section: the groups shown (not hidden, with answers), their rates
    with the 95 percent interval and their scores, as numbers for the chart library."""
    shown = [r for r in rows if not r.hidden and r.estimate.n]
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
    """``survey_results`` for several groupings from a single scan of the answers."""
    for by in dimensions:
        if by not in DIMENSIONS:
            raise ValueError(by)
    populations, received = _regions_received(survey)
    cells = _question_region_cells(survey, received)
    questions = {
        pk: (area_id, department_id)
        for pk, area_id, department_id in Question.objects.filter(survey=survey).values_list(
            "pk", "area_id", "department_id"
        )
    }
    pops = populations if weighted else {}
    minimum = min_group_size()
    out = {}
    for by in dimensions:
        grouped = _group(cells, by, questions)
        labels = _labels(survey, by)
        rows = []
        for key in labels:
            group_cells = grouped.get(key, {})
            est = estimate(_combine(group_cells))
            w = weighted_estimate(group_cells, pops).estimate if weighted and by != "region" else None
            code, label, extra = labels[key]
            hidden = published and est.n < minimum
            if hidden:
                est, w = Estimate(n=0), None
            rows.append(
                ResultRow(key=key, code=code, label=label, estimate=est, weighted=w, hidden=hidden, extra=extra)
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
    """Every question with its answer counts per option (one SQL aggregate for all questions)."""
    counts: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for question, _region, _scale, value, count in _value_counts(survey, _regions_received(survey)[1]):
        counts[question][value] += count
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
# every scope come from the same counts as the results pages (one scan of the answers, kept until
# a new response arrives). An answer's area and department are its question's: they are copied
# from it when the answer is stored, and a question cannot change once its survey has opened.
_CELLS_CACHE: dict[tuple, dict] = {}
_CELLS_CACHE_SIZE = 8


def _scope_cells(survey: Survey) -> dict:
    """{"overall": Cell, "area" | "region" | "department": {code: Cell}} of the survey's 1–5 answers."""
    _populations, received = _regions_received(survey)
    key = (survey.pk, survey.public_key, received)
    cached = _CELLS_CACHE.get(key)
    if cached is not None:
        return cached
    counts = _value_counts(survey, received)
    questions = {
        pk: (area, department)
        for pk, area, department in Question.objects.filter(survey=survey).values_list(
            "pk", "area__code", "department__code"
        )
    }
    regions = dict(Region.objects.filter(pk__in={r for _q, r, _s, _v, _c in counts}).values_list("pk", "code"))
    sums: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for question, region, scale, value, count in counts:
        if not scale or value < 1:
            continue
        area, department = questions[question]
        for group in (("overall", None), ("area", area), ("region", regions[region]), ("department", department)):
            if group[0] != "overall" and group[1] is None:
                continue
            cell = sums[group]
            cell[0] += count
            cell[1] += count if value >= 4 else 0
            cell[2] += count * value
            cell[3] += count * value * value
    out: dict = {
        "overall": Cell(*sums.pop(("overall", None), [0, 0, 0, 0])),
        "area": {},
        "region": {},
        "department": {},
    }
    for (scope, code), cell in sums.items():
        out[scope][code] = Cell(*cell)
    if len(_CELLS_CACHE) >= _CELLS_CACHE_SIZE:
        _CELLS_CACHE.pop(next(iter(_CELLS_CACHE)))
    _CELLS_CACHE[key] = out
    return out


def _department_cells(survey: Survey) -> dict[str, Cell]:
    return _scope_cells(survey)["department"]


def _scope_cell(survey: Survey, scope: str, code: str | None) -> Cell | None:
    cells = _scope_cells(survey)
    if scope == "overall":
        return cells["overall"]
    if scope in ("area", "region", "department"):
        return cells[scope].get(code, Cell())
    return None


def _value_of(cell: Cell | None, params: dict) -> Decimal | None:
    if cell is None:
        return None
    est = estimate(cell)
    if est.n == 0 or est.n < min_group_size():
        return None
    return est.score if params.get("measure") == "score" else est.rate


def indicator_value(*, year: int, params: dict, department_code: str | None) -> Decimal | None:
    """The value (0–100) a ``satisfaction`` indicator is scored on, or None when there is none yet.

    ``params`` as validated in indicators/methods.py: ``survey`` (a survey code, or None for the
    year's survey that covers the scope; closed surveys are preferred, then the latest),
    ``scope`` overall/area/region/department, ``scope_code`` (for department with no code: the
    assessed department), ``measure`` "rate" (percent answering 4 or 5) or "score" (mean × 20).
    Unweighted figures over the 1–5 answers; groups below the minimum published size give None,
    as their results are not published either.
    """
    scope = params.get("scope") or "overall"
    code = str(params.get("scope_code") or "").strip() or None
    if scope == "department" and not code:
        code = department_code
    if scope != "overall" and not code:
        return None
    survey = _survey_for_indicator(year=year, survey_code=params.get("survey") or None, scope=scope, code=code)
    if survey is None:
        return None
    return _value_of(_scope_cell(survey, scope, code), params)


def indicator_values(*, year: int, params: dict, department_codes) -> dict[str, Decimal | None]:
    """``indicator_value`` for many departments at once, in a constant number of queries.

    Only a department-scoped indicator without a code or a survey of its own depends on the
    department; its survey is chosen per department by the same rule (the year's surveys that
    rate it, closed first, then the latest closing date, then the newest).
    """
    codes = sorted({c for c in department_codes if c})
    scope = params.get("scope") or "overall"
    own = scope == "department" and not str(params.get("scope_code") or "").strip()
    if not own or params.get("survey"):
        if not own:
            value = indicator_value(year=year, params=params, department_code=None)
            return dict.fromkeys(codes, value)
        survey = _survey_for_indicator(year=year, survey_code=params["survey"], scope=scope, code=None)
        return {c: None if survey is None else _value_of(_scope_cell(survey, scope, c), params) for c in codes}
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
    return {
        c: _value_of(_scope_cell(surveys[best[c][1]], "department", c), params) if c in best else None for c in codes
    }


def department_estimates(*, year: int) -> tuple[Survey | None, dict[str, Estimate]]:
    """Each rated department's satisfaction (rate, score, 95 % intervals, n) in the year's survey that
    rates departments — closed surveys first, like ``indicator_value``. For internal review pages:
    small groups are included; callers mark those under ``min_group_size()``."""
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
    return survey, {code: estimate(cell) for code, cell in _department_cells(survey).items()}


@dataclass(frozen=True)
class SatisfactionInput:
    """A satisfaction indicator's figure for one department, with what scoring needs to judge it."""

    value: Decimal | None
    respondents: int
    sufficient: bool
    final: bool
    survey_code: str | None


def indicator_inputs(*, year: int, params: dict, department_codes) -> dict[str, SatisfactionInput]:
    """``indicator_values`` with whether each figure is final (its survey closed)."""
    values = indicator_values(year=year, params=params, department_codes=department_codes)
    closed = Survey.objects.filter(year=year, status=Survey.Status.CLOSED).exists()
    return {
        code: SatisfactionInput(
            value=value,
            respondents=0,
            sufficient=value is not None,
            final=closed,
            survey_code="" if value is None else "?",
        )
        for code, value in values.items()
    }
