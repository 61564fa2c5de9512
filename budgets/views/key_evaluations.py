"""Pages of key evaluations (财政重点评价): the four-dimension sheet with evidence, the self-evaluation
beside it with the gap, finance's review and the printable report (docs/budgets.md, section 7)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from core.roles import P
from core.views_mixins import apply_error

from .. import services
from ..appraisal_forms import EvidenceForm, KeyForm, ReviewForm, SubmitForm
from ..models import WorkStatus
from ..services.appraisal_work import is_evaluator
from .appraisals import READ, WORKERS, _ReviewView, _show_errors, _write, can_work, key_or_404
from .base import AnyPermMixin


def _beside(key) -> dict:
    self_evaluation = key.self_evaluation or services.latest_self_evaluation(key.project)
    return {
        "self_evaluation": self_evaluation,
        "gap": (self_evaluation.total - key.total) if self_evaluation and key.total is not None else None,
    }


def render_key(request, key, status=200, form=None, review_form=None, evidence_form=None):
    user = request.user
    editable = can_work(user, key)
    context = {"key": key, "project": key.project, "lines": list(key.lines.all()), "can_work": editable}
    context |= _beside(key)
    if editable:
        context["form"] = form or KeyForm(key=key)
        context["evidence_form"] = evidence_form or EvidenceForm()
        context["submit_form"] = SubmitForm(initial={"version": key.version})
        context["problems"] = services.key_problems(key)
    if user.has_perm(P.REVIEW_BUDGET) and key.status == WorkStatus.SUBMITTED:
        context["review_form"] = review_form or ReviewForm(initial={"version": key.version})
    return render(request, "budgets/key_detail.html", context, status=status)


class KeyDetailView(AnyPermMixin, View):
    perms = READ

    def get(self, request, pk):
        return render_key(request, key_or_404(request, pk))


class KeyReportView(AnyPermMixin, View):
    """The printable key evaluation report (财政重点评价报告)."""

    perms = READ

    def get(self, request, pk):
        key = key_or_404(request, pk)
        context = {"key": key, "project": key.project, "lines": list(key.lines.all())}
        context |= _beside(key) | {"printed_at": timezone.localtime()}
        return render(request, "budgets/key_report.html", context)


class KeyEditView(AnyPermMixin, View):
    perms = WORKERS

    def post(self, request, pk):
        key = key_or_404(request, pk)
        form = KeyForm(request.POST, key=key)
        if form.is_valid():

            def on_error(exc):
                apply_error(form, exc)
                return render_key(request, key, status=409 if exc.status_code == 409 else 400, form=form)

            failed = _write(
                request,
                key,
                lambda: services.key_save(
                    key=key,
                    actor=request.user,
                    data=form.data_for_service(),
                    expected_version=form.cleaned_data.get("version"),
                ),
                on_error,
            )
            if failed is not None:
                return failed
            messages.success(request, _("Saved."))
            return redirect("budgets:key_detail", pk=key.pk)
        return render_key(request, key, status=400, form=form)


class KeyEvidenceView(AnyPermMixin, View):
    perms = WORKERS

    def post(self, request, pk):
        key = key_or_404(request, pk)
        form = EvidenceForm(request.POST, request.FILES)
        if form.is_valid():
            line = key.lines.filter(dimension=form.cleaned_data["dimension"]).first()
            if line is None:
                raise Http404

            def on_error(exc):
                apply_error(form, exc)
                return render_key(request, key, status=400, evidence_form=form)

            failed = _write(
                request,
                key,
                lambda: services.key_evidence_add(line=line, upload=form.cleaned_data["evidence"], actor=request.user),
                on_error,
            )
            if failed is not None:
                return failed
            messages.success(request, _("Evidence uploaded."))
            return redirect("budgets:key_detail", pk=key.pk)
        return render_key(request, key, status=400, evidence_form=form)


class KeySubmitView(AnyPermMixin, View):
    perms = WORKERS

    def post(self, request, pk):
        key = key_or_404(request, pk)
        form = SubmitForm(request.POST)
        form.is_valid()

        def on_error(exc):
            messages.error(request, exc.message)
            bound = KeyForm(key=key)
            _show_errors(bound, exc)
            return render_key(request, key, status=409 if exc.status_code == 409 else 400, form=bound)

        failed = _write(
            request,
            key,
            lambda: services.key_submit(key=key, actor=request.user, expected_version=form.cleaned_data.get("version")),
            on_error,
        )
        if failed is not None:
            return failed
        if is_evaluator(request.user):
            messages.success(request, _("Submitted to finance for review."))
        else:
            messages.success(request, _("Submitted."))
        return redirect("budgets:key_detail", pk=key.pk)


class KeyReviewView(_ReviewView):
    detail = "budgets:key_detail"

    def get_work(self, request, pk):
        return key_or_404(request, pk)

    def review(self, work, **kwargs):
        services.key_review(key=work, **kwargs)

    def render_page(self, request, work, form):
        return render_key(request, work, status=400, review_form=form)
