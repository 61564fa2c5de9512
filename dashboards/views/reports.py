"""Printable annual reports: one per department, and the city's (HTML with print styles)."""

from __future__ import annotations

from collections import OrderedDict
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import View

from assessments.selectors import ledger_of
from core.numbers import chart_number, q2, yuan_to_wan
from core.roles import DEPARTMENT_ROLES, P
from core.views_mixins import PermMixin
from organizations.models import Department
from satisfaction import selectors as survey_selectors

from .. import selectors
from ..panels.common import GRADE_LABELS, category_percents
from ..tables import pct
from .dashboard import department_for, is_leader


class ReportIndexView(PermMixin, View):
    """The reports one may print: every department's and the city's for the city-wide readers,
    one's own department's for its users."""

    perm = P.READ_DASHBOARD

    def get(self, request):
        user = request.user
        plans = selectors.plans_list()
        if user.role in DEPARTMENT_ROLES:
            if not user.department_id or not user.has_perm(P.READ_OWN_SCORES):
                raise PermissionDenied
            departments = [user.department]
        elif is_leader(user):
            departments = list(Department.objects.filter(is_active=True).order_by("order", "code"))
        else:
            raise PermissionDenied
        return render(
            request,
            "dashboards/report_index.html",
            {"plans": plans, "departments": departments, "city": is_leader(user)},
        )


def _ledger_groups(score, lines) -> list[dict]:
    """Ledger lines under their top-level category, then the department-level lines (bonus,
    deductions, caps, veto) under their own heading; each group with its subtotal."""
    groups: OrderedDict = OrderedDict()
    for c in score.categories or []:
        groups[c["code"]] = {
            "name": c["name"],
            "points": Decimal(str(c["points"])),
            "lines": [],
            "subtotal": Decimal(0),
        }
    other = {"name": _("Bonus, deductions and grade"), "points": None, "lines": [], "subtotal": Decimal(0)}
    for ln in lines:
        target = groups.get(ln.category_code) if ln.category_code else None
        target = target or other
        target["lines"].append(ln)
        target["subtotal"] += ln.points
    out = list(groups.values())
    if other["lines"]:
        out.append(other)
    return out


class DepartmentReportView(PermMixin, View):
    perm = P.READ_DASHBOARD

    def get(self, request, year, code):
        department = department_for(request, code)
        user = request.user
        if user.role in DEPARTMENT_ROLES and not user.has_perm(P.READ_OWN_SCORES):
            raise PermissionDenied
        plan = next((p for p in selectors.plans_list() if p.year == year), None)
        if plan is None:
            raise Http404
        score = selectors.score_for(year=year, period="annual", department=department)
        previous = selectors.score_for(year=year - 1, period="annual", department=department)
        lines = ledger_of(score) if score else []
        categories = selectors.top_categories(plan=plan)
        this_pct = category_percents(score) if score else {}
        last_pct = category_percents(previous) if previous else {}
        own_budgets = (
            user.has_perm(P.READ_OWN_BUDGETS) if user.role in DEPARTMENT_ROLES else user.has_perm(P.READ_ALL_BUDGETS)
        )
        projects = selectors.approved_projects(years=[year], department=department) if own_budgets else []
        budget_totals = _budget_totals(projects)
        satisfaction = selectors.department_satisfaction(department=department, years=[year, year - 1])
        chart = {
            "indicators": [{"name": c.name, "max": 100} for c in categories],
            "series": [{"name": str(year), "values": [chart_number(this_pct.get(c.code)) for c in categories]}]
            + (
                [{"name": str(year - 1), "values": [chart_number(last_pct.get(c.code)) for c in categories]}]
                if previous
                else []
            ),
            "text": {"unit": _("percent of points")},
        }
        return render(
            request,
            "dashboards/report_department.html",
            {
                "plan": plan,
                "year": year,
                "department": department,
                "score": score,
                "previous": previous,
                "group_size": selectors.group_size(score=score) if score else 0,
                "categories": [
                    {
                        "name": c["name"],
                        "points": Decimal(str(c["points"])),
                        "score": Decimal(str(c["score"])),
                        "pct": this_pct.get(c["code"]),
                        "last": last_pct.get(c["code"]),
                    }
                    for c in (score.categories if score else [])
                ],
                "groups": _ledger_groups(score, lines) if score else [],
                "adjustments": [ln for ln in lines if ln.kind != "indicator"],
                "projects": projects,
                "budget_totals": budget_totals,
                "grade_labels": GRADE_LABELS,
                "satisfaction": satisfaction,
                "min_size": survey_selectors.min_group_size(),
                "chart": chart,
                "show_budgets": own_budgets,
            },
        )


