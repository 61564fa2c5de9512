"""Finance's pages for keeping the shared indicator library (指标库): add, change, retire and bring
back an indicator (docs/budgets.md, section 11). Browsing and benchmarks are ``views.sheets``."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from core.errors import ApplicationError
from core.roles import P
from core.views_mixins import apply_error

from .. import importing, library_import, services
from ..models import LibraryIndicator
from ..sheet_forms import DecisionForm, LibraryImportForm, LibraryIndicatorForm
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


class LibraryImportView(LibraryManageMixin, View):
    """New indicators from an xlsx workbook: every row checked as the form checks it, all or none."""

    def render_page(self, request, form, result=None, status=200):
        return render(request, "budgets/library_import.html", {"form": form, "result": result}, status=status)

    def get(self, request):
        return self.render_page(request, LibraryImportForm())

    def post(self, request):
        form = LibraryImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_page(request, form, status=400)
        upload = form.cleaned_data["file"]
        if upload.size > importing.MAX_BYTES:
            form.add_error("file", _("The file is larger than %(mb)d MB.") % {"mb": importing.MAX_BYTES // 1048576})
            return self.render_page(request, form, status=400)
        try:
            result = library_import.run(content=upload.read(), actor=request.user, dry_run=False, file_name=upload.name)
        except ApplicationError as exc:
            apply_error(form, exc)
            return self.render_page(request, form, status=400)
        if not result.valid:
            return self.render_page(request, form, result, status=400)
        messages.success(request, _("%(n)d indicators were added to the library.") % {"n": len(result.created)})
        return redirect("budgets:library")


class LibraryImportTemplateView(LibraryManageMixin, View):
    def get(self, request):
        response = HttpResponse(
            library_import.template_workbook(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="library-indicators-template.xlsx"'
        return response
