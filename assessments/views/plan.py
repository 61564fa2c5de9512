"""The year's plan: settings, quarters, assignments (supervision office); everyone allowed reads."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from core.errors import ApplicationError
from core.roles import P
from core.views_mixins import PermMixin, apply_error
from indicators.models import Library

from .. import selectors, services
from ..forms import AssignmentForm, PlanForm, QuarterForm
from ..models import Assignment


class PlanListView(PermMixin, View):
    perm = P.READ_ALL_REPORTS

    def get(self, request):
        libraries = Library.objects.filter(plan__isnull=True).order_by("-year")
        return render(
            request,
            "assessments/plan_list.html",
            {"plans": selectors.plans_list(), "libraries": libraries, "can_edit": request.user.has_perm(P.MANAGE_PLAN)},
        )

    def post(self, request):
        if not request.user.has_perm(P.MANAGE_PLAN):
            raise PermissionDenied
        library = get_object_or_404(Library, pk=request.POST.get("library") or 0)
        try:
            plan = services.plan_create(library=library, actor=request.user)
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return redirect("assessments:plan_list")
        return redirect("assessments:plan_detail", year=plan.year)


class PlanDetailView(PermMixin, View):
    perm = P.READ_ALL_REPORTS

    def get(self, request, year, form=None):
        plan = selectors.plan_get(year=year)
        can_edit = request.user.has_perm(P.MANAGE_PLAN)
        qs = Assignment.objects.filter(plan=plan).select_related("department", "indicator__category")
        dept = request.GET.get("department", "")
        if dept:
            qs = qs.filter(department__code=dept)
        page = Paginator(
            qs.order_by("department__order", "indicator__category__order", "indicator__order"), 100
        ).get_page(request.GET.get("page"))
        return render(
            request,
            "assessments/plan_detail.html",
            {
                "plan": plan,
                "can_edit": can_edit,
                "form": form or PlanForm(instance=plan),
                "quarters": [(q, QuarterForm(instance=q, prefix=f"q{q.pk}")) for q in plan.quarters.all()],
                "page": page,
                "department": dept,
                "departments": plan.assignments.values_list("department__code", "department__name")
                .distinct()
                .order_by("department__order"),
                "query": f"department={dept}" if dept else "",
            },
        )

    def post(self, request, year):
        if not request.user.has_perm(P.MANAGE_PLAN):
            raise PermissionDenied
        plan = selectors.plan_get(year=year)
        action = request.POST.get("action")
        if action == "assign_all":
            n = services.assign_all(plan=plan, actor=request.user)
            messages.success(request, _("%(n)d assignment(s) created.") % {"n": n})
            return redirect("assessments:plan_detail", year=year)
        if action and action.startswith("quarter-"):
            quarter = get_object_or_404(plan.quarters, pk=action.split("-", 1)[1])
            form = QuarterForm(request.POST, instance=quarter, prefix=f"q{quarter.pk}")
            if form.is_valid():
                try:
                    services.quarter_update(
                        quarter=quarter,
                        deadline=form.cleaned_data["deadline"],
                        close_after_days=form.cleaned_data["close_after_days"],
                        actor=request.user,
                    )
                    messages.success(request, _("Saved: %(obj)s") % {"obj": quarter})
                except ApplicationError as exc:
                    messages.error(request, exc.message)
            else:
                for errs in form.errors.values():
                    for e in errs:
                        messages.error(request, f"{quarter}: {e}")
            return redirect("assessments:plan_detail", year=year)
        form = PlanForm(request.POST, instance=plan)
        if form.is_valid():
            data = {f: form.cleaned_data[f] for f in form.Meta.fields}
            try:
                services.plan_update(
                    plan=plan, data=data, actor=request.user, expected_version=form.cleaned_data.get("version")
                )
            except ApplicationError as exc:
                apply_error(form, exc)
            else:
                messages.success(request, _("Saved: %(obj)s") % {"obj": plan})
                return redirect("assessments:plan_detail", year=year)
        return self.get(request, year, form=form)


class AssignmentEditView(PermMixin, View):
    perm = P.MANAGE_PLAN

    def get(self, request, year, pk, form=None):
        plan = selectors.plan_get(year=year)
        assignment = get_object_or_404(Assignment.objects.select_related("indicator", "department"), plan=plan, pk=pk)
        return render(
            request,
            "assessments/assignment_form.html",
            {"plan": plan, "assignment": assignment, "form": form or AssignmentForm(instance=assignment)},
        )

    def post(self, request, year, pk):
        plan = selectors.plan_get(year=year)
        assignment = get_object_or_404(Assignment, plan=plan, pk=pk)
        form = AssignmentForm(request.POST, instance=assignment)
        if form.is_valid():
            data = {f: form.cleaned_data[f] for f in form.Meta.fields}
            try:
                services.assignment_save(
                    assignment=assignment,
                    data=data,
                    actor=request.user,
                    expected_version=form.cleaned_data.get("version"),
                )
            except ApplicationError as exc:
                apply_error(form, exc)
            else:
                messages.success(request, _("Saved: %(obj)s") % {"obj": assignment})
                return redirect("assessments:plan_detail", year=year)
        return self.get(request, year, pk, form=form)
