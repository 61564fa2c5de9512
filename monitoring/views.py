"""Finance's and the departments' execution-monitoring pages (docs/monitoring.md)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from budgets import selectors as budget_selectors
from budgets.views.base import AnyPermMixin
from core.errors import ApplicationError
from core.roles import P, acts_for, own_only
from core.views_mixins import apply_error

from . import selectors, services
from .forms import LiftForm, RespondForm
from .models import MonitoringWarning


def _year(request, default: int) -> int:
    value = request.GET.get("year", "")
    return int(value) if value.isdigit() and 2000 <= int(value) <= 2100 else default


class ExecutionMonitoringView(AnyPermMixin, View):
    """Red/yellow/green of each approved project and department: execution against the schedule and the gap."""

    def get(self, request):
        today = timezone.localdate()
        year = _year(request, today.year)
        rows, dept_rows = selectors.monitoring_rows(user=request.user, year=year, on=today)
        schedule = selectors.schedule_for(year)
        years = sorted(set(budget_selectors.project_years()) | {year}, reverse=True)
        return render(
            request,
            "monitoring/execution.html",
            {
                "rows": rows,
                "dept_rows": dept_rows,
                "year": year,
                "years": years,
                "today": today,
                "checkpoints": selectors.rules.checkpoints_for(year, schedule.checkpoints),
                "gap_points": schedule.gap_points,
            },
        )


class WarningListView(AnyPermMixin, View):
    """The warnings of a year with their deadlines and responses; a department sees its own."""

    def get(self, request):
        today = timezone.localdate()
        year = _year(request, today.year)
        status = request.GET.get("status", "")
        warnings = list(selectors.warnings_for_user(user=request.user, year=year, status=status))
        return render(
            request,
            "monitoring/warning_list.html",
            {
                "warnings": warnings,
                "year": year,
                "status": status,
                "statuses": MonitoringWarning.Status.choices,
                "today": today,
            },
        )


def warning_or_404(request, pk: int, own: bool = False) -> MonitoringWarning:
    """The warning if the user may see it (``own``: only for its department's own users), else 404."""
    warnings = selectors.warnings_for_user(user=request.user)
    warning = (own_only(warnings, request.user) if own else warnings).filter(pk=pk).first()
    if warning is None:
        raise Http404
    return warning


class WarningDetailView(AnyPermMixin, View):
    def get(self, request, pk):
        return self.render_page(request, warning_or_404(request, pk))

    def render_page(self, request, warning, status=200, **forms):
        user = request.user
        can_respond = acts_for(user, warning.department_id) and warning.status != MonitoringWarning.Status.RESPONDED
        can_lift = user.has_perm(P.REVIEW_BUDGET) and warning.is_paused
        context = {
            "warning": warning,
            "today": timezone.localdate(),
            "can_respond": can_respond,
            "can_lift": can_lift,
            "can_rectify": user.has_perm(P.REVIEW_BUDGET),
            "reallocations": selectors.warning_reallocations(warning=warning),
        }
        context["can_reallocate"] = (
            acts_for(user, warning.department_id, P.EDIT_BUDGET)
            and warning.response == MonitoringWarning.Response.ADJUST
            and not any(r.is_open for r in context["reallocations"])
        )
        if can_respond:
            context["respond_form"] = forms.get("respond_form") or RespondForm(initial={"version": warning.version})
        if can_lift:
            context["lift_form"] = forms.get("lift_form") or LiftForm(initial={"version": warning.version})
        return render(request, "monitoring/warning_detail.html", context, status=status)


class WarningRespondView(WarningDetailView):
    perms = (P.EDIT_BUDGET,)

    def get(self, request, pk):
        return redirect("monitoring:warning_detail", pk=pk)

    def post(self, request, pk):
        warning = warning_or_404(request, pk)
        form = RespondForm(request.POST)
        if form.is_valid():
            try:
                services.warning_respond(
                    warning=warning,
                    actor=request.user,
                    response=form.cleaned_data["response"],
                    adjustment=form.cleaned_data["adjustment"],
                    reason=form.cleaned_data["reason"],
                    expected_version=form.cleaned_data["version"],
                )
            except ApplicationError as exc:
                apply_error(form, exc)
            else:
                messages.success(request, _("Your response is recorded."))
                return redirect("monitoring:warning_detail", pk=pk)
        return self.render_page(request, warning, status=400, respond_form=form)


class PauseLiftView(WarningDetailView):
    perms = (P.REVIEW_BUDGET,)

    def get(self, request, pk):
        return redirect("monitoring:warning_detail", pk=pk)

    def post(self, request, pk):
        warning = warning_or_404(request, pk)
        form = LiftForm(request.POST)
        if form.is_valid():
            try:
                services.pause_lift(
                    warning=warning,
                    actor=request.user,
                    reason=form.cleaned_data["reason"],
                    expected_version=form.cleaned_data["version"],
                )
            except ApplicationError as exc:
                apply_error(form, exc)
            else:
                messages.success(request, _("The pause is lifted."))
                return redirect("monitoring:warning_detail", pk=pk)
        return self.render_page(request, warning, status=400, lift_form=form)


class WarningReallocationView(WarningDetailView):
    """After answering "adjust": the department asks finance to move money (a budget reallocation)."""

    perms = (P.EDIT_BUDGET,)

    def form(self, warning, data=None):
        from budgets.reallocation_forms import ReallocationForm

        return ReallocationForm(
            data,
            department_id=warning.department_id,
            year=warning.project.year,
            initial={"source": warning.project_id, "target": ""},
        )

    def warning(self, request, pk):
        return warning_or_404(request, pk, own=True)

    def render_form(self, request, warning, form, status=200):
        return render(request, "monitoring/reallocation_form.html", {"warning": warning, "form": form}, status=status)

    def get(self, request, pk):
        warning = self.warning(request, pk)
        return self.render_form(request, warning, self.form(warning))

    def post(self, request, pk):
        warning = self.warning(request, pk)
        form = self.form(warning, request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                reallocation = services.warning_reallocation_request(
                    warning=warning,
                    actor=request.user,
                    source=d["source"],
                    tranche=d.get("source_tranche"),
                    target=d.get("target"),
                    amount=d["amount"],
                    reason=d["reason"],
                )
            except ApplicationError as exc:
                apply_error(form, exc)
            else:
                messages.success(request, _("The reallocation request was sent to finance."))
                return redirect("budgets:reallocation_detail", pk=reallocation.pk)
        return self.render_form(request, warning, form, status=400)
