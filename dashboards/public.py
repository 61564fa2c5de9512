"""The public disclosure page's content (公开): published information only, as tables.

What is public: published annual scores with grade, rank and category subtotals; the targets
assigned to each department by a plan under way; approved budget projects with their targets
and, once evaluated, their evaluation; and the results of closed surveys, with groups below
the minimum size hidden exactly as the satisfaction app hides them. Never an unpublished score,
a draft, a person's name, or anything per respondent.

Built with a constant number of queries and cached per year and language (see signals.py).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from assessments.inputs import provisional_note
from assessments.models import Publication
from budgets import department_selectors as budget_disclosure
from budgets.choices import BudgetDimension, Operator
from budgets.models import DisclosurePart
from core.numbers import chart_number, plain, yuan_to_wan
from indicators.choices import Direction
from organizations.models import Department
from satisfaction import selectors as survey_selectors
from satisfaction.models import Survey

from . import selectors
from .panels.common import (
    GRADE_LABELS,
    category_percents,
    satisfaction_cells,
    satisfaction_columns,
)
from .signals import public_version
from .tables import Column, Table

logger = logging.getLogger(__name__)

CACHE_SECONDS = getattr(settings, "PUBLIC_CACHE_SECONDS", 600)
DIRECTIONS = dict(Direction.choices)
OPERATORS = dict(Operator.choices)
DIMENSIONS = dict(BudgetDimension.choices)


@dataclass
class PublicPage:
    year: int
    tables: dict[str, Table] = field(default_factory=dict)
    charts: dict[str, dict] = field(default_factory=dict)
    facts: dict = field(default_factory=dict)
    surveys: list[dict] = field(default_factory=list)
    downloads_only: tuple[str, ...] = ()


def _cached(key: str, build):
    """``build()`` cached under the current public version; built afresh while the cache is down."""
    version = public_version()
    if version is None:
        return build()
    full = f"dashboards:public:{version}:{get_language()}:{key}"
    try:
        value = cache.get(full)
    except Exception as exc:
        logger.warning("public cache unavailable (%s)", exc)
        return build()
    if value is None:
        value = build()
        try:
            cache.set(full, value, CACHE_SECONDS)
        except Exception as exc:
            logger.warning("could not store a public page in the cache (%s)", exc)
    return value


def years() -> list[int]:
    return _cached("years", selectors.public_years)


def default_year() -> int | None:
    return _cached("default-year", lambda: selectors.default_public_year(years()))


def year_page(year: int) -> PublicPage:
    return _cached(f"year:{year}", lambda: _build_year(year))


def department_page(year: int, department: Department) -> PublicPage:
    return _cached(f"year:{year}:{department.code}", lambda: _build_department(year, department))


# --- Tables ----------------------------------------------------------------------------------


def _scores_table(year: int, scores, categories) -> Table:
    by_code = [{c["code"]: Decimal(str(c["score"])) for c in s.categories} for s in scores]
    return Table(
        "scores",
        _("Published results of the %(year)s assessment") % {"year": year},
        [
            Column(_("Department")),
            Column(_("Ranking group")),
            Column(_("Rank in group"), "int"),
            Column(_("Total"), "points"),
            Column(_("Grade")),
            *[Column(f"{c.name} ({plain(c.points)})", "points") for c in categories],
            Column(_("Provisional")),
        ],
        [
            [
                s.department.name,
                s.group.name if s.group else "",
                s.rank,
                s.total,
                s.grade_label,
                *[own.get(c.code) for c in categories],
                provisional_note(s),
            ]
            for s, own in zip(scores, by_code, strict=True)
        ],
    )


def _target_text(direction: str, basic, upper, unit: str) -> str:
    if basic is None:
        return ""
    if direction == Direction.RANGE:
        return f"{plain(basic)}–{plain(upper)} {unit}".strip()
    if direction == Direction.BOOL:
        return str(DIRECTIONS[Direction.BOOL])
    return f"{DIRECTIONS.get(direction, '')} {plain(basic)} {unit}".strip()


def _targets_table(year: int, assignments, with_department: bool) -> Table:
    columns = [Column(_("Department"))] if with_department else []
    columns += [
        Column(_("Indicator")),
        Column(_("Category")),
        Column(_("Basic target")),
        Column(_("Challenge target")),
        Column(_("Points"), "points"),
    ]
    rows = []
    for a in assignments:
        ind = a.indicator
        row = [a.department.name] if with_department else []
        row += [
            ind.name,
            ind.category.name,
            _target_text(ind.direction, a.basic_target, a.range_upper, ind.unit),
            _target_text(ind.direction, a.challenge_target, None, ind.unit) if a.challenge_target is not None else "",
            ind.points,
        ]
        rows.append(row)
    return Table("targets", _("Assigned indicators and targets, %(year)s") % {"year": year}, columns, rows)


def _projects_table(year: int, projects, with_department: bool) -> Table:
    columns = [Column(_("Department"))] if with_department else []
    columns += [
        Column(_("Project")),
        Column(_("Budget (10k yuan)"), "wan"),
        Column(_("Evaluation score"), "points"),
        Column(_("Evaluation grade")),
        Column(_("Execution rate at evaluation (percent)"), "pct"),
    ]
    rows = []
    for p in projects:
        row = [p.department.name] if with_department else []
        row += [
            p.name,
            yuan_to_wan(p.amount),
            p.eval_total,
            str(GRADE_LABELS[p.eval_grade]) if p.eval_grade in GRADE_LABELS else _("not evaluated yet"),
            None if p.eval_rate is None else Decimal(p.eval_rate).quantize(Decimal("0.1")),
        ]
        rows.append(row)
    return Table("budget", _("Approved budget projects, %(year)s") % {"year": year}, columns, rows)


def _budget_targets_table(year: int, projects, targets, with_department: bool) -> Table:
    evaluated = {p.pk for p in projects if p.eval_total is not None}
    columns = [Column(_("Department"))] if with_department else []
    columns += [
        Column(_("Project")),
        Column(_("Dimension")),
        Column(_("Target")),
        Column(_("Target value")),
        Column(_("Year-end value")),
    ]
    rows = []
    for t in targets:
        row = [t.project.department.name] if with_department else []
        actual = plain(t.actual) if t.actual is not None and t.project_id in evaluated else ""
        if t.not_applicable and t.project_id in evaluated:
            actual = str(_("not applicable"))
        row += [
            t.project.name,
            str(DIMENSIONS.get(t.dimension, t.dimension)),
            t.name,
            t.target_text,
            f"{actual} {t.unit}".strip() if actual else "",
        ]
        rows.append(row)
    return Table(
        "budget_targets", _("Performance targets of approved budget projects, %(year)s") % {"year": year}, columns, rows
    )


def _survey_tables(survey: Survey) -> dict:
    out = {"code": survey.code, "title": survey.title, "tables": []}
    for by, first, caption in (
        ("overall", _("All answers"), _("overall")),
        ("area", _("Area"), _("by area")),
        ("region", _("Region"), _("by region")),
    ):
        results = survey_selectors.survey_results(survey=survey, by=by, published=True)
        table = Table(
            f"survey-{survey.code}-{by}",
            f"{survey.title}: {caption}",
            satisfaction_columns(first),
            [
                [r.label if by != "overall" else first, *satisfaction_cells(r.estimate, r.hidden, r.insufficient)]
                for r in results
            ],
        )
        out["tables"].append(table)
        if by == "area":
            out["chart"] = {
                **survey_selectors.results_chart(results),
                "text": {
                    "rate": _("Satisfaction rate (percent)"),
                    "interval": _("95 percent interval"),
                    "score": _("Score"),
                },
            }
    return out


def _closed_surveys(year: int) -> list[Survey]:
    return list(Survey.objects.filter(year=year, status=Survey.Status.CLOSED).order_by("-closes_on", "-id"))


def _disclosed(year: int, projects: list) -> tuple[list, list]:
    """The projects and their targets as far as they are disclosed (docs/budgets.md, section 6): a
    project whose self-evaluation is withheld shows no evaluation and no year-end values, one whose
    targets are withheld shows no targets; their reasons are on the disclosure pages."""
    no_eval = budget_disclosure.withheld_project_ids(year=year, part=DisclosurePart.SELF_EVALUATION)
    no_targets = budget_disclosure.withheld_project_ids(year=year, part=DisclosurePart.TARGETS)
    for p in projects:
        if p.pk in no_eval:
            p.eval_total = p.eval_grade = p.eval_rate = None
    shown = [p for p in projects if p.pk not in no_targets]
    return projects, selectors.public_targets(projects=shown)


# --- Pages -----------------------------------------------------------------------------------


def _build_year(year: int) -> PublicPage:
    page = PublicPage(year=year, downloads_only=("targets", "budget_targets"))
    plan = selectors.public_plan(year=year)
    scores = selectors.public_scores(year=year)
    categories = selectors.top_categories(plan=plan) if plan else []
    page.tables["scores"] = _scores_table(year, scores, categories)
    groups: dict = {}
    for s in scores:
        g = groups.setdefault(
            s.group_id, {"name": s.group.name if s.group else "", "departments": [], "totals": [], "ranks": []}
        )
        g["departments"].append(s.department.name)
        g["totals"].append(chart_number(s.total))
        g["ranks"].append(s.rank)
    page.charts["scores"] = {"items": list(groups.values()), "text": {"total": _("Total"), "rank": _("Rank")}}
    page.facts["groups"] = [g["name"] for g in groups.values()]
    page.facts["published"] = bool(scores)
    page.facts["plan"] = plan is not None
    publication = Publication.objects.filter(plan=plan, period="annual").first() if plan else None
    page.facts["waiver"] = publication.waiver if publication else ""
    page.tables["targets"] = _targets_table(year, selectors.public_assignments(plan=plan) if plan else [], True)
    projects, targets = _disclosed(year, selectors.approved_projects(years=[year], published_only=True))
    page.tables["budget"] = _projects_table(year, projects, True)
    page.tables["budget_targets"] = _budget_targets_table(year, projects, targets, True)
    page.surveys = [_survey_tables(s) for s in _closed_surveys(year)]
    for s in page.surveys:
        for t in s["tables"]:
            page.tables[t.key] = t
    page.facts["departments"] = [
        (d.code, d.name, d.group.name if d.group else "") for d in selectors.public_departments()
    ]
    page.facts["min_size"] = survey_selectors.min_group_size()
    return page


def _build_department(year: int, department: Department) -> PublicPage:
    page = PublicPage(year=year)
    plan = selectors.public_plan(year=year)
    scores = selectors.public_scores(year=year, department=department)
    score = scores[0] if scores else None
    if score is not None:
        percents = category_percents(score)
        page.facts["score"] = {
            "total": score.total,
            "grade": score.grade_label,
            "rank": score.rank,
            "group": score.group.name if score.group else "",
            "vetoed": score.vetoed,
            "published_at": score.published_at,
            "provisional": provisional_note(score),
        }
        page.tables["score"] = Table(
            "score",
            _("%(department)s: published %(year)s result by category") % {"department": department.name, "year": year},
            [
                Column(_("Category")),
                Column(_("Points"), "points"),
                Column(_("Score"), "points"),
                Column(_("Percent of points"), "pct"),
            ],
            [
                [c["name"], Decimal(str(c["points"])), Decimal(str(c["score"])), percents.get(c["code"])]
                for c in score.categories
            ],
        )
        page.charts["score"] = {
            "indicators": [{"name": c["name"], "max": 100} for c in score.categories],
            "series": [
                {"name": str(year), "values": [chart_number(percents.get(c["code"])) for c in score.categories]}
            ],
            "text": {"unit": _("percent of points")},
        }
    else:
        page.tables["score"] = Table("score", _("Published result by category"), [Column(_("Category"))], [])
    page.facts["plan"] = plan is not None
    page.tables["targets"] = _targets_table(
        year, selectors.public_assignments(plan=plan, department=department) if plan else [], False
    )
    projects, targets = _disclosed(
        year, selectors.approved_projects(years=[year], department=department, published_only=True)
    )
    page.tables["budget"] = _projects_table(year, projects, False)
    page.tables["budget_targets"] = _budget_targets_table(year, projects, targets, False)
    rows = selectors.department_satisfaction(department=department, years=[year], closed_only=True)
    page.tables["satisfaction"] = Table(
        "satisfaction",
        _("Residents' rating of %(department)s, %(year)s") % {"department": department.name, "year": year},
        satisfaction_columns(_("Survey")),
        [[r["survey"], *satisfaction_cells(r["estimate"], r["hidden"])] for r in rows],
    )
    page.facts["min_size"] = survey_selectors.min_group_size()
    return page
