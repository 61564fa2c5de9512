"""The page that fills an ex-ante assessment's score sheet from an xlsx workbook, and its template
(docs/budgets.md, section 5). The rules are ``budgets.appraisal_import``'s: all rows or none."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from core.views_mixins import apply_error

from .. import appraisal_import, importing
from ..appraisal_forms import AssessmentImportForm
from .appraisals import WORKERS, _write, can_work, exante_or_404
from .base import AnyPermMixin

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ExAnteImportView(AnyPermMixin, View):
    perms = WORKERS

    def render_page(self, request, assessment, form=None, result=None, status=200):
        editable = can_work(request.user, assessment)
        if editable and form is None:
            form = AssessmentImportForm(initial={"version": assessment.version})
        return render(
            request,
            "budgets/exante_import.html",
            {
                "assessment": assessment,
                "project": assessment.project,
                "can_work": editable,
                "form": form if editable else None,
                "result": result,
            },
            status=status,
        )

    def get(self, request, pk):
        return self.render_page(request, exante_or_404(request, pk))

    def post(self, request, pk):
        assessment = exante_or_404(request, pk)
        form = AssessmentImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_page(request, assessment, form=form, status=400)
        upload = form.cleaned_data["file"]
        if upload.size > importing.MAX_BYTES:
            form.add_error("file", _("The file is larger than %(mb)d MB.") % {"mb": importing.MAX_BYTES // 1048576})
            return self.render_page(request, assessment, form=form, status=400)
        outcome = {}

        def call():
            outcome["result"] = appraisal_import.run(
                assessment=assessment,
                content=upload.read(),
                actor=request.user,
                expected_version=form.cleaned_data.get("version"),
                file_name=upload.name,
            )

        def on_error(exc):
            apply_error(form, exc)
            return self.render_page(request, assessment, form=form, status=409 if exc.status_code == 409 else 400)

        failed = _write(request, assessment, call, on_error)
        if failed is not None:
            return failed
        result = outcome["result"]
        if not result.valid:
            return self.render_page(request, assessment, form=form, result=result, status=400)
        messages.success(request, _("The score sheet was imported."))
        return redirect("budgets:exante_detail", pk=assessment.pk)


class ExAnteImportTemplateView(AnyPermMixin, View):
    """The assessment's sheet as it is now, in the import's columns."""

    perms = WORKERS

    def get(self, request, pk):
        assessment = exante_or_404(request, pk)
        response = HttpResponse(appraisal_import.template_workbook(assessment), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="exante-{assessment.pk}.xlsx"'
        return response
