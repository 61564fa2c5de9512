"""The leader dashboard and the department view, with the downloads of every chart's data."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from assessments import selectors as assessment_selectors
from core.numbers import q2
from core.roles import DEPARTMENT_ROLES, P
from core.views_mixins import PermMixin
from organizations.models import Department

from .. import selectors
from ..panels import department as department_panels
from ..panels import leader as leader_panels
from ..tables import download

FORMATS = ("xlsx", "csv")


def is_leader(user) -> bool:
    """Leader, supervision office and finance: the whole city (READ_ALL_SCORES with the dashboard)."""
    return user.has_perm(P.READ_DASHBOARD) and user.has_perm(P.READ_ALL_SCORES)


def choose_plan(request):
    plans = selectors.plans_list()
    year = request.GET.get("year", "")
    plan = next((p for p in plans if year.isdigit() and p.year == int(year)), None)
    return plans, plan or selectors.default_plan(plans)


def choose_period(request, periods: list[str], plan=None) -> str:
    period = request.GET.get("period", "")
    if period in periods:
        return period
    if plan is not None:
        return assessment_selectors.default_period(plan=plan, periods=periods)
    return "annual" if "annual" in periods or not periods else periods[-1]


def leader_filters(request) -> dict | None:
    plans, plan = choose_plan(request)
    if plan is None:
        return None
    periods = selectors.periods_with_scores(plan=plan)
    period = choose_period(request, periods, plan)
    groups = selectors.groups_list()
    code = request.GET.get("group", "")
    group = next((g for g in groups if g.code == code), None)
    scope = leader_panels.Scope(user=request.user, plan=plan, period=period, group=group)
    departments = [s.department for s in scope.scores]
    dept_code = request.GET.get("department", "")
    scope.department = next((d for d in departments if d.code == dept_code), departments[0] if departments else None)
    return {
        "scope": scope,
        "plans": plans,
        "periods": periods,
        "groups": groups,
        "departments": departments,
        "query": _query(year=plan.year, period=period, group=group.code if group else "", department=dept_code),
    }


def with_downloads(panels, url_name: str, query: str, **kwargs):
    """Attach the xlsx and csv download links of each panel's tables (same filters as the page)."""
    for panel in panels:
        if panel.has_data:
            panel.downloads = [
                (
                    fmt,
                    reverse(url_name, kwargs={**kwargs, "key": panel.key, "fmt": fmt}) + (f"?{query}" if query else ""),
                )
                for fmt in FORMATS
            ]
    return panels


def _query(**params) -> str:
    return urlencode({k: v for k, v in params.items() if v})


class LeaderDashboardView(PermMixin, View):
    """Every department of the city: the leader, the supervision office and finance."""

    perm = P.READ_DASHBOARD

    def get(self, request):
        user = request.user
        if not is_leader(user):
            if user.role in DEPARTMENT_ROLES and user.department_id and user.has_perm(P.READ_OWN_SCORES):
                return redirect("dashboards:department", code=user.department.code)
            raise PermissionDenied
        filters = leader_filters(request)
        if filters is None:
            return render(request, "dashboards/no_data.html")
        scope = filters["scope"]
        panels = with_downloads(leader_panels.panels_for(scope), "dashboards:export", filters["query"])
        return render(
            request,
            "dashboards/leader.html",
            filters | {"panels": panels, "kpis": _leader_kpis(scope)},
        )


def _leader_kpis(scope) -> list[dict]:
    scores = scope.scores
    if not scores:
        return []
    totals = [s.total for s in scores]
    grades: dict[str, int] = {}
    for s in sorted(scores, key=lambda s: -s.total):  # best grade first
        grades[s.grade_label] = grades.get(s.grade_label, 0) + 1
    return [
        {"label": _("Departments"), "value": len(scores)},
        {"label": _("Average total"), "value": q2(sum(totals) / len(totals)), "kind": "points"},
        {"label": _("Highest total"), "value": max(totals), "kind": "points"},
        {"label": _("Lowest total"), "value": min(totals), "kind": "points"},
        {"label": _("Grades"), "value": " · ".join(f"{k} {v}" for k, v in grades.items())},
    ]


