"""Satisfaction beside objective indicators, department by department (cross-check)."""

from django.shortcuts import render
from django.views import View

from core.roles import P
from core.views_mixins import PermMixin

from .. import selectors
from .common import plan_from_request


class CrosscheckView(PermMixin, View):
    perm = P.READ_ALL_SCORES

    def get(self, request):
        plan = plan_from_request(request)
        if plan is None:
            return render(request, "assessments/no_plan.html")
        department = request.GET.get("department", "")
        data = selectors.crosscheck(plan=plan, department_code=department)
        return render(
            request,
            "assessments/crosscheck.html",
            {"plan": plan, "plans": selectors.plans_list(), "department": department, **data},
        )
