"""The supervision office: review queue, entry and report decisions, reporting health."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views import View

from core.errors import ApplicationError
from core.roles import P
from core.views_mixins import PermMixin
from organizations.models import RankingGroup

from .. import selectors, services
from ..models import Entry, Quarter, ReportStatus
from .common import plan_from_request, run, version_of


class ReviewQueueView(PermMixin, View):
    perm = P.READ_ALL_REPORTS

    def get(self, request):
        plan = plan_from_request(request)
        if plan is None:
            return render(request, "assessments/no_plan.html")
        quarters = list(plan.quarters.all())
        quarter = None
        qid = request.GET.get("quarter")
        if qid and qid.isdigit():
            quarter = next((q for q in quarters if q.pk == int(qid)), None)
        elif "quarter" not in request.GET:
            quarter = selectors.current_quarter(plan)
        status = request.GET.get("status", "")
        lateness = request.GET.get("lateness", "")
        group = request.GET.get("group", "")
        rows = selectors.review_queue(
            user=request.user,
            quarter=quarter,
            group=group,
            status=status if status in ReportStatus.values else "",
            lateness=lateness,
        )
        return render(
            request,
            "assessments/review_queue.html",
            {
                "plan": plan,
                "plans": selectors.plans_list(),
                "quarters": quarters,
                "quarter": quarter,
                "rows": rows,
                "groups": RankingGroup.objects.all(),
                "statuses": ReportStatus.choices,
                "f": {"status": status, "lateness": lateness, "group": group},
            },
        )


class EntryReviewView(PermMixin, View):
    """Approve or return one entry (htmx): returns the entry's review block."""

    perm = P.REVIEW_REPORT

    def post(self, request, pk, entry_pk):
        report = selectors.report_get_for_user(user=request.user, pk=pk)
        entry = get_object_or_404(Entry.objects.select_related("assignment__indicator"), pk=entry_pk, report=report)
        error = None
        try:
            entry = services.entry_review(
                entry=entry,
                decision=request.POST.get("decision", ""),
                comment=request.POST.get("comment", ""),
                actor=request.user,
            )
        except ApplicationError as exc:
            error = exc.message
        if request.headers.get("HX-Request"):
            entry.review_history = list(entry.reviews.select_related("reviewer", "revision").order_by("-at", "-id"))
            return render(
                request,
                "assessments/_entry_review.html",
                {"entry": entry, "report": report, "review_error": error, "can_review": True},
            )
        if error:
            from django.contrib import messages

            messages.error(request, error)
        return redirect("assessments:report_detail", pk=report.pk)


class ReportDecisionView(PermMixin, View):
    """Approve, return (with a reason) or complete the review of the whole report."""

    perm = P.REVIEW_REPORT

    def post(self, request, pk):
        report = selectors.report_get_for_user(user=request.user, pk=pk)
        action = request.POST.get("action")
        reason = request.POST.get("reason", "")
        try:
            kwargs = {"report": report, "actor": request.user, "expected_version": version_of(request)}
            if action == "approve":
                services.report_approve(comment=reason, **kwargs)
                success = _("The report is approved.")
            elif action == "return":
                services.report_return(reason=reason, **kwargs)
                success = _("The report is returned.")
            else:
                services.report_review_complete(reason=reason, **kwargs)
                success = _("Review completed.")
        except ApplicationError as exc:
            # The page again, the typed comment kept, the error once beside the comment box.
            from .reports import _report_context

            report.refresh_from_db()
            context = _report_context(request, report)
            context.update(
                {
                    "decision_error": exc.errors.get("reason", [exc.message])[0],
                    "decision_reason": reason,
                }
            )
            return render(request, "assessments/report.html", context, status=400)
        messages.success(request, success)
        return redirect("assessments:report_detail", pk=report.pk)


class QuarterReopenView(PermMixin, View):
    perm = P.MANAGE_PLAN

    def post(self, request, pk):
        import datetime as dt

        quarter = get_object_or_404(Quarter.objects.select_related("plan"), pk=pk)
        raw = request.POST.get("until", "")
        try:
            until = dt.date.fromisoformat(raw)
        except ValueError:
            from django.contrib import messages

            messages.error(request, _("Enter the date as YYYY-MM-DD."))
            return redirect("assessments:plan_detail", year=quarter.plan.year)
        run(
            request,
            services.quarter_reopen,
            quarter=quarter,
            until=until,
            actor=request.user,
            reason=request.POST.get("reason", ""),
            success=_("%(q)s is reopened until %(d)s.") % {"q": quarter, "d": until.isoformat()},
        )
        return redirect("assessments:plan_detail", year=quarter.plan.year)


class HealthView(PermMixin, View):
    """Reporting health: expected / submitted / on time / late / missing, and each filer's last update;
    filtered by ranking group and state, exported as xlsx; departments may be urged (催报) from it."""

    perm = P.READ_REPORTING_HEALTH

    def get(self, request):
        plan = plan_from_request(request)
        if plan is None:
            return render(request, "assessments/no_plan.html")
        group = request.GET.get("group", "")
        state = request.GET.get("state", "")
        data = selectors.reporting_health(plan=plan, group=group, state=state)
        if request.GET.get("format") == "xlsx":
            from ..exports import health_xlsx

            return health_xlsx(plan, data)
        today = timezone.localdate()
        begun = [q for q in data["quarters"] if q.period_start <= today]
        return render(
            request,
            "assessments/health.html",
            {
                "plan": plan,
                "plans": selectors.plans_list(),
                "groups": RankingGroup.objects.order_by("order", "code"),
                "group": group,
                "state": state,
                "states": HEALTH_STATE_LABELS,
                "can_urge": request.user.has_perm(P.REVIEW_REPORT) and bool(begun),
                "urge_quarter": selectors.current_quarter(plan, today) if begun else None,
                "urge_quarters": begun,
                **data,
            },
        )


HEALTH_STATE_LABELS = [
    ("missing", _lazy("Missing")),
    ("pending", _lazy("Not yet submitted")),
    ("late", _lazy("Late")),
    ("on_time", _lazy("On time")),
]


class HealthUrgeView(PermMixin, View):
    """催报: remind the chosen departments that have not submitted the chosen quarter's report."""

    perm = P.REVIEW_REPORT

    def post(self, request):
        quarter = get_object_or_404(Quarter.objects.select_related("plan"), pk=request.POST.get("quarter") or 0)
        ids = [int(v) for v in request.POST.getlist("departments") if v.isdigit()]
        try:
            urged = services.reports_urge(quarter=quarter, department_ids=ids, actor=request.user)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("Reminder sent to %(n)s departments: %(names)s.")
                % {"n": len(urged), "names": "、".join(d.name for d in urged)},
            )
        return redirect(reverse("assessments:health") + f"?year={quarter.plan.year}")
