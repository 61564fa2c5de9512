"""Read-only aggregates for the dashboards, reports and the public disclosure page.

Everything here is a constant number of queries whatever the number of departments: rows are
read with one query per kind of data and combined in Python. Scoping to the user happens in
the views (who may see which department); the public functions read published data only.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Case, CharField, Count, F, IntegerField, Max, OuterRef, Q, Subquery, Sum, Value, When
from django.utils import timezone

from assessments.models import Assignment, Entry, Plan, Publication, Score
from assessments.scoring import HELD_CODE
from assessments.selectors import reporting_health
from budgets.choices import EvaluationStatus, ProjectStatus, RecommendationKind
from budgets.models import BudgetProject, BudgetTarget, Evaluation, Recommendation, SpendingRecord
from indicators.models import Category
from organizations.models import Department, RankingGroup
from satisfaction.models import Survey
from satisfaction.selectors import department_rating, min_group_size
from satisfaction.stats import Estimate

ZERO = Decimal(0)
QUARTERS = ("Q1", "Q2", "Q3", "Q4")
PERIOD_ORDER = {"Q1": 1, "Q2": 2, "Q3": 3, "Q4": 4, "annual": 5}


# --- Plans, periods, groups ------------------------------------------------------------------


def plans_list() -> list[Plan]:
    return list(Plan.objects.select_related("library").order_by("-year"))


def default_plan(plans: list[Plan], today: dt.date | None = None) -> Plan | None:
    """This year's plan, else the latest active one, else the latest."""
    today = today or timezone.localdate()
    for p in plans:
        if p.year == today.year:
            return p
    active = [p for p in plans if p.status == Plan.Status.ACTIVE]
    return (active or plans or [None])[0]


def periods_with_scores(*, plan: Plan) -> list[str]:
    """The periods of the plan that have scores, Q1 … Q4 then annual."""
    periods = set(Score.objects.filter(plan=plan).values_list("period", flat=True).distinct())
    return sorted(periods, key=PERIOD_ORDER.get)


def groups_list() -> list[RankingGroup]:
    return list(RankingGroup.objects.order_by("order", "code"))


def top_categories(*, plan: Plan) -> list[Category]:
    """The plan's top-level categories (the radar's axes), in the library's order."""
    return list(Category.objects.filter(library_id=plan.library_id, parent__isnull=True).order_by("order", "code"))


# --- Scores ----------------------------------------------------------------------------------


def scores_of(
    *, plan: Plan, period: str, group: RankingGroup | None = None, department: Department | None = None
) -> list[Score]:
    """Scores of a period with department and group, ordered by group and rank (one query)."""
    qs = Score.objects.filter(plan=plan, period=period).select_related("department", "group")
    if group is not None:
        qs = qs.filter(group=group)
    if department is not None:
        qs = qs.filter(department=department)
    return list(
        qs.order_by(
            F("group__order").asc(nulls_last=True), "group_id", F("rank").asc(nulls_last=True), "department__order"
        )
    )


def quarter_totals(*, plans: list[Plan], department: Department | None = None) -> list[dict]:
    """(year, period, department id, group id, total) of the quarterly and annual scores (one query).

    Held scores (too little to count yet, or the plan's hold policy) are left out: their totals are
    partial sums, not results, and would pull a trend down (docs/scoring.md)."""
    qs = Score.objects.filter(plan__in=plans).exclude(grade_code=HELD_CODE)
    if department is not None:
        qs = qs.filter(department=department)
    return list(qs.values("plan__year", "period", "department_id", "group_id", "total").order_by())


def score_for(*, year: int, period: str, department: Department) -> Score | None:
    return (
        Score.objects.filter(plan__year=year, period=period, department=department)
        .select_related("plan", "department", "group")
        .first()
    )


def group_size(*, score: Score) -> int:
    """How many departments are ranked with this one."""
    if score is None:
        return 0
    return Score.objects.filter(plan_id=score.plan_id, period=score.period, group_id=score.group_id).count()


# --- Progress against plan and reporting health ------------------------------------------


