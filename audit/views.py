"""The audit administrator's viewer: filter, read before/after, export; and the retention setting."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from core.errors import ApplicationError
from core.roles import P
from core.views_mixins import PermMixin, apply_error

from . import exports, selectors, services
from .forms import EventFilterForm, RetentionForm
from .models import AuditEvent, AuditSettings, Outcome

PAGE_SIZE = 50
EXPORT_LIMIT = 200_000


def _filters(request) -> tuple[EventFilterForm, dict]:
    form = EventFilterForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return form, {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
    return form, {}


def _query_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


class EventListView(PermMixin, View):
    perm = P.READ_AUDIT
    template_name = "audit/event_list.html"

    def get(self, request):
        form, filters = _filters(request)
        events = selectors.events_filtered(filters)
        page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
        return render(
            request,
            self.template_name,
            {
                "form": form,
                "page": page,
                "events": page.object_list,
                "query": _query_without_page(request),
                "filtered": bool(filters),
                "outcome_labels": dict(Outcome.choices),
            },
        )


class EventDetailView(PermMixin, View):
    perm = P.READ_AUDIT
    template_name = "audit/event_detail.html"

    def get(self, request, pk):
        event = get_object_or_404(AuditEvent, pk=pk)
        return render(
            request,
            self.template_name,
            {"event": event, "changes": selectors.changes(event), "details": selectors.details(event)},
        )


class EventExportView(PermMixin, View):
    """The filtered events as xlsx or csv; the export is itself an audit event."""

    perm = P.READ_AUDIT

    def get(self, request):
        form, filters = _filters(request)
        if form.is_bound and not form.is_valid():
            messages.error(request, _("Correct the filters before exporting."))
            return redirect("audit:event_list")
        fmt = request.GET.get("format", "xlsx")
        if fmt not in ("xlsx", "csv"):
            fmt = "xlsx"
        events = selectors.events_filtered(filters)
        count = events.count()
        if count > EXPORT_LIMIT:
            messages.error(
                request,
                _("%(count)d events match; narrow the filters to at most %(limit)d for an export.")
                % {"count": count, "limit": EXPORT_LIMIT},
            )
            return redirect(reverse("audit:event_list") + "?" + _query_without_page(request))
        services.audit_log(
            "audit.exported",
            actor=request.user,
            object_type="audit.auditevent",
            data={"format": fmt, "count": count, "filters": filters},
        )
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        if fmt == "csv":
            body, content_type = exports.to_csv(events), "text/csv; charset=utf-8"
        else:
            body = exports.to_xlsx(events)
            content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        response = HttpResponse(body, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.{fmt}"'
        return response


class RetentionView(PermMixin, View):
    """How long audit events are kept; the audit or security administrator changes it."""

    perm = P.MANAGE_AUDIT_RETENTION
    template_name = "audit/retention.html"

    def context(self, form):
        current = AuditSettings.current()
        changes = AuditEvent.objects.filter(action="audit.retention_changed").order_by("-at", "-id")[:20]
        oldest = AuditEvent.objects.order_by("at").values_list("at", flat=True).first()
        return {"form": form, "current": current, "history": changes, "oldest": oldest}

    def get(self, request):
        form = RetentionForm(initial={"retention_days": AuditSettings.current().retention_days})
        return render(request, self.template_name, self.context(form))

    def post(self, request):
        form = RetentionForm(request.POST)
        if form.is_valid():
            try:
                services.retention_set(days=form.cleaned_data["retention_days"], actor=request.user)
            except ApplicationError as exc:
                apply_error(form, exc)
            else:
                messages.success(request, _("The retention period was saved."))
                return redirect("audit:retention")
        return render(request, self.template_name, self.context(form))
