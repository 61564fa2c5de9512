"""Scores and their ledgers, publication, events, qualitative grades and appeals (browser)."""

from __future__ import annotations

from collections import OrderedDict
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from core.errors import ApplicationError
from core.numbers import typed_number
from core.roles import P, acts_for
from core.uploads import serve_file
from core.views_mixins import PermMixin, apply_error
from indicators.models import Category
from organizations.models import RankingGroup

from .. import selectors, services
from ..exports import events_xlsx, scores_xlsx
from ..forms import EventFilterForm, EventForm
from ..inputs import STATE_LABELS
from ..models import Appeal, Assignment, Exemption, GradeAssessment, ScoreEvent
from ..recompute import periods_of, recompute_progress, scores_mark_dirty
from ..services.appeals import appeal_decide, appeal_file
from ..services.events import EXEMPTION_PERIODS
from ..services.publication import open_blockers, period_label, publication_checklist, scores_publish
from .common import plan_from_request, run


def _can_read_scores(user) -> bool:
    return user.has_perm(P.READ_ALL_SCORES) or user.has_perm(P.READ_OWN_SCORES)


class ScoresListView(PermMixin, View):
    def get(self, request):
        if not _can_read_scores(request.user):
            raise PermissionDenied
        plan = plan_from_request(request)
        if plan is None:
            return render(request, "assessments/no_plan.html")
        periods = [p for p, _n, _e in periods_of(plan)]
        period = request.GET.get("period") or selectors.default_period(plan=plan, periods=periods)
        if period not in periods:
            return HttpResponseBadRequest(
                "period: " + _("Choose one of the periods of the year."), content_type="text/plain; charset=utf-8"
            )
        group = request.GET.get("group", "")
        scores = selectors.scores_for_user(user=request.user).filter(plan=plan, period=period)
        if group:
            scores = scores.filter(group__code=group)
        scores = list(scores.order_by("group__order", "rank", "department__order"))
        previous = selectors.previous_totals(plan=plan, period=period)
        for s in scores:
            prev = previous.get(s.department_id)
            s.trend = None if prev is None else s.total - prev
        if request.GET.get("format") == "xlsx":
            return scores_xlsx(plan, period, scores)
        publication = selectors.publication_of(plan=plan, period=period)
        return render(
            request,
            "assessments/scores.html",
            {
                "plan": plan,
                "plans": selectors.plans_list(),
                "periods": periods,
                "period": period,
                "scores": scores,
                "groups": RankingGroup.objects.all(),
                "group": group,
                "publication": publication,
                "can_publish": request.user.has_perm(P.PUBLISH_SCORES) and publication is None,
                "provisional_count": sum(1 for s in scores if s.provisional),
                "waiting": recompute_progress(plan=plan),
                "can_recompute": request.user.has_perm(P.PUBLISH_SCORES),
            },
        )


class ScoresActionView(PermMixin, View):
    perm = P.PUBLISH_SCORES

    def post(self, request, year):
        plan = selectors.plan_get(year=year)
        period = request.POST.get("period", "")
        if request.POST.get("action") == "recompute":
            # Queued, never run inside the request: the page shows the progress until it is done.
            scores_mark_dirty(plan=plan)
            messages.success(request, _("The scores are queued for recomputation; this page shows when it is done."))
        return redirect(reverse("assessments:scores") + f"?year={year}&period={period}")


class RecomputeStatusView(PermMixin, View):
    """The recomputation's progress as a small fragment the pages poll (htmx)."""

    def get(self, request, year):
        if not _can_read_scores(request.user):
            raise PermissionDenied
        plan = selectors.plan_get(year=year)
        return render(
            request,
            "assessments/_recompute_status.html",
            {"plan": plan, "waiting": recompute_progress(plan=plan), "polled": True},
        )


