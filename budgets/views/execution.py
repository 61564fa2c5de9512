"""Finance's execution pages: tranches, spending, year-end values and the evaluation."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from core.errors import ApplicationError
from core.roles import P
from core.views_mixins import PermMixin, apply_error

from .. import selectors, services
from ..forms import ActualsForm, ReleaseForm, SpendingForm, TrancheForm
from ..models import Evaluation, Tranche
from .base import project_or_404, render_detail


def stored_values(targets) -> dict:
    """The year-end values as they are stored, as the actuals form posts them."""
    data = {}
    for t in targets:
        data[f"actual_{t.pk}"] = "" if t.actual is None else format(t.actual.normalize(), "f")
        data[f"note_{t.pk}"] = t.actual_note
        data[f"not_applicable_reason_{t.pk}"] = t.not_applicable_reason
        if t.not_applicable:
            data[f"not_applicable_{t.pk}"] = "on"
    return data


def _to_tab(project, tab: str):
    return redirect(f"{reverse('budgets:project_detail', args=[project.pk])}?tab={tab}")


class SpendingCreateView(PermMixin, View):
    perm = P.REVIEW_BUDGET

    def post(self, request, pk):
        project = project_or_404(request, pk)
        form = SpendingForm(request.POST, project=project)
        if form.is_valid():
            try:
                services.spending_record(project=project, actor=request.user, **form.cleaned_data)
            except ApplicationError as exc:
                apply_error(form, exc)
            else:
                messages.success(request, _("Spending recorded."))
                return _to_tab(project, "execution")
        return render_detail(request, project, "execution", spending_form=form, status=400)


class TrancheCreateView(PermMixin, View):
    perm = P.REVIEW_BUDGET

    def render_form(self, request, project, form):
        return render(
            request,
            "budgets/form.html",
            {
                "form": form,
                "project": project,
                "title": _("New tranche"),
                "cancel": f"{reverse('budgets:project_detail', args=[project.pk])}?tab=execution",
            },
        )

    def get(self, request, pk):
        project = project_or_404(request, pk)
        return self.render_form(request, project, TrancheForm(project=project))

    def post(self, request, pk):
        project = project_or_404(request, pk)
        form = TrancheForm(request.POST, project=project)
        if form.is_valid():
            try:
                services.tranche_create(project=project, actor=request.user, **form.cleaned_data)
            except ApplicationError as exc:
                apply_error(form, exc)
            else:
                messages.success(request, _("Tranche added."))
                return _to_tab(project, "execution")
        return self.render_form(request, project, form)


class TrancheReleaseView(PermMixin, View):
    perm = P.REVIEW_BUDGET

    def post(self, request, pk, tid):
        project = project_or_404(request, pk)
        tranche = get_object_or_404(Tranche, project=project, pk=tid)
        form = ReleaseForm(request.POST)
        if form.is_valid():
            try:
                services.tranche_release(tranche=tranche, actor=request.user, note=form.cleaned_data["note"])
            except ApplicationError as exc:
                apply_error(form, exc)
            else:
                messages.success(request, _("Tranche released: %(name)s") % {"name": tranche.name})
                return _to_tab(project, "execution")
        return render_detail(request, project, "execution", release_form=form, release_tranche=tranche.pk, status=400)


class ActualsView(PermMixin, View):
    """Year-end actual values of the project's targets (finance)."""

    perm = P.REVIEW_BUDGET

    def post(self, request, pk):
        project = project_or_404(request, pk)
        form = ActualsForm(request.POST, targets=selectors.targets_of(project=project))
        if form.is_valid():
            try:
                changed = services.actuals_record(project=project, actor=request.user, values=form.values())
            except ApplicationError as exc:
                apply_error(form, exc)
            else:
                messages.success(request, _("%(n)d values saved.") % {"n": changed})
                if "evaluate" in request.POST:
                    return EvaluateView().post(request, pk)
                return _to_tab(project, "evaluation")
        return render_detail(request, project, "evaluation", actuals_form=form, status=400)


class EvaluateView(PermMixin, View):
    perm = P.REVIEW_BUDGET

    def post(self, request, pk):
        project = project_or_404(request, pk)
        try:
            evaluation = services.evaluation_compute(project=project, actor=request.user)
        except ApplicationError as exc:
            # The blank targets are marked on the form of the stored values, the message naming them.
            targets = selectors.targets_of(project=project)
            form = ActualsForm(stored_values(targets), targets=targets)
            form.is_valid()
            apply_error(form, exc)
            form.add_error(None, exc.message)
            form.evaluation_refused = True
            return render_detail(request, project, "evaluation", actuals_form=form, status=400)
        messages.success(
            request,
            _("Evaluated: %(total)s points, %(grade)s. A draft until finance confirms it; published separately.")
            % {"total": evaluation.total, "grade": evaluation.get_grade_display()},
        )
        return _to_tab(project, "evaluation")


class EvaluationStepView(PermMixin, View):
    """Finance confirms the latest draft evaluation, or publishes (公开) a confirmed one."""

    perm = P.REVIEW_BUDGET
    step = "confirm"

    def post(self, request, pk, number):
        project = project_or_404(request, pk)
        evaluation = get_object_or_404(Evaluation, project=project, number=number)
        service = services.evaluation_confirm if self.step == "confirm" else services.evaluation_publish
        try:
            service(evaluation=evaluation, actor=request.user)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            done = _("Evaluation #%(n)s confirmed.") if self.step == "confirm" else _("Evaluation #%(n)s published.")
            messages.success(request, done % {"n": number})
        return _to_tab(project, "evaluation")
