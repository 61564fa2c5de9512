"""Pages of ex-ante assessments, third-party work packages and key evaluations (docs/budgets.md)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from core.errors import ApplicationError
from core.roles import P
from core.uploads import serve_file
from core.views_mixins import PermMixin, apply_error

from .. import appraisal_selectors as aps
from .. import selectors, services
from ..appraisal_forms import (
    EvidenceForm,
    ExAnteForm,
    PackageForm,
    PeriodForm,
    ReviewForm,
    StartForm,
    SubmitForm,
)
from ..models import (
    AppraisalEvidence,
    AssessorKind,
    BudgetProject,
    ExAnteAssessment,
    KeyEvaluation,
    PackageKind,
    WorkPackage,
    WorkStatus,
)
from ..services.appraisal_work import AssignmentClosed, NotAssigned, check_package_open, is_evaluator
from .base import AnyPermMixin

READ = (P.READ_OWN_BUDGETS, P.READ_ALL_BUDGETS, P.EVALUATE_ASSIGNED)
WORKERS = (P.REVIEW_BUDGET, P.EVALUATE_ASSIGNED)


def _year(request) -> int:
    value = request.GET.get("year", "")
    return int(value) if value.isdigit() and 2000 <= int(value) <= 2100 else timezone.localdate().year


def _in_period(request, work) -> None:
    """The evaluator uses its work only while its package's period runs."""
    if is_evaluator(request.user) and work.package_id:
        try:
            check_package_open(work.package)
        except AssignmentClosed as exc:
            raise PermissionDenied(exc.message) from None


def exante_or_404(request, pk) -> ExAnteAssessment:
    try:
        assessment = aps.exante_get_for_user(user=request.user, pk=pk)
    except ExAnteAssessment.DoesNotExist:
        raise Http404 from None
    _in_period(request, assessment)
    return assessment


def key_or_404(request, pk) -> KeyEvaluation:
    try:
        key = aps.key_get_for_user(user=request.user, pk=pk)
    except KeyEvaluation.DoesNotExist:
        raise Http404 from None
    _in_period(request, key)
    return key


def package_or_404(request, pk) -> WorkPackage:
    try:
        return aps.package_get_for_user(user=request.user, pk=pk)
    except WorkPackage.DoesNotExist:
        raise Http404 from None


def can_work(user, work) -> bool:
    """Whether the user writes this work: the firm its own assigned work, finance its own."""
    if not work.is_editable:
        return False
    if is_evaluator(user):
        return work.package_id is not None and work.package.evaluator_id == user.pk
    return user.has_perm(P.REVIEW_BUDGET) and work.assessor_kind == AssessorKind.FINANCE


def _project_for_start(request, pk) -> BudgetProject:
    """Finance reaches every project; the firm only those its packages cover (the service checks)."""
    if is_evaluator(request.user):
        try:
            return BudgetProject.objects.select_related("department").get(pk=pk)
        except BudgetProject.DoesNotExist:
            raise Http404 from None
    try:
        return selectors.project_get_for_user(user=request.user, pk=pk)
    except BudgetProject.DoesNotExist:
        raise Http404 from None


def _packages(request, kind: str):
    qs = aps.packages_for_user(user=request.user).filter(kind=kind)
    return qs


class AppraisalHomeView(AnyPermMixin, View):
    """Finance: assignments, ex-ante assessments and key evaluations of a year; the firm: its own work."""

    perms = WORKERS

    def get(self, request):
        year = _year(request)
        user = request.user
        context = {
            "year": year,
            "years": sorted({year - 1, year, year + 1, *selectors.project_years()}, reverse=True),
            "packages": aps.packages_for_user(user=user, year=year),
            "assessments": aps.exante_for_user(user=user, year=year),
            "keys": aps.keys_for_user(user=user, year=year),
            "is_finance": user.has_perm(P.REVIEW_BUDGET),
            "today": timezone.localdate(),
        }
        if context["is_finance"]:
            policy = selectors.policy_for_year(year=year)
            candidates = BudgetProject.objects.filter(
                year=year, is_continuing=False, amount__gte=policy.exante_threshold
            ).select_related("department")
            concluded = aps.concluded_by_project(project_ids=[p.pk for p in candidates])
            context["policy"] = policy
            context["needing"] = [{"project": p, "assessment": concluded.get(p.pk)} for p in candidates]
        return render(request, "budgets/appraisal_home.html", context)