def progress_of(*, plan: Plan, department: Department, quarter: int) -> tuple[int | None, list[dict]]:
    """The department's assignments with planned and actual cumulative progress (two queries).

    The quarter shown is the one asked for or, when the department has not submitted it, the
    latest submitted quarter before it (a draft only when nothing was submitted yet).
    Returns (quarter shown, rows).
    """
    assignments = list(
        Assignment.objects.filter(plan=plan, department=department, is_active=True)
        .select_related("indicator__category")
        .order_by("indicator__category__order", "indicator__order", "indicator__code")
    )
    entries = list(
        Entry.objects.filter(
            report__quarter__plan=plan, report__department=department, report__quarter__number__lte=quarter
        ).values(
            "assignment_id",
            "report__quarter__number",
            "report__first_submitted_at",
            "progress_pct",
            "lag",
            "status_colour",
        )
    )
    # The latest quarter the department has submitted; a draft only when nothing was submitted yet.
    submitted = [e["report__quarter__number"] for e in entries if e["report__first_submitted_at"] is not None]
    reported = [e["report__quarter__number"] for e in entries if e["progress_pct"] is not None]
    shown = max(submitted or reported, default=None)
    by_assignment = {e["assignment_id"]: e for e in entries if e["report__quarter__number"] == shown}
    rows = []
    for a in assignments:
        e = by_assignment.get(a.pk)
        rows.append(
            {
                "assignment": a,
                "indicator": a.indicator,
                "planned": a.planned(shown or quarter),
                "actual": e["progress_pct"] if e else None,
                "lag": e["lag"] if e else None,
                "status": e["status_colour"] if e else "none",
            }
        )
    return shown, rows


def health_of(*, plan: Plan, group: RankingGroup | None = None, today: dt.date | None = None) -> dict:
    """Reporting health of the plan (assessments' aggregate), limited to a group when given."""
    health = reporting_health(plan=plan, today=today)
    departments = health["departments"]
    if group is not None:
        departments = [d for d in departments if d.group_id == group.pk]
    totals = {}
    for q in health["quarters"]:
        t = {"expected": 0, "on_time": 0, "late": 0, "missing": 0, "pending": 0}
        for d in departments:
            cell = health["cells"].get(d.pk, {}).get(q.pk, "future")
            if cell == "future":
                continue
            t["expected"] += 1
            t[cell] += 1
        totals[q.pk] = t
    return {"quarters": health["quarters"], "departments": departments, "cells": health["cells"], "totals": totals}


# --- Budgets ---------------------------------------------------------------------------------


def _latest_evaluation(field: str, published_only: bool = False):
    evaluations = Evaluation.objects.filter(project=OuterRef("pk"))
    if published_only:
        evaluations = evaluations.filter(status=EvaluationStatus.PUBLISHED)
    return Subquery(evaluations.order_by("-number").values(field)[:1])


def approved_projects(
    *, years: list[int], department: Department | None = None, published_only: bool = False
) -> list[BudgetProject]:
    """Approved projects with money spent and their latest evaluation (one query); for the public
    pages (``published_only``) the latest published evaluation, never a draft or an unpublished one."""
    spent = Subquery(
        SpendingRecord.objects.filter(project=OuterRef("pk"))
        .order_by()
        .values("project")
        .annotate(s=Sum("amount"))
        .values("s")
    )
    qs = BudgetProject.objects.filter(year__in=years, status=ProjectStatus.APPROVED).select_related("department")
    if department is not None:
        qs = qs.filter(department=department)
    return list(
        qs.annotate(
            spent_total=spent,
            eval_total=_latest_evaluation("total", published_only),
            eval_grade=_latest_evaluation("grade", published_only),
            eval_rate=_latest_evaluation("execution_rate", published_only),
            eval_number=_latest_evaluation("number", published_only),
            eval_status=_latest_evaluation("status", published_only),
        ).order_by("-year", "department__order", "code")
    )


def execution_by_department(*, year: int, group: RankingGroup | None = None) -> list[dict]:
    """Approved projects' money and spending per department (two aggregate queries)."""
    projects = BudgetProject.objects.filter(year=year, status=ProjectStatus.APPROVED)
    if group is not None:
        projects = projects.filter(department__group=group)
    rows = {
        r["department"]: r
        for r in projects.order_by()
        .values("department")
        .annotate(
            projects=Count("pk"),
            amount=Sum("amount"),
            department_name=F("department__name"),
            department_order=F("department__order"),
            department_code=F("department__code"),
        )
    }
    spent = dict(
        SpendingRecord.objects.filter(project__in=projects)
        .order_by()
        .values("project__department")
        .annotate(s=Sum("amount"))
        .values_list("project__department", "s")
    )
    out = []
    for dept_id, r in rows.items():
        out.append(r | {"spent": spent.get(dept_id) or ZERO})
    out.sort(key=lambda r: (r["department_order"], r["department_code"]))
    return out


def recommendations_by_action(*, year: int, group: RankingGroup | None = None) -> list[dict]:
    """Budget recommendations for budget year ``year`` by the action in force (one query).

    The action in force is finance's decision where it overrode one, else the recommendation;
    flags (no recommendation possible) are their own row.
    """
    qs = Recommendation.objects.filter(year=year)
    if group is not None:
        qs = qs.filter(department__group=group)
    action = Case(
        When(kind=RecommendationKind.FLAG, then=Value("flag")),
        When(~Q(final_action=""), then=F("final_action")),
        default=F("action"),
        output_field=CharField(),
    )
    effective = Case(
        When(status="overridden", then=F("final_amount")),
        default=F("recommended_amount"),
    )
    return list(
        qs.annotate(in_force=action)
        .order_by()
        .values("in_force")
        .annotate(
            projects=Count("pk"),
            base=Sum("base_amount"),
            amount=Sum(effective),
            undecided=Count("pk", filter=Q(status="proposed")),
        )
    )


