"""Finance's pages for keeping the shared indicator library (指标库): add, change, retire and bring
back an indicator (docs/budgets.md, section 11). Browsing and benchmarks are ``views.sheets``."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from core.errors import ApplicationError
from core.roles import P
from core.views_mixins import apply_error

from .. import services
from ..models import LibraryIndicator
from ..sheet_forms import DecisionForm, LibraryIndicatorForm
from .base import AnyPermMixin


class LibraryManageMixin(AnyPermMixin):
    perms = (P.MANAGE_BUDGET_LIBRARY,)


def _data(form: LibraryIndicatorForm) -> dict:
    data = dict(form.cleaned_data)
    data.pop("version", None)
    return data


class LibraryCreateView(LibraryManageMixin, View):
    def render_form(self, request, form, status=200):
        return render(
            request, "budgets/library_form.html", {"form": form, "title": _("New library indicator")}, status=status
        )

    def get(self, request):
        return self.render_form(request, LibraryIndicatorForm())

    def post(self, request):
        form = LibraryIndicatorForm(request.POST)
        if form.is_valid():
            try:
                indicator = services.library_indicator_save(actor=request.user, data=_data(form))
            except ApplicationError as exc:
                apply_error(form, exc)
            else:
                messages.success(request, _("The indicator was added to the library."))
                return redirect("budgets:library_detail", pk=indicator.pk)
        return self.render_form(request, form, status=400)


class LibraryEditView(LibraryManageMixin, View):
    def render_form(self, request, indicator, form, status=200):
        return render(
            request,
            "budgets/library_form.html",
            {"form": form, "indicator": indicator, "title": _("Change library indicator")},
            status=status,
        )

    def get(self, request, pk):
        indicator = get_object_or_404(LibraryIndicator.objects.select_related("sector"), pk=pk)
        return self.render_form(request, indicator, LibraryIndicatorForm(indicator=indicator))

    def post(self, request, pk):
        indicator = get_object_or_404(LibraryIndicator.objects.select_related("sector"), pk=pk)
        form = LibraryIndicatorForm(request.POST, indicator=indicator)
        if form.is_valid():
            data = _data(form)
            data.pop("code", None)
            try:
                services.library_indicator_save(
                    actor=request.user,
                    indicator=indicator,
                    data=data,
                    expected_version=form.cleaned_data.get("version"),
                )
            except ApplicationError as exc:
                apply_error(form, exc)
            else:
                messages.success(request, _("The indicator was saved."))
                return redirect("budgets:library_detail", pk=indicator.pk)
        return self.render_form(request, indicator, form, status=400)


class LibraryRetireView(LibraryManageMixin, View):
    """Retire an indicator (``retire`` 1) or bring it back into use (``retire`` 0)."""

    def post(self, request, pk):
        indicator = get_object_or_404(LibraryIndicator, pk=pk)
        form = DecisionForm(request.POST)
        retire = request.POST.get("retire", "1") != "0"
        if not form.is_valid():
            messages.error(request, _("Someone else changed this item after you opened it. Reload and try again."))
            return redirect("budgets:library_detail", pk=indicator.pk)
        try:
            services.library_indicator_retire(
                indicator=indicator,
                actor=request.user,
                retire=retire,
                expected_version=form.cleaned_data.get("version"),
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return redirect("budgets:library_detail", pk=indicator.pk)
        messages.success(
            request,
            _("The indicator was retired: it stays on the targets that chose it and can no longer be chosen.")
            if retire
            else _("The indicator is in use again."),
        )
        return redirect("budgets:library_detail", pk=indicator.pk)