class PackageCreateView(PermMixin, View):
    perm = P.REVIEW_BUDGET

    def _render(self, request, form, status=200):
        return render(request, "budgets/package_form.html", {"form": form}, status=status)

    def get(self, request):
        return self._render(request, PackageForm(year=_year(request)))

    def post(self, request):
        form = PackageForm(request.POST, year=_year(request))
        if form.is_valid():
            try:
                package = services.package_create(actor=request.user, data=form.cleaned_data)
            except ApplicationError as exc:
                apply_error(form, exc)
            else:
                messages.success(request, _("Work assigned."))
                return redirect("budgets:package_detail", pk=package.pk)
        return self._render(request, form, status=400)


def render_package(request, package, status=200, period_form=None):
    user = request.user
    projects = list(aps.package_projects(package=package))
    ids = [p.pk for p in projects]
    exante = {}
    for a in aps.exante_for_user(user=user).filter(project_id__in=ids).order_by("project_id", "number"):
        exante[a.project_id] = a
    keys = {}
    for k in aps.keys_for_user(user=user).filter(project_id__in=ids).order_by("project_id", "number"):
        keys[k.project_id] = k
    rows = [{"project": p, "assessment": exante.get(p.pk), "key": keys.get(p.pk)} for p in projects]
    context = {
        "package": package,
        "rows": rows,
        "open": package.is_open(),
        "is_finance": user.has_perm(P.REVIEW_BUDGET),
        "is_evaluator": is_evaluator(user),
    }
    if context["is_finance"]:
        context["period_form"] = period_form or PeriodForm(
            initial={"starts_on": package.starts_on, "ends_on": package.ends_on, "version": package.version}
        )
    return render(request, "budgets/package_detail.html", context, status=status)


class PackageDetailView(AnyPermMixin, View):
    perms = WORKERS

    def get(self, request, pk):
        return render_package(request, package_or_404(request, pk))


class PackageEditView(PermMixin, View):
    perm = P.REVIEW_BUDGET

    def post(self, request, pk):
        package = package_or_404(request, pk)
        form = PeriodForm(request.POST)
        if form.is_valid():
            try:
                services.package_update(
                    package=package,
                    actor=request.user,
                    data={"starts_on": form.cleaned_data["starts_on"], "ends_on": form.cleaned_data["ends_on"]},
                    expected_version=form.cleaned_data.get("version"),
                )
            except ApplicationError as exc:
                apply_error(form, exc)
            else:
                messages.success(request, _("The period is changed."))
                return redirect("budgets:package_detail", pk=package.pk)
        return render_package(request, package, status=400, period_form=form)


class _StartView(AnyPermMixin, View):
    perms = WORKERS
    kind: str = PackageKind.EX_ANTE

    def start(self, **kwargs):
        raise NotImplementedError

    def post(self, request, pk):
        project = _project_for_start(request, pk)
        form = StartForm(request.POST, packages=_packages(request, self.kind))
        if not form.is_valid():
            messages.error(request, _("Choose a work package of yours."))
            return redirect("budgets:appraisal_home")
        try:
            work = self.start(project=project, actor=request.user, package=form.cleaned_data.get("package"))
        except NotAssigned:
            raise Http404 from None
        except AssignmentClosed as exc:
            raise PermissionDenied(exc.message) from None
        except ApplicationError as exc:
            messages.error(request, exc.message)
            if is_evaluator(request.user):
                return redirect("budgets:appraisal_home")
            return redirect("budgets:project_detail", pk=project.pk)
        messages.success(request, _("Started."))
        return redirect(self.detail, pk=work.pk)