def _budget_totals(projects) -> dict:
    amount = sum((p.amount for p in projects), Decimal(0))
    spent = sum((p.spent_total or Decimal(0) for p in projects), Decimal(0))
    evaluated = [p for p in projects if p.eval_total is not None]
    return {
        "count": len(projects),
        "amount": yuan_to_wan(amount),
        "spent": yuan_to_wan(spent),
        "rate": pct(spent, amount),
        "evaluated": len(evaluated),
        "average": q2(sum((p.eval_total for p in evaluated), Decimal(0)) / len(evaluated)) if evaluated else None,
    }


class CityReportView(PermMixin, View):
    perm = P.READ_DASHBOARD

    def get(self, request, year):
        user = request.user
        if not is_leader(user):
            raise PermissionDenied
        plan = next((p for p in selectors.plans_list() if p.year == year), None)
        if plan is None:
            raise Http404
        scores = selectors.scores_of(plan=plan, period="annual")
        groups: OrderedDict = OrderedDict()
        grade_names: OrderedDict = OrderedDict()
        for s in sorted(scores, key=lambda s: -s.total):
            grade_names.setdefault(s.grade_code, s.grade_label)
        for s in scores:
            g = groups.setdefault(
                s.group_id, {"name": s.group.name if s.group else _("No group"), "scores": [], "grades": {}}
            )
            g["scores"].append(s)
            g["grades"][s.grade_code] = g["grades"].get(s.grade_code, 0) + 1
        distribution = [
            {"name": g["name"], "counts": [g["grades"].get(code, 0) for code in grade_names], "total": len(g["scores"])}
            for g in groups.values()
        ]
        totals = [sum(d["counts"][i] for d in distribution) for i in range(len(grade_names))]
        context = {
            "plan": plan,
            "year": year,
            "groups": list(groups.values()),
            "grade_names": list(grade_names.values()),
            "distribution": distribution,
            "grade_totals": totals,
            "published": bool(scores) and all(s.published for s in scores),
            "count": len(scores),
        }
        if user.has_perm(P.READ_REPORTING_HEALTH):
            health = selectors.health_of(plan=plan)
            context["health"] = [{"quarter": q, **health["totals"][q.pk]} for q in health["quarters"]]
        if user.has_perm(P.READ_ALL_BUDGETS):
            execution = selectors.execution_by_department(year=year)
            projects = selectors.approved_projects(years=[year])
            grades: dict[str, int] = {}
            for p in projects:
                if p.eval_grade:
                    grades[p.eval_grade] = grades.get(p.eval_grade, 0) + 1
            context["budget"] = [
                {
                    "name": r["department_name"],
                    "projects": r["projects"],
                    "amount": yuan_to_wan(r["amount"]),
                    "spent": yuan_to_wan(r["spent"]),
                    "rate": pct(r["spent"], r["amount"]),
                }
                for r in execution
            ]
            context["budget_totals"] = _budget_totals(projects)
            context["budget_grades"] = [(GRADE_LABELS[code], grades.get(code, 0)) for code in GRADE_LABELS]
        if user.has_perm(P.READ_SURVEY_RESULTS):
            survey = selectors.main_survey(year=year)
            if survey is not None:
                published = not user.has_perm(P.MANAGE_SURVEY)
                context["survey"] = survey
                context["survey_sections"] = [
                    (_("Overall"), survey_selectors.survey_results(survey=survey, by="overall", published=published)),
                    (_("By area"), survey_selectors.survey_results(survey=survey, by="area", published=published)),
                    (_("By region"), survey_selectors.survey_results(survey=survey, by="region", published=published)),
                ]
                context["min_size"] = survey_selectors.min_group_size()
        return render(request, "dashboards/report_city.html", context)
