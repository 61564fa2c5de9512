"""Filer pages: the dashboard, the report form with autosave, evidence, submission, history."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from core.errors import ApplicationError, ConflictError
from core.roles import DEPARTMENT_ROLES, P, acts_for
from core.uploads import serve_file
from core.views_mixins import PermMixin

from .. import selectors, services
from ..diff import revision_diff
from ..models import Entry, EntryReview, Evidence, Quarter, ReportStatus
from ..services.entries import filled_count, is_filled, needs_value
from .common import run, version_of


class DashboardView(PermMixin, View):
    """The department's dashboard: this quarter, its deadline, the report and what needs attention."""

    perm = P.READ_OWN_REPORTS

    def get(self, request):
        if request.user.role not in DEPARTMENT_ROLES:
            return redirect("assessments:review_queue")
        plan = selectors.current_plan()
        if plan is None:
            return render(request, "assessments/no_plan.html")
        data = selectors.dashboard_for_department(user=request.user, plan=plan)
        from notifications.selectors import notifications_for

        data.update({"plan": plan, "notifications": notifications_for(user=request.user)[:5]})
        return render(request, "assessments/dashboard.html", data)


class ReportOpenView(PermMixin, View):
    """Open (creating if needed) the department's report for a quarter."""

    perm = P.READ_OWN_REPORTS

    def get(self, request, year, number):
        if request.user.role not in DEPARTMENT_ROLES or not request.user.department_id:
            raise PermissionDenied
        quarter = get_object_or_404(Quarter.objects.select_related("plan"), plan__year=year, number=number)
        report = services.report_open(quarter=quarter, department=request.user.department)
        return redirect("assessments:report_detail", pk=report.pk)


# Where each field of an entry is on the form, for the error summary's links.
FIELD_ANCHORS = {
    "actual_value": "actual",
    "completion_pct": "completion",
    "narrative": "narrative",
    "problems": "problems",
    "next_steps": "next",
    "explanation": "explanation",
    "outlier_note": "outlier",
}


def _error_anchor(key: str) -> str:
    """ "entry-12-actual_value" → "e12-actual" (the input); an entry's other problems → its card."""
    parts = key.split("-", 2)
    if len(parts) != 3 or parts[0] != "entry" or not parts[1].isdigit():
        return ""
    field = FIELD_ANCHORS.get(parts[2])
    return f"e{parts[1]}-{field}" if field else f"entry-{parts[1]}"


def _report_context(request, report, errors=None):
    user = request.user
    entries = selectors.entries_for_report(report)
    own = acts_for(user, report.department_id)
    can_edit = own and user.has_perm(P.FILE_REPORT) and report.is_editable and not report.quarter.is_closed()
    can_review = user.has_perm(P.REVIEW_REPORT) and report.status == ReportStatus.SUBMITTED
    for e in entries:
        e.needs_value = needs_value(e)
        e.is_filled = is_filled(e)
        e.errors = {k.split("-", 2)[2]: v for k, v in (errors or {}).items() if k.startswith(f"entry-{e.pk}-")}
    filled = sum(1 for e in entries if e.is_filled)
    error_items = [{"message": m, "anchor": _error_anchor(key)} for key, msgs in (errors or {}).items() for m in msgs]
    return {
        "report": report,
        "filled": filled,
        "error_items": error_items,
        "quarter": report.quarter,
        "plan": report.quarter.plan,
        "entries": entries,
        "can_edit": can_edit,
        "can_submit": can_edit,
        "can_withdraw": own
        and user.has_perm(P.FILE_REPORT)
        and report.status in (ReportStatus.SUBMITTED, ReportStatus.PENDING_HEAD)
        and not report.quarter.is_closed()
        and not EntryReview.objects.filter(revision__report=report, revision__number=report.revision).exists(),
        "can_signoff": own and user.has_perm(P.SIGNOFF_REPORT) and report.status == ReportStatus.PENDING_HEAD,
        "can_review": can_review,
        "closed": report.quarter.is_closed(),
        "errors": errors or {},
        "revisions": list(report.revisions.select_related("submitted_by", "decided_by").order_by("-number")),
        "review_next": selectors.review_next(user=user, report=report) if user.has_perm(P.REVIEW_REPORT) else None,
    }


class ReportDetailView(PermMixin, View):
    """The report: the form for its department while editable, the review page for the supervisor,
    read-only for everyone else allowed to see it."""

    def get(self, request, pk):
        report = selectors.report_get_for_user(user=request.user, pk=pk)
        return render(request, "assessments/report.html", _report_context(request, report))


class EntrySaveView(PermMixin, View):
    """Autosave of one entry (htmx): returns its status, errors and new version as partial updates."""

    perm = P.FILE_REPORT

    def post(self, request, pk, entry_pk):
        report = selectors.report_get_for_user(user=request.user, pk=pk)
        entry = get_object_or_404(Entry, pk=entry_pk, report=report)
        data = {
            f: request.POST.get(f, "")
            for f in (
                "actual_value",
                "completion_pct",
                "narrative",
                "problems",
                "next_steps",
                "explanation",
                "outlier_note",
            )
            if f in request.POST
        }
        errors, conflict, saved = {}, None, False
        was_unusual = bool(entry.outlier)
        try:
            entry = services.entry_save(
                entry=entry, data=data, actor=request.user, expected_version=version_of(request)
            )
            saved = True
        except ConflictError as exc:
            conflict = exc.message
            entry.refresh_from_db()
        except ApplicationError as exc:
            errors = exc.errors or {"__all__": [exc.message]}
            entry.refresh_from_db()
        entry.needs_value = needs_value(entry)
        entry.is_filled = is_filled(entry)
        filled, total = filled_count(report)
        # Only the error slots the form shows: an out-of-band swap without its target is a script error.
        shown = "actual_value" if entry.needs_value else "completion_pct"
        response = render(
            request,
            "assessments/_entry_status.html",
            {
                "entry": entry,
                "errors": errors,
                "conflict": conflict,
                "saved": saved,
                "filled": filled,
                "total": total,
                "fields": (shown, "narrative", "problems", "next_steps", "explanation"),
                # The explanation box appears (or goes) as soon as the value turns unusual (or not).
                "outlier_changed": saved and bool(entry.outlier) != was_unusual,
            },
        )
        if request.headers.get("HX-Request"):
            return response
        # Without htmx (scripts off) the answer is the report page: say what happened there.
        if saved:
            messages.success(request, _("Saved."))
        elif conflict:
            messages.error(request, conflict)
        for field_errors in errors.values():
            for message in field_errors:
                messages.error(request, message)
        return redirect("assessments:report_detail", pk=report.pk)