class PublishView(PermMixin, View):
    """The publication checklist of a period: each blocker with its count and links; publishing
    when it is clear, or over it with a written waiver."""

    perm = P.PUBLISH_SCORES

    def _context(self, plan, period, waiver=""):
        blockers = publication_checklist(plan=plan, period=period)
        return {
            "plan": plan,
            "period": period,
            "period_label": period_label(period),
            "blockers": blockers,
            "open": open_blockers(blockers),
            "hard": [b for b in blockers if b.count and not b.waivable],
            "publication": selectors.publication_of(plan=plan, period=period),
            "waiver": waiver,
            "waiting": recompute_progress(plan=plan),
        }

    def _period(self, plan, raw):
        periods = [p for p, _n, _e in periods_of(plan)]
        if raw not in periods:
            raise Http404
        return raw

    def get(self, request, year):
        plan = selectors.plan_get(year=year)
        period = self._period(plan, request.GET.get("period", ""))
        return render(request, "assessments/publish.html", self._context(plan, period))

    def post(self, request, year):
        plan = selectors.plan_get(year=year)
        period = self._period(plan, request.POST.get("period", ""))
        waiver = request.POST.get("waiver", "")
        try:
            scores_publish(plan=plan, period=period, actor=request.user, waiver=waiver)
        except ApplicationError as exc:
            context = self._context(plan, period, waiver)
            context["field_errors"] = exc.errors
            if not exc.errors:  # shown beside its field when it has one, once
                context["error"] = exc.message
            return render(request, "assessments/publish.html", context, status=409)
        messages.success(request, _("%(period)s results are published.") % {"period": period_label(period)})
        return redirect(reverse("assessments:scores") + f"?year={year}&period={period}")


def _pk(raw) -> int:
    return int(raw) if str(raw or "").isdigit() else 0


class ExemptionView(PermMixin, View):
    """The supervision office declares an input not applicable (with a reason), or withdraws it."""

    perm = P.RECORD_EVENT

    def post(self, request):
        back = request.POST.get("next", "")
        if not back.startswith("/") or back.startswith("//"):
            back = reverse("assessments:scores")
        if request.POST.get("action") == "revoke":
            exemption = (
                Exemption.objects.select_related("assignment").filter(pk=_pk(request.POST.get("exemption"))).first()
            )
            if exemption is None:
                messages.error(request, _("No such exemption."))
            else:
                run(
                    request,
                    services.exemption_revoke,
                    exemption=exemption,
                    actor=request.user,
                    success=_("The exemption was withdrawn."),
                )
            return redirect(back)
        assignment = (
            Assignment.objects.select_related("plan", "indicator", "department")
            .filter(pk=_pk(request.POST.get("assignment")))
            .first()
        )
        if assignment is None:
            messages.error(request, _("Choose the input to declare not applicable."))
            return redirect(back)
        run(
            request,
            services.exemption_grant,
            assignment=assignment,
            period=request.POST.get("period", ""),
            reason=request.POST.get("reason", ""),
            actor=request.user,
            success=_("The input is declared not applicable; the scores are being recomputed."),
        )
        return redirect(back)


def _grouped_ledger(score, lines):
    """Ledger lines grouped by top-level category, with department-level lines last."""
    names = {c.code: c for c in Category.objects.filter(library=score.plan.library, parent__isnull=True)}
    groups: OrderedDict = OrderedDict()
    for cat in score.categories:
        groups[cat["code"]] = {
            "code": cat["code"],
            "name": cat["name"],
            "points": cat["points"],
            "score": cat["score"],
            "lines": [],
        }
    other = {"code": "", "name": _("Bonus, deductions and grade"), "points": None, "score": Decimal(0), "lines": []}
    for ln in lines:
        target = groups.get(ln.category_code) if ln.category_code else None
        if target is None and ln.category_code and ln.category_code in names:
            c = names[ln.category_code]
            target = groups.setdefault(
                c.code, {"code": c.code, "name": c.name, "points": c.points, "score": 0, "lines": []}
            )
        (target or other)["lines"].append(ln)
        if target is None:
            other["score"] += ln.points
    return [*groups.values(), other] if other["lines"] else list(groups.values())


