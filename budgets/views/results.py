"""Evaluations, next year's recommendations and the yearly policy."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from core.errors import ApplicationError
from core.numbers import q2
from core.roles import P
from core.views_mixins import PermMixin, apply_error

from .. import appraisal_selectors, exports, hooks, selectors, services
from ..forms import DecisionForm, GenerateForm, PolicyForm, RecommendationFilterForm
from ..models import Recommendation
from .base import AnyPermMixin


def _year(request, default: int) -> int:
    value = request.GET.get("year", "")
    return int(value) if value.isdigit() and 2000 <= int(value) <= 2100 else default


class EvaluationListView(AnyPermMixin, View):
    """The latest evaluation of each project of a year, with its score and grade."""

    def get(self, request):
        years = selectors.project_years()
        default = timezone.localdate().year - 1
        year = _year(request, default)
        evaluations = selectors.evaluations_for_user(user=request.user, year=year)
        return render(
            request,
            "budgets/evaluation_list.html",
            {"evaluations": evaluations, "year": year, "years": sorted(set(years) | {year}, reverse=True)},
        )


class RecommendationListView(PermMixin, View):
    """Next year's recommendations (finance decides; leaders and the supervision office read)."""

    perm = P.READ_ALL_BUDGETS

    def get(self, request, decide_form=None, decide_pk=None, generate_form=None, status=200):
        year = _year(request, timezone.localdate().year)
        filter_form = RecommendationFilterForm(request.GET or None)
        filters = filter_form.cleaned_data if filter_form.is_valid() else {}
        rows = list(
            selectors.recommendations_list(
                year=year,
                department=filters.get("department") or "",
                status=filters.get("status") or "",
                kind=filters.get("kind") or "",
            )
        )
        summary = selectors.recommendation_summary(year=year)
        notes = hooks.notes_for(year=year, department_ids=[r["department"].pk for r in summary])
        for r in summary:
            r["notes"] = notes.get(r["department"].pk, [])
            cuts = [n.percent for n in r["notes"] if n.action == "cut" and n.percent]
            r["cut"] = q2(r["decided"] * max(cuts) / 100) if cuts else None
            r["held"] = any(n.action == "hold" for n in r["notes"])
        concluded = appraisal_selectors.concluded_by_project(project_ids=[r.project_id for r in rows])
        for r in rows:
            r.exante = concluded.get(r.project_id)
        grades = selectors.department_grades(year=year - 1)
        years = sorted(set(selectors.recommendation_years()) | {year}, reverse=True)
        return render(
            request,
            "budgets/recommendations.html",
            {
                "year": year,
                "evaluated_year": year - 1,
                "years": years,
                "rows": rows,
                "summary": summary,
                "filter_form": filter_form,
                "grades_available": grades is not None,
                "grades_count": len(grades or {}),
                "can_decide": request.user.has_perm(P.REVIEW_BUDGET),
                "decide_form": decide_form,
                "decide_pk": decide_pk,
                "generate_form": generate_form or GenerateForm(initial={"year": year}),
                "query": request.GET.urlencode(),
            },
            status=status,
        )


class RecommendationGenerateView(PermMixin, View):
    perm = P.REVIEW_BUDGET

    def post(self, request):
        form = GenerateForm(request.POST)
        if form.is_valid():
            year = form.cleaned_data["year"]
            counts = services.recommendations_generate(year=year, actor=request.user)
            messages.success(
                request,
                _("%(r)d recommendations and %(f)d flags for %(year)s; %(k)d decided ones were left as they were.")
                % {"r": counts["recommendations"], "f": counts["flags"], "k": counts["kept"], "year": year},
            )
            return redirect(f"{reverse('budgets:recommendation_list')}?year={year}")
        return RecommendationListView().get(request, generate_form=form, status=400)


class RecommendationDecideView(PermMixin, View):
    perm = P.REVIEW_BUDGET

    def post(self, request, pk):
        row = get_object_or_404(Recommendation, pk=pk)
        form = DecisionForm(request.POST)
        if form.is_valid():
            try:
                services.recommendation_decide(
                    recommendation=row,
                    actor=request.user,
                    decision=form.cleaned_data["decision"],
                    reason=form.cleaned_data["reason"],
                    final_action=form.cleaned_data["final_action"],
                    final_amount=form.cleaned_data["final_amount"],
                    expected_version=form.cleaned_data.get("version"),
                )
            except ApplicationError as exc:
                apply_error(form, exc)
            else:
                messages.success(request, _("Decision saved: %(name)s") % {"name": row.project.name})
                return redirect(f"{reverse('budgets:recommendation_list')}?year={row.year}#rec-{row.pk}")
        request.GET = request.GET.copy()
        request.GET["year"] = str(row.year)
        return RecommendationListView().get(request, decide_form=form, decide_pk=row.pk, status=400)


class RecommendationExportView(PermMixin, View):
    perm = P.READ_ALL_BUDGETS

    def get(self, request):
        year = _year(request, timezone.localdate().year)
        response = HttpResponse(
            exports.recommendations_workbook(year=year),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="budget-recommendations-{year}.xlsx"'
        return response


class PolicyListView(AnyPermMixin, View):
    def get(self, request):
        current = timezone.localdate().year
        policies = {p.year: p for p in selectors.policies_list()}
        years = sorted(set(policies) | {current - 1, current, current + 1}, reverse=True)
        rows = [policies.get(y) or selectors.policy_for_year(year=y) for y in years]
        return render(
            request,
            "budgets/policy_list.html",
            {"policies": rows, "can_edit": request.user.has_perm(P.REVIEW_BUDGET)},
        )


class PolicyEditView(AnyPermMixin, View):
    """A year's weights, grade thresholds and recommendation matrix; finance edits."""

    def render_form(self, request, policy, form, status=200):
        return render(
            request,
            "budgets/policy_form.html",
            {"policy": policy, "form": form, "can_edit": request.user.has_perm(P.REVIEW_BUDGET)},
            status=status,
        )

    def get(self, request, year):
        if not 2000 <= year <= 2100:
            raise Http404
        policy = selectors.policy_for_year(year=year)
        return self.render_form(request, policy, PolicyForm(policy=policy))

    def post(self, request, year):
        if not request.user.has_perm(P.REVIEW_BUDGET):
            raise PermissionDenied
        if not 2000 <= year <= 2100:
            raise Http404
        policy = selectors.policy_for_year(year=year)
        form = PolicyForm(request.POST, policy=policy)
        if form.is_valid():
            try:
                services.policy_save(
                    year=year,
                    actor=request.user,
                    data=form.data_for_service(),
                    expected_version=form.cleaned_data.get("version") if policy.pk else None,
                )
            except ApplicationError as exc:
                apply_error(form, exc)
            else:
                messages.success(request, _("The policy of %(year)s was saved.") % {"year": year})
                return redirect("budgets:policy_edit", year=year)
        return self.render_form(request, policy, form, status=400)