# --- Satisfaction ----------------------------------------------------------------------------


def main_survey(*, year: int, closed_only: bool = False) -> Survey | None:
    """The year's survey to show: closed ones first (final results), then the one covering the
    most service areas, then the latest. Drafts never."""
    qs = Survey.objects.filter(year=year).exclude(status=Survey.Status.DRAFT)
    if closed_only:
        qs = qs.filter(status=Survey.Status.CLOSED)
    return (
        qs.annotate(
            n_areas=Count("areas", distinct=True),
            closed_first=Case(
                When(status=Survey.Status.CLOSED, then=Value(0)), default=Value(1), output_field=IntegerField()
            ),
        )
        .order_by("closed_first", "-n_areas", "-closes_on", "-id")
        .first()
    )


def department_satisfaction(
    *, department: Department, years: list[int], published: bool = True, closed_only: bool = False
) -> list[dict]:
    """The department's own rating (questions that rate it) per year and survey, per respondent.

    Drafts are left out; with ``published`` a year below the minimum group size shows no figures,
    as on the published results.
    """
    surveys = Survey.objects.filter(year__in=years).exclude(status=Survey.Status.DRAFT)
    if closed_only:
        surveys = surveys.filter(status=Survey.Status.CLOSED)
    surveys = list(surveys.order_by("-year", "id").values("id", "year", "title", "status"))
    rating = department_rating(department_id=department.pk, survey_ids=[sv["id"] for sv in surveys])
    rows = [
        {
            "survey__year": sv["year"],
            "survey__title": sv["title"],
            "survey__status": sv["status"],
            "est": rating[sv["id"]],
        }
        for sv in surveys
        if sv["id"] in rating
    ]
    minimum = min_group_size()
    out = []
    for r in rows:
        est = r["est"]
        hidden = published and est.n < minimum
        out.append(
            {
                "year": r["survey__year"],
                "survey": r["survey__title"],
                # The title, with the year in front unless the title already says it.
                "label": r["survey__title"]
                if str(r["survey__year"]) in r["survey__title"]
                else f"{r['survey__year']} {r['survey__title']}",
                "status": r["survey__status"],
                "estimate": Estimate(n=0) if hidden else est,
                "hidden": hidden,
            }
        )
    return out


# --- Public disclosure (published information only) --------------------------------------


def public_years() -> list[int]:
    """Years with something published: annual results, a plan under way, approved budget projects
    or a closed survey (newest first)."""
    years = set(Publication.objects.filter(period="annual").values_list("plan__year", flat=True))
    years |= set(Plan.objects.exclude(status=Plan.Status.DRAFT).values_list("year", flat=True))
    years |= set(BudgetProject.objects.filter(status=ProjectStatus.APPROVED).values_list("year", flat=True).distinct())
    years |= set(Survey.objects.filter(status=Survey.Status.CLOSED).values_list("year", flat=True).distinct())
    return sorted(years, reverse=True)


def default_public_year(years: list[int]) -> int | None:
    """The latest year whose annual results are published, else the latest year at all."""
    published = Publication.objects.filter(period="annual").aggregate(y=Max("plan__year"))["y"]
    return published or (years[0] if years else None)


def public_plan(*, year: int) -> Plan | None:
    """The year's plan once it is under way (a draft plan is not public)."""
    return Plan.objects.exclude(status=Plan.Status.DRAFT).filter(year=year).select_related("library").first()


def public_scores(*, year: int, department: Department | None = None) -> list[Score]:
    """Published annual scores only."""
    qs = Score.objects.filter(plan__year=year, period="annual", published=True).select_related("department", "group")
    if department is not None:
        qs = qs.filter(department=department)
    return list(
        qs.order_by(
            F("group__order").asc(nulls_last=True), "group_id", F("rank").asc(nulls_last=True), "department__order"
        )
    )


def public_assignments(*, plan: Plan, department: Department | None = None) -> list[Assignment]:
    qs = Assignment.objects.filter(plan=plan, is_active=True).select_related("indicator__category", "department")
    if department is not None:
        qs = qs.filter(department=department)
    return list(
        qs.order_by(
            "department__order", "department__code", "indicator__category__order", "indicator__order", "indicator__code"
        )
    )


def public_targets(*, projects: list[BudgetProject]) -> list[BudgetTarget]:
    return list(
        BudgetTarget.objects.filter(project__in=[p.pk for p in projects])
        .select_related("project__department")
        .order_by("project__department__order", "project__code", "order", "id")
    )


def public_departments() -> list[Department]:
    return list(Department.objects.filter(is_active=True).select_related("group").order_by("order", "code"))