class ScoreDetailView(PermMixin, View):
    """A department's score with its ledger grouped by category, revisions and appeals."""

    def get(self, request, code, year, period):
        if not _can_read_scores(request.user):
            raise PermissionDenied
        score = selectors.score_get_for_user(user=request.user, code=code, year=year, period=period)
        lines = selectors.ledger_of(score)
        publication = selectors.publication_of(plan=score.plan, period=period)
        window_open = publication is not None and timezone.localdate() <= publication.appeal_deadline
        own = acts_for(request.user, score.department_id)
        appeals = list(score.appeals.select_related("filed_by", "decided_by"))
        open_keys = {a.line_key for a in appeals if a.status == Appeal.Status.OPEN}
        can_exempt = request.user.has_perm(P.RECORD_EVENT)
        exemptions = (
            list(
                Exemption.objects.filter(
                    assignment__plan=score.plan, assignment__department=score.department
                ).select_related("assignment__indicator", "granted_by")
            )
            if can_exempt or own or request.user.has_perm(P.READ_ALL_SCORES)
            else []
        )
        return render(
            request,
            "assessments/score_detail.html",
            {
                "score": score,
                "groups": _grouped_ledger(score, lines),
                "outlook": selectors.score_outlook(score, lines),
                "state_labels": {str(k): v for k, v in STATE_LABELS.items()},
                "can_exempt": can_exempt and not score.published,
                "exemptions": exemptions,
                "exemption_periods": EXEMPTION_PERIODS,
                "publication": publication,
                "can_appeal": own and request.user.has_perm(P.FILE_APPEAL) and score.published and window_open,
                "appeals": appeals,
                "open_keys": open_keys,
                "revisions": list(score.revisions.order_by("-number")),
                "appealable": ("indicator", "deduction", "veto"),
            },
        )


class AppealFileView(PermMixin, View):
    perm = P.FILE_APPEAL

    def post(self, request, code, year, period):
        score = selectors.score_get_for_user(user=request.user, code=code, year=year, period=period)
        appeal = run(
            request,
            appeal_file,
            score=score,
            line_key=request.POST.get("line_key", ""),
            reason=request.POST.get("reason", ""),
            evidence=request.FILES.get("evidence"),
            actor=request.user,
            success=_("Your appeal was filed; the supervision office will decide."),
        )
        if appeal and appeal is not True:
            return redirect("assessments:appeal_detail", pk=appeal.pk)
        return redirect("assessments:score_detail", code=code, year=year, period=period)


class AppealListView(PermMixin, View):
    def get(self, request):
        if not (
            request.user.has_perm(P.DECIDE_APPEAL)
            or request.user.has_perm(P.FILE_APPEAL)
            or request.user.has_perm(P.READ_ALL_SCORES)
        ):
            raise PermissionDenied
        appeals = selectors.appeals_for_user(user=request.user)
        status = request.GET.get("status", "")
        if status in Appeal.Status.values:
            appeals = appeals.filter(status=status)
        return render(
            request,
            "assessments/appeals.html",
            {"appeals": appeals[:500], "status": status, "statuses": Appeal.Status.choices},
        )


class AppealDetailView(PermMixin, View):
    def _get(self, request, pk):
        try:
            return selectors.appeals_for_user(user=request.user).get(pk=pk)
        except Appeal.DoesNotExist:
            raise Http404 from None

    def get(self, request, pk, errors=None, status=200):
        appeal = self._get(request, pk)
        return render(
            request,
            "assessments/appeal_detail.html",
            {
                "appeal": appeal,
                "can_decide": request.user.has_perm(P.DECIDE_APPEAL) and appeal.status == "open",
                "is_indicator": appeal.line_snapshot.get("kind") == "indicator",
                # What was typed comes back with the errors beside their fields.
                "typed": request.POST if errors else {},
                "errors": errors or {},
            },
            status=status,
        )

    def post(self, request, pk):
        if not request.user.has_perm(P.DECIDE_APPEAL):
            raise PermissionDenied
        appeal = self._get(request, pk)
        points = None
        raw = request.POST.get("points", "").strip()
        if raw:
            points = typed_number(raw)
            if points is None or not points.is_finite():
                error = {"points": [_("Enter the corrected points as a number.")]}
                return self.get(request, pk, errors=error, status=400)
        try:
            appeal_decide(
                appeal=appeal,
                decision=request.POST.get("decision", ""),
                reason=request.POST.get("reason", ""),
                points=points,
                actor=request.user,
            )
        except ApplicationError as exc:
            errors = {("reason" if k == "decision_reason" else k): v for k, v in exc.errors.items()}
            return self.get(request, pk, errors=errors or {"form": [exc.message]}, status=400)
        messages.success(request, _("The appeal is decided and the department notified."))
        return redirect("assessments:appeal_detail", pk=pk)


class AppealEvidenceView(PermMixin, View):
    def get(self, request, pk):
        try:
            appeal = selectors.appeals_for_user(user=request.user).get(pk=pk)
        except Appeal.DoesNotExist:
            raise Http404 from None
        if not appeal.evidence:
            raise Http404
        return serve_file(appeal.evidence, name=appeal.evidence_name, content_type="application/octet-stream")


