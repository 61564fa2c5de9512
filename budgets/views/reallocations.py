"""Budget reallocation pages (预算调剂): finance's list with filters, one request with its decision,
and the department's change of a returned request (docs/budgets.md, "Budget reallocation")."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from core.errors import ApplicationError
from core.roles import P, acts_for
from core.views_mixins import apply_error

from .. import reallocation_selectors, selectors, services
from ..models import Reallocation
from ..reallocation_forms import (
    ReallocationApproveForm,
    ReallocationFilterForm,
    ReallocationForm,
    ReallocationReturnForm,
)
from .base import AnyPermMixin


def reallocation_or_404(request, pk: int) -> Reallocation:
    found = reallocation_selectors.reallocations_for_user(user=request.user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def can_resubmit(user, reallocation: Reallocation) -> bool:
    return (
        acts_for(user, reallocation.department_id, P.EDIT_BUDGET)
        and reallocation.status == Reallocation.Status.RETURNED
    )


def resubmit_form(reallocation: Reallocation, data=None) -> ReallocationForm:
    return ReallocationForm(
        data,
        department_id=reallocation.department_id,
        year=reallocation.year,
        initial={
            "source": reallocation.source_id,
            "source_tranche": reallocation.source_tranche_id,
            "target": reallocation.target_id or "",
            "amount": f"{reallocation.amount:.2f}",
            "reason": reallocation.reason,
            "version": reallocation.version,
        },
    )


class ReallocationListView(AnyPermMixin, View):
    """Every request finance has to decide or has decided; a department sees its own."""

    def get(self, request):
        form = ReallocationFilterForm(request.GET or None)
        filters = form.cleaned_data if form.is_valid() else {}
        qs = reallocation_selectors.reallocations_for_user(
            user=request.user,
            year=filters.get("year"),
            status=filters.get("status") or "",
            department=(filters.get("department") or "").strip(),
        )
        page = Paginator(qs, 50).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        year = filters.get("year")
        return render(
            request,
            "budgets/reallocation_list.html",
            {
                "filter_form": form,
                "page": page,
                "query": query.urlencode(),
                "department_user": request.user.is_department_user,
                "pool_year": year,
                "pool": reallocation_selectors.returned_to_pool(year=year) if year else None,
            },
        )


class ReallocationDetailView(AnyPermMixin, View):
    def get(self, request, pk):
        return self.render_page(request, reallocation_or_404(request, pk))

    def render_page(self, request, reallocation, status=200, **forms):
        user = request.user
        context = {
            "r": reallocation,
            "available": None,
        }
        if reallocation.is_pending and user.has_perm(P.REVIEW_BUDGET):
            context["approve_form"] = forms.get("approve_form") or ReallocationApproveForm(
                initial={"version": reallocation.version}
            )
            context["return_form"] = forms.get("return_form") or ReallocationReturnForm(
                initial={"version": reallocation.version}
            )
            context["available"] = reallocation_selectors.available_from(
                project=reallocation.source, tranche=reallocation.source_tranche, exclude_pending_of=False
            )
            context["source_spent"] = selectors.spent_of(project=reallocation.source)
        if can_resubmit(user, reallocation):
            context["resubmit_form"] = forms.get("resubmit_form") or resubmit_form(reallocation)
        return render(request, "budgets/reallocation_detail.html", context, status=status)


class _FinanceView(ReallocationDetailView):
    perms = (P.REVIEW_BUDGET,)

    def get(self, request, pk):
        return redirect("budgets:reallocation_detail", pk=pk)


class ReallocationApproveView(_FinanceView):
    def post(self, request, pk):
        reallocation = reallocation_or_404(request, pk)
        form = ReallocationApproveForm(request.POST)
        form.is_valid()
        try:
            services.reallocation_approve(
                reallocation=reallocation, actor=request.user, expected_version=form.cleaned_data.get("version")
            )
        except ApplicationError as exc:
            apply_error(form, exc)
            if exc.errors:
                form.add_error(None, exc.message)
            return self.render_page(request, reallocation_or_404(request, pk), status=400, approve_form=form)
        messages.success(request, _("Approved: the money has moved."))
        return redirect("budgets:reallocation_detail", pk=pk)


class ReallocationReturnView(_FinanceView):
    def post(self, request, pk):
        reallocation = reallocation_or_404(request, pk)
        form = ReallocationReturnForm(request.POST)
        if form.is_valid():
            try:
                services.reallocation_return(
                    reallocation=reallocation,
                    actor=request.user,
                    reason=form.cleaned_data["reason"],
                    expected_version=form.cleaned_data.get("version"),
                )
            except ApplicationError as exc:
                apply_error(form, exc)
            else:
                messages.success(request, _("Returned to the department."))
                return redirect("budgets:reallocation_detail", pk=pk)
        return self.render_page(request, reallocation, status=400, return_form=form)


class ReallocationResubmitView(ReallocationDetailView):
    perms = (P.EDIT_BUDGET,)

    def get(self, request, pk):
        return redirect("budgets:reallocation_detail", pk=pk)

    def post(self, request, pk):
        reallocation = reallocation_or_404(request, pk)
        form = resubmit_form(reallocation, request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.reallocation_resubmit(
                    reallocation=reallocation,
                    actor=request.user,
                    source=d["source"],
                    tranche=d.get("source_tranche"),
                    target=d.get("target"),
                    amount=d["amount"],
                    reason=d["reason"],
                    expected_version=d.get("version"),
                )
            except ApplicationError as exc:
                apply_error(form, exc)
            else:
                messages.success(request, _("The request was sent to finance again."))
                return redirect("budgets:reallocation_detail", pk=pk)
        return self.render_page(request, reallocation, status=400, resubmit_form=form)