class EvidenceUploadView(PermMixin, View):
    perm = P.FILE_REPORT

    def post(self, request, pk, entry_pk):
        report = selectors.report_get_for_user(user=request.user, pk=pk)
        entry = get_object_or_404(Entry, pk=entry_pk, report=report)
        error = None
        upload = request.FILES.get("evidence")
        if upload is None:
            error = _("Choose a file to upload.")
        else:
            try:
                services.evidence_add(entry=entry, upload=upload, actor=request.user)
            except ApplicationError as exc:
                error = exc.message
        if request.headers.get("HX-Request"):
            return render(
                request,
                "assessments/_evidence.html",
                {
                    "entry": entry,
                    "evidence_list": entry.evidence.filter(removed_at__isnull=True),
                    "evidence_error": error,
                    "can_edit": True,
                    "report": report,
                },
            )
        if error:
            messages.error(request, error)
        return redirect(f"{reverse('assessments:report_detail', args=[report.pk])}#entry-{entry.pk}")


class EvidenceDownloadView(PermMixin, View):
    """Evidence is served only through this view, after the same access check as its report."""

    def get(self, request, pk):
        evidence = get_object_or_404(Evidence.objects.select_related("entry__report"), pk=pk)
        selectors.report_get_for_user(user=request.user, pk=evidence.entry.report_id)
        if not evidence.file:
            raise Http404
        return serve_file(evidence.file, name=evidence.original_name, content_type=evidence.content_type)


class EvidenceRemoveView(PermMixin, View):
    perm = P.FILE_REPORT

    def post(self, request, pk):
        evidence = get_object_or_404(Evidence.objects.select_related("entry__report__quarter"), pk=pk)
        report = selectors.report_get_for_user(user=request.user, pk=evidence.entry.report_id, own=True)
        run(request, services.evidence_remove, evidence=evidence, actor=request.user)
        if request.headers.get("HX-Request"):
            entry = evidence.entry
            return render(
                request,
                "assessments/_evidence.html",
                {
                    "entry": entry,
                    "evidence_list": entry.evidence.filter(removed_at__isnull=True),
                    "can_edit": True,
                    "report": report,
                },
            )
        return redirect("assessments:report_detail", pk=report.pk)


class ReportSubmitView(PermMixin, View):
    perm = P.FILE_REPORT

    def post(self, request, pk):
        report = selectors.report_get_for_user(user=request.user, pk=pk, own=True)
        try:
            report = services.report_submit(report=report, actor=request.user, expected_version=version_of(request))
        except ApplicationError as exc:
            messages.error(request, exc.message)
            report.refresh_from_db()
            context = _report_context(request, report, errors=exc.errors)
            return render(request, "assessments/report.html", context, status=400)
        if report.status == ReportStatus.PENDING_HEAD:
            messages.success(request, _("Submitted to the department head for sign-off."))
        else:
            messages.success(request, _("Submitted to the supervision office."))
        return redirect("assessments:report_detail", pk=report.pk)


class ReportWithdrawView(PermMixin, View):
    """撤回: take a submitted report back before its review has begun."""

    perm = P.FILE_REPORT

    def post(self, request, pk):
        report = selectors.report_get_for_user(user=request.user, pk=pk, own=True)
        try:
            services.report_withdraw(report=report, actor=request.user, expected_version=version_of(request))
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The report is withdrawn: change it and submit it again."))
        return redirect("assessments:report_detail", pk=report.pk)


class ReportSignoffView(PermMixin, View):
    perm = P.SIGNOFF_REPORT

    def post(self, request, pk):
        report = selectors.report_get_for_user(user=request.user, pk=pk)
        if request.POST.get("action") == "return":
            run(
                request,
                services.report_head_return,
                report=report,
                actor=request.user,
                reason=request.POST.get("reason", ""),
                success=_("Returned to the filers."),
            )
        else:
            run(
                request,
                lambda **kw: services.report_signoff(expected_version=version_of(request), **kw),
                report=report,
                actor=request.user,
                success=_("Signed off and submitted."),
            )
        return redirect("assessments:report_detail", pk=report.pk)


class RevisionView(PermMixin, View):
    """One submitted revision as it was, with what changed since the one before."""

    def get(self, request, pk, number):
        report = selectors.report_get_for_user(user=request.user, pk=pk)
        revision = get_object_or_404(
            report.revisions.select_related("submitted_by", "decided_by", "signed_off_by"), number=number
        )
        previous = report.revisions.filter(number=number - 1).first()
        rows = revision_diff(report, revision, previous)
        reviews = list(revision.reviews.select_related("entry__assignment__indicator", "reviewer"))
        return render(
            request,
            "assessments/revision.html",
            {
                "report": report,
                "revision": revision,
                "previous": previous,
                "rows": rows,
                "reviews": reviews,
            },
        )