class EventListView(PermMixin, View):
    """Deduction and bonus events of the year; the supervision office records and withdraws them."""

    perm = P.READ_ALL_SCORES

    def get(self, request, form=None):
        plan = plan_from_request(request)
        if plan is None:
            return render(request, "assessments/no_plan.html")
        filter_form = EventFilterForm(request.GET or None, plan=plan, auto_id="evf-%s")
        events = selectors.events_for_user(
            user=request.user, plan=plan, filters=filter_form.filters() if filter_form.is_bound else {}
        )
        if request.GET.get("format") == "xlsx":
            return events_xlsx(plan, events)
        can_record = request.user.has_perm(P.RECORD_EVENT)
        query = request.GET.copy()
        query.pop("format", None)
        query["format"] = "xlsx"
        return render(
            request,
            "assessments/events.html",
            {
                "plan": plan,
                "plans": selectors.plans_list(),
                "events": events[:500],
                "total": events.count(),
                "filter_form": filter_form,
                "xlsx_query": query.urlencode(),
                "can_record": can_record,
                "form": form or (EventForm(plan=plan) if can_record else None),
            },
        )

    def post(self, request):
        if not request.user.has_perm(P.RECORD_EVENT):
            raise PermissionDenied
        plan = selectors.plan_get(year=int(request.POST.get("year", "0") or 0))
        if request.POST.get("action") == "void":
            event = get_object_or_404(ScoreEvent, plan=plan, pk=request.POST.get("event") or 0)
            run(
                request,
                services.event_void,
                event=event,
                actor=request.user,
                reason=request.POST.get("reason", ""),
                success=_("The event was withdrawn."),
            )
            return redirect(reverse("assessments:events") + f"?year={plan.year}")
        form = EventForm(request.POST, request.FILES, plan=plan)
        if form.is_valid():
            d = form.cleaned_data
            try:
                event = services.event_record(
                    plan=plan,
                    rule=d["rule"],
                    department=d["department"],
                    date=d["date"],
                    occurrences=d["occurrences"],
                    note=d["note"],
                    evidence=d.get("evidence"),
                    actor=request.user,
                )
            except ApplicationError as exc:
                apply_error(form, exc)
            else:
                messages.success(request, _("Recorded: %(event)s. The scores are being recomputed.") % {"event": event})
                return redirect(reverse("assessments:events") + f"?year={plan.year}")
        request.GET = request.GET.copy()
        request.GET["year"] = str(plan.year)
        return self.get(request, form=form)


class EventEvidenceView(PermMixin, View):
    def get(self, request, pk):
        event = get_object_or_404(ScoreEvent, pk=pk)
        user = request.user
        allowed = user.has_perm(P.READ_ALL_SCORES) or acts_for(user, event.department_id)
        if not allowed or not event.evidence:
            raise Http404
        return serve_file(event.evidence, name=event.evidence_name, content_type="application/octet-stream")


class GradesView(PermMixin, View):
    """Qualitative grades (A/B/C/D) of the ``grade`` indicators, department by department."""

    perm = P.RECORD_EVENT

    def get(self, request):
        plan = plan_from_request(request)
        if plan is None:
            return render(request, "assessments/no_plan.html")
        rows = list(
            Assignment.objects.filter(plan=plan, indicator__method="grade", is_active=True)
            .select_related("department", "indicator")
            .order_by("indicator__code", "department__order")
        )
        graded = {
            g.assignment_id: g for g in GradeAssessment.objects.filter(assignment__in=rows).select_related("graded_by")
        }
        for a in rows:
            a.current = graded.get(a.pk)
            a.choices = list((a.indicator.params or {}).get("grades", {}).items())
        return render(request, "assessments/grades.html", {"plan": plan, "plans": selectors.plans_list(), "rows": rows})

    def post(self, request):
        assignment = get_object_or_404(
            Assignment.objects.select_related("plan", "indicator"), pk=request.POST.get("assignment") or 0
        )
        run(
            request,
            services.grade_assessment_set,
            assignment=assignment,
            grade=request.POST.get("grade", ""),
            note=request.POST.get("note", ""),
            actor=request.user,
            success=_("Grade saved."),
        )
        return redirect(reverse("assessments:grades") + f"?year={assignment.plan.year}")