class LeaderExportView(PermMixin, View):
    perm = P.READ_DASHBOARD

    def get(self, request, key, fmt):
        if not is_leader(request.user):
            raise PermissionDenied
        if key not in leader_panels.PANELS or fmt not in FORMATS:
            raise Http404
        filters = leader_filters(request)
        if filters is None:
            raise Http404
        panels = leader_panels.panels_for(filters["scope"], keys=[key])
        if not panels:
            raise PermissionDenied
        scope = filters["scope"]
        return download(panels[0].tables, fmt, f"dashboard-{scope.plan.year}-{scope.period}-{key}")


# --- Department view -------------------------------------------------------------------------


def department_for(request, code: str) -> Department:
    """The department if the user may see its view: its own users, or the city-wide readers.

    Another department's view answers 404 to department users (its existence is not revealed).
    """
    user = request.user
    if user.role in DEPARTMENT_ROLES:
        if not user.has_perm(P.READ_DASHBOARD) or user.department is None or user.department.code != code:
            raise Http404
        return user.department
    if not is_leader(user):
        raise PermissionDenied
    department = Department.objects.filter(code=code).select_related("group").first()
    if department is None:
        raise Http404
    return department


def department_scope(request, department: Department):
    plans, plan = choose_plan(request)
    if plan is None:
        return None, {}
    periods = selectors.periods_with_scores(plan=plan)
    period = choose_period(request, periods, plan)
    previous = next((p for p in plans if p.year == plan.year - 1), None)
    scope = department_panels.DepartmentScope(
        user=request.user, department=department, plan=plan, previous=previous, period=period
    )
    return scope, {"plans": plans, "periods": periods, "query": _query(year=plan.year, period=period)}


class DepartmentHomeView(PermMixin, View):
    """The department view's entry in the navigation: one's own department, or the first one."""

    perm = P.READ_DASHBOARD

    def get(self, request):
        user = request.user
        if user.role in DEPARTMENT_ROLES and user.department_id:
            return redirect("dashboards:department", code=user.department.code)
        if not is_leader(user):
            raise PermissionDenied
        first = Department.objects.filter(is_active=True).order_by("order", "code").first()
        if first is None:
            return render(request, "dashboards/no_data.html")
        return redirect("dashboards:department", code=first.code)


class DepartmentDashboardView(PermMixin, View):
    perm = P.READ_DASHBOARD

    def get(self, request, code):
        department = department_for(request, code)
        other = request.GET.get("department", "")
        if other and other != code and is_leader(request.user) and Department.objects.filter(code=other).exists():
            # The department chooser of the filter form (works without JavaScript).
            query = _query(year=request.GET.get("year", ""), period=request.GET.get("period", ""))
            return redirect(reverse("dashboards:department", kwargs={"code": other}) + (f"?{query}" if query else ""))
        scope, filters = department_scope(request, department)
        if scope is None:
            return render(request, "dashboards/no_data.html")
        panels = with_downloads(
            department_panels.panels_for(scope), "dashboards:department_export", filters["query"], code=department.code
        )
        context = filters | {
            "scope": scope,
            "department": department,
            "panels": panels,
            "score": scope.score if scope.may(P.READ_ALL_SCORES, P.READ_OWN_SCORES) else None,
            "previous_score": scope.previous_score if scope.may(P.READ_ALL_SCORES, P.READ_OWN_SCORES) else None,
            "group_size": selectors.group_size(score=scope.score) if scope.score else 0,
            "departments": Department.objects.filter(is_active=True).order_by("order", "code")
            if is_leader(request.user)
            else [],
        }
        return render(request, "dashboards/department.html", context)


class DepartmentExportView(PermMixin, View):
    perm = P.READ_DASHBOARD

    def get(self, request, code, key, fmt):
        department = department_for(request, code)
        if key not in department_panels.PANELS or fmt not in FORMATS:
            raise Http404
        scope, _filters = department_scope(request, department)
        if scope is None:
            raise Http404
        panels = department_panels.panels_for(scope, keys=[key])
        if not panels:
            raise PermissionDenied
        return download(panels[0].tables, fmt, f"{department.code}-{scope.plan.year}-{scope.period}-{key}")
