"""The year's public method card (算法透明): generated from that year's library and plan, so it is
always exactly what was applied — categories and points, each indicator's method in plain words,
the deduction, bonus and veto rules, the grade bands and the top-grade quota, the rule for missing
inputs, and the survey method (docs/scoring.md, "The method card")."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from assessments.models import MissingPolicy, Plan, VetoRanking
from indicators.choices import RuleEffect
from indicators.describe import method_text, num, rule_text
from indicators.models import Category, GradeBand, Indicator, Rule


@dataclass
class CardCategory:
    name: str
    points: Decimal
    depth: int
    indicators: list[dict] = field(default_factory=list)


@dataclass
class MethodCard:
    year: int
    plan_name: str
    categories: list[CardCategory]
    rules: list[dict]
    vetoes: list[dict]
    bands: list[dict]
    facts: list[tuple[str, str]]
    survey: list[str]


def method_card(plan: Plan) -> MethodCard:
    """The card of the plan's year, in a constant number of queries."""
    library = plan.library
    categories = _categories(library)
    rules, vetoes = _rules(library)
    bands = [
        {"label": b.label, "min": b.min_score} for b in GradeBand.objects.filter(library=library).order_by("-min_score")
    ]
    return MethodCard(plan.year, plan.name, categories, rules, vetoes, bands, _facts(plan, bands), _survey())


def _categories(library) -> list[CardCategory]:
    """The categories in tree order (each after its parent), each with its indicators in plain words."""
    cats = list(Category.objects.filter(library=library).order_by("order", "code"))
    children: dict[int | None, list[Category]] = {}
    for c in cats:
        children.setdefault(c.parent_id, []).append(c)
    indicators: dict[int, list[Indicator]] = {}
    for ind in Indicator.objects.filter(library=library, is_active=True).order_by("order", "code"):
        indicators.setdefault(ind.category_id, []).append(ind)
    ordered: list[CardCategory] = []

    def walk(parent, depth):
        for c in children.get(parent, []):
            entry = CardCategory(c.name, c.points, depth)
            entry.indicators.extend(_indicator_row(ind) for ind in indicators.get(c.pk, []))
            ordered.append(entry)
            walk(c.pk, depth + 1)

    walk(None, 0)
    return ordered


def _indicator_row(ind: Indicator) -> dict:
    return {
        "name": ind.name,
        "points": ind.points,
        "method": ind.get_method_display(),
        "applies": ind.get_applicability_display(),
        "text": method_text(
            method=ind.method,
            direction=ind.direction,
            points=ind.points,
            basic=ind.basic_target,
            challenge=ind.challenge_target,
            upper=ind.range_upper,
            params=ind.params,
            unit=ind.unit,
        ),
    }


def _rules(library) -> tuple[list[dict], list[dict]]:
    """The deduction and bonus rules, and apart from them the vetoes."""
    rules, vetoes = [], []
    for r in Rule.objects.filter(library=library, is_active=True).select_related("indicator").order_by("order", "code"):
        row = {
            "name": r.name,
            "kind": r.get_kind_display(),
            "scope": r.indicator.name if r.indicator_id else _("Department"),
            "text": rule_text(
                kind=r.kind,
                effect=r.effect,
                points=r.points,
                cap=r.cap,
                indicator=r.indicator.name if r.indicator_id else "",
            ),
        }
        (vetoes if r.effect == RuleEffect.VETO else rules).append(row)
    return rules, vetoes


def _facts(plan: Plan, bands: list[dict]) -> list[tuple[str, str]]:
    """The plan's rules beside the indicators: quota, bonus cap, missing inputs, vetoes, ties, rounding, appeals."""
    return [
        (
            _("Grade quota"),
            _("At most %(share)s%% of a ranking group may be graded %(top)s.")
            % {"share": num(plan.top_grade_share), "top": bands[0]["label"] if bands else ""}
            if plan.top_grade_share is not None
            else _("No quota on the top grade."),
        ),
        (
            _("Bonus points"),
            _("At most %(cap)s bonus points a year.") % {"cap": num(plan.bonus_cap)}
            if plan.bonus_cap is not None
            else _("Bonus points are capped only by each rule's own cap."),
        ),
        (_("Input missing after the deadline"), POLICY_TEXT[plan.missing_policy]()),
        (
            _("Inputs not yet approved"),
            _(
                "A score resting on a value filed but not yet approved, an ungraded indicator, a survey still running "
                "or an input carried over is provisional (暂定) and is shown as such. A qualitative indicator not yet "
                "graded is left out, never counted as 0. An input the supervision office declared not applicable is "
                "left out, and the other indicators of its category are rescaled to the category's points."
            ),
        ),
        (_("Vetoed departments"), VETO_TEXT[plan.veto_ranking]()),
        (_("Equal totals"), _("Equal totals share a rank (1, 2, 2, 4).")),
        (_("Rounding"), _("Each ledger line is rounded to two decimals, half up; totals are sums of the lines.")),
        (
            _("Appeals"),
            _("A department may appeal a line of its published score within %(n)s days.")
            % {"n": plan.appeal_window_days},
        ),
    ]


def _survey() -> list[str]:
    """How the satisfaction survey is counted."""
    return [
        _("Each respondent counts once: a group's sample is its number of respondents, not of answers."),
        _(
            "A group's satisfaction rate is the mean, over its respondents, of each respondent's share of answers "
            "of 4 (satisfied) or 5 (very satisfied); its score is the mean answer × 20."
        ),
        _(
            "The 95 percent interval comes from the variance between respondents (Wilson's interval where each "
            "respondent answers one question); population weights by region apply per respondent."
        ),
        _("A group with fewer than %(n)s respondents is shown as 样本不足 and feeds no indicator score.")
        % {"n": settings.SATISFACTION_MIN_GROUP_SIZE},
    ]


POLICY_TEXT = {
    MissingPolicy.ZERO: lambda: _("It scores 0, on a line of the ledger that says so."),
    MissingPolicy.EXCLUDE: lambda: _(
        "It is left out, and the other indicators of its category are rescaled to the category's points; "
        "the ledger says so."
    ),
    MissingPolicy.HOLD: lambda: _(
        "The department's score is held, without grade or rank, until the input is filed or declared not applicable."
    ),
}
VETO_TEXT = {
    VetoRanking.LAST: lambda: _(
        "A vetoed department gets the lowest grade and ranks after every department of its group without a veto."
    ),
    VetoRanking.EXCLUDE: lambda: _("A vetoed department gets the lowest grade and is left out of the ranking."),
}