class ExAnteStartView(_StartView):
    kind = PackageKind.EX_ANTE
    detail = "budgets:exante_detail"

    def start(self, **kwargs):
        return services.exante_start(**kwargs)


class KeyStartView(_StartView):
    kind = PackageKind.KEY
    detail = "budgets:key_detail"

    def start(self, **kwargs):
        return services.key_start(**kwargs)


def render_exante(request, assessment, status=200, form=None, review_form=None, evidence_form=None, submit_form=None):
    user = request.user
    editable = can_work(user, assessment)
    project = assessment.project
    context = {
        "assessment": assessment,
        "project": project,
        "targets": selectors.targets_of(project=project),
        "lines": list(assessment.lines.all()),
        "can_work": editable,
        "required": services.exante_required(project),
        "policy": selectors.policy_for_year(year=project.year),
    }
    if editable:
        context["form"] = form or ExAnteForm(assessment=assessment)
        context["evidence_form"] = evidence_form or EvidenceForm()
        context["submit_form"] = submit_form or SubmitForm(initial={"version": assessment.version})
        context["problems"] = services.exante_problems(assessment)
    if user.has_perm(P.REVIEW_BUDGET) and assessment.status == WorkStatus.SUBMITTED:
        context["review_form"] = review_form or ReviewForm(initial={"version": assessment.version})
    return render(request, "budgets/exante_detail.html", context, status=status)


class ExAnteDetailView(AnyPermMixin, View):
    perms = READ

    def get(self, request, pk):
        return render_exante(request, exante_or_404(request, pk))


class ExAnteReportView(AnyPermMixin, View):
    """The printable assessment report (事前绩效评估报告)."""

    perms = READ

    def get(self, request, pk):
        assessment = exante_or_404(request, pk)
        return render(
            request,
            "budgets/exante_report.html",
            {
                "assessment": assessment,
                "project": assessment.project,
                "lines": list(assessment.lines.all()),
                "targets": selectors.targets_of(project=assessment.project),
                "printed_at": timezone.localtime(),
            },
        )


def _write(request, work, call, on_error):
    try:
        call()
    except NotAssigned:
        raise Http404 from None
    except AssignmentClosed as exc:
        raise PermissionDenied(exc.message) from None
    except ApplicationError as exc:
        return on_error(exc)
    return None


class ExAnteEditView(AnyPermMixin, View):
    perms = WORKERS

    def post(self, request, pk):
        assessment = exante_or_404(request, pk)
        form = ExAnteForm(request.POST, assessment=assessment)
        if form.is_valid():

            def on_error(exc):
                apply_error(form, exc)
                return render_exante(request, assessment, status=409 if exc.status_code == 409 else 400, form=form)

            failed = _write(
                request,
                assessment,
                lambda: services.exante_save(
                    assessment=assessment,
                    actor=request.user,
                    data=form.data_for_service(),
                    expected_version=form.cleaned_data.get("version"),
                ),
                on_error,
            )
            if failed is not None:
                return failed
            messages.success(request, _("Saved."))
            return redirect("budgets:exante_detail", pk=assessment.pk)
        return render_exante(request, assessment, status=400, form=form)


class ExAnteEvidenceView(AnyPermMixin, View):
    perms = WORKERS

    def post(self, request, pk):
        assessment = exante_or_404(request, pk)
        form = EvidenceForm(request.POST, request.FILES)
        if form.is_valid():
            line = assessment.lines.filter(dimension=form.cleaned_data["dimension"]).first()
            if line is None:
                raise Http404

            def on_error(exc):
                apply_error(form, exc)
                return render_exante(request, assessment, status=400, evidence_form=form)

            failed = _write(
                request,
                assessment,
                lambda: services.exante_evidence_add(
                    line=line, upload=form.cleaned_data["evidence"], actor=request.user
                ),
                on_error,
            )
            if failed is not None:
                return failed
            messages.success(request, _("Evidence uploaded."))
            return redirect("budgets:exante_detail", pk=assessment.pk)
        return render_exante(request, assessment, status=400, evidence_form=form)


class EvidenceDownloadView(AnyPermMixin, View):
    perms = READ

    def get(self, request, pk):
        try:
            evidence = AppraisalEvidence.objects.select_related("line", "key_line").get(pk=pk)
        except AppraisalEvidence.DoesNotExist:
            raise Http404 from None
        # The same access as the work the file belongs to.
        if evidence.line_id:
            exante_or_404(request, evidence.line.assessment_id)
        else:
            key_or_404(request, evidence.key_line.evaluation_id)
        return serve_file(evidence.file, name=evidence.original_name, content_type=evidence.content_type)


def _show_errors(form, exc: ApplicationError) -> None:
    """A refused submit's field errors on the saved sheet's (unbound) form, the rest on top."""
    for field, msgs in exc.errors.items():
        key = field if field in form.fields else "__all__"
        form.errors.setdefault(key, form.error_class()).extend(msgs)


class _ReviewView(PermMixin, View):
    """Finance accepts submitted work or returns it with reasons (ex-ante assessment or key evaluation).

    A subclass names its detail page and gives ``get_work``, ``review`` and ``render_page``.
    """

    perm = P.REVIEW_BUDGET

    detail = ""

    def post(self, request, pk):
        work = self.get_work(request, pk)
        form = ReviewForm(request.POST)
        if form.is_valid():
            try:
                self.review(
                    work,
                    actor=request.user,
                    decision=form.cleaned_data["decision"],
                    reason=form.cleaned_data.get("reason", ""),
                    expected_version=form.cleaned_data.get("version"),
                )
            except ApplicationError as exc:
                apply_error(form, exc)
            else:
                messages.success(request, _("Review recorded."))
                return redirect(self.detail, pk=work.pk)
        return self.render_page(request, work, form)


class ExAnteSubmitView(AnyPermMixin, View):
    perms = WORKERS

    def post(self, request, pk):
        assessment = exante_or_404(request, pk)
        form = SubmitForm(request.POST)
        form.is_valid()

        def on_error(exc):
            messages.error(request, exc.message)
            bound = ExAnteForm(assessment=assessment)
            _show_errors(bound, exc)
            return render_exante(request, assessment, status=409 if exc.status_code == 409 else 400, form=bound)

        failed = _write(
            request,
            assessment,
            lambda: services.exante_submit(
                assessment=assessment, actor=request.user, expected_version=form.cleaned_data.get("version")
            ),
            on_error,
        )
        if failed is not None:
            return failed
        if is_evaluator(request.user):
            messages.success(request, _("Submitted to finance for review."))
        else:
            messages.success(request, _("The assessment is concluded."))
        return redirect("budgets:exante_detail", pk=assessment.pk)


class ExAnteReviewView(_ReviewView):
    detail = "budgets:exante_detail"

    def get_work(self, request, pk):
        return exante_or_404(request, pk)

    def review(self, work, **kwargs):
        services.exante_review(assessment=work, **kwargs)

    def render_page(self, request, work, form):
        return render_exante(request, work, status=400, review_form=form)


class KeyGapsView(PermMixin, View):
    """Self-evaluation against key evaluation per department: how well each runs performance management."""

    perm = P.REVIEW_BUDGET

    def get(self, request):
        year = _year(request)
        return render(
            request,
            "budgets/key_gaps.html",
            {
                "year": year,
                "years": sorted({year - 1, year, *selectors.project_years()}, reverse=True),
                "rows": aps.gaps_by_department(year=year),
            },
        )
