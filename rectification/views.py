"""The rectification ledger's pages (docs/rectification.md): thin — parse, call a service or selector, render."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from core.errors import ApplicationError
from core.roles import P, acts_for
from core.uploads import serve_file
from core.views_mixins import PermMixin, apply_error
from organizations.models import Department

from . import exports, selectors, services, sources
from .forms import CloseForm, EvidenceForm, ItemForm, ProgressForm, RejectForm, VersionForm
from .models import Item, ItemEvidence, Source, Status

READ_PERMS = (P.READ_ALL_RECTIFICATION, P.READ_OWN_RECTIFICATION)


class ReadMixin(PermMixin):
    perms: tuple[str, ...] = READ_PERMS


def _filters(request) -> dict:
    g = request.GET
    year = g.get("year", "")
    overdue = {"1": True, "0": False}.get(g.get("overdue", ""))
    return {
        "year": int(year) if year.isdigit() and 2000 <= int(year) <= 2100 else None,
        "source": g.get("source", ""),
        "status": g.get("status", ""),
        "department": g.get("department", "")[:40],
        "overdue": overdue,
    }


class ItemListView(ReadMixin, View):
    def get(self, request):
        f = _filters(request)
        items = list(selectors.items_for_user(user=request.user, **f))
        return render(
            request,
            "rectification/item_list.html",
            {
                "items": items,
                "f": f,
                "today": timezone.localdate(),
                "sources": Source.choices,
                "statuses": Status.choices,
                "departments": Department.objects.filter(is_active=True)
                if request.user.has_perm(P.READ_ALL_RECTIFICATION)
                else [],
                "query": request.GET.urlencode(),
                "can_issue": request.user.has_perm(P.ISSUE_RECTIFICATION),
            },
        )


class ItemExportView(ReadMixin, View):
    def get(self, request):
        items = selectors.items_for_user(user=request.user, **_filters(request))
        response = HttpResponse(
            exports.items_workbook(items),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="rectification-ledger.xlsx"'
        return response


def _create(request, form, prefill=None):
    data = form.cleaned_data
    kwargs = {
        "actor": request.user,
        "department": data["department"],
        "title": data["title"],
        "description": data["description"],
        "measures_required": data["measures_required"],
        "deadline": data["deadline"],
    }
    if prefill is not None:
        kwargs.update(
            source=prefill.source,
            source_id=prefill.source_id,
            source_label=prefill.label,
            source_url=prefill.url,
            year=prefill.year,
        )
    else:
        kwargs.update(source=data["source"], source_label=data["source_label"])
    return services.item_create(**kwargs)


class ItemCreateView(PermMixin, View):
    """Raise an item by hand, or for a key or ex-ante evaluation named in words."""

    perm = P.ISSUE_RECTIFICATION

    def get(self, request):
        form = ItemForm(initial={"deadline": timezone.localdate() + datetime.timedelta(days=sources.DEFAULT_DAYS)})
        return render(request, "rectification/item_form.html", {"form": form})

    def post(self, request):
        form = ItemForm(request.POST)
        if form.is_valid():
            try:
                item = _create(request, form)
            except ApplicationError as exc:
                apply_error(form, exc)
            else:
                messages.success(request, _("Rectification item raised."))
                return redirect("rectification:item_detail", pk=item.pk)
        return render(request, "rectification/item_form.html", {"form": form}, status=400)


class ItemCreateFromView(PermMixin, View):
    """One click from a source page: the item pre-filled from the problem found, linking back to it."""

    perm = P.ISSUE_RECTIFICATION

    def _prefill(self, source, source_id):
        try:
            return sources.prefill(source, source_id)
        except LookupError:
            raise Http404 from None

    def _render(self, request, form, prefill, error=None, status=200):
        existing = selectors.items_from_source(user=request.user, source=prefill.source, source_id=prefill.source_id)
        return render(
            request,
            "rectification/item_form.html",
            {"form": form, "prefill": prefill, "existing": existing, "source_error": error},
            status=status,
        )

    def get(self, request, source, source_id):
        try:
            prefill = self._prefill(source, source_id)
        except ApplicationError as exc:
            return render(request, "rectification/item_form.html", {"source_error": exc.message}, status=400)
        form = ItemForm(
            from_source=True,
            initial={
                "department": prefill.department,
                "title": prefill.title,
                "description": prefill.description,
                "measures_required": prefill.measures_required,
                "deadline": prefill.deadline,
            },
        )
        return self._render(request, form, prefill)

    def post(self, request, source, source_id):
        try:
            prefill = self._prefill(source, source_id)
        except ApplicationError as exc:
            return render(request, "rectification/item_form.html", {"source_error": exc.message}, status=400)
        form = ItemForm(request.POST, from_source=True)
        if form.is_valid():
            try:
                item = _create(request, form, prefill)
            except ApplicationError as exc:
                apply_error(form, exc)
            else:
                messages.success(request, _("Rectification item raised."))
                return redirect("rectification:item_detail", pk=item.pk)
        return self._render(request, form, prefill, status=400)


def item_or_404(request, pk: int) -> Item:
    try:
        return selectors.item_get_for_user(user=request.user, pk=pk)
    except Item.DoesNotExist:
        raise Http404 from None


class ItemDetailView(ReadMixin, View):
    def get(self, request, pk):
        return self.render_page(request, item_or_404(request, pk))

    def render_page(self, request, item, status=200, **forms):
        user = request.user
        is_worker = acts_for(user, item.department_id, P.WORK_RECTIFICATION)
        is_issuer = user.has_perm(P.ISSUE_RECTIFICATION) and user.role == item.issuer
        context = {
            "item": item,
            "today": timezone.localdate(),
            "evidence": list(item.evidence.select_related("uploaded_by")),
            "steps": list(item.steps.select_related("actor")),
            "is_worker": is_worker,
            "is_issuer": is_issuer,
        }
        if is_worker and item.status == Status.OPEN:
            context["progress_form"] = forms.get("progress_form") or ProgressForm(
                initial={"measures_taken": item.measures_taken, "progress": item.progress, "version": item.version}
            )
            context["evidence_form"] = forms.get("evidence_form") or EvidenceForm()
            context["submit_form"] = forms.get("submit_form") or VersionForm(initial={"version": item.version})
        if is_issuer and item.status == Status.SUBMITTED:
            context["close_form"] = forms.get("close_form") or CloseForm(initial={"version": item.version})
            context["reject_form"] = forms.get("reject_form") or RejectForm(initial={"version": item.version})
        return render(request, "rectification/item_detail.html", context, status=status)


class _Action(ItemDetailView):
    form_class = VersionForm
    form_name = "submit_form"
    done = ""

    def get(self, request, pk):
        return redirect("rectification:item_detail", pk=pk)

    def act(self, item, data):
        raise NotImplementedError

    def post(self, request, pk):
        item = item_or_404(request, pk)
        if self.form_class is EvidenceForm:
            form = self.form_class(request.POST, request.FILES)
        else:
            form = self.form_class(request.POST)
        if form.is_valid():
            try:
                self.act(item, form.cleaned_data)
            except ApplicationError as exc:
                apply_error(form, exc)
            else:
                messages.success(request, self.done_message())
                return redirect("rectification:item_detail", pk=pk)
        return self.render_page(request, item_or_404(request, pk), status=400, **{self.form_name: form})


class ItemProgressView(_Action):
    perms = (P.WORK_RECTIFICATION,)
    form_class = ProgressForm
    form_name = "progress_form"

    def act(self, item, data):
        services.item_progress(
            item=item,
            actor=self.request.user,
            measures_taken=data["measures_taken"],
            progress=data["progress"],
            expected_version=data["version"],
        )

    def done_message(self):
        return _("Progress recorded.")


class ItemEvidenceView(_Action):
    perms = (P.WORK_RECTIFICATION,)
    form_class = EvidenceForm
    form_name = "evidence_form"

    def act(self, item, data):
        services.evidence_add(item=item, upload=data["file"], actor=self.request.user)

    def done_message(self):
        return _("Evidence added.")


class ItemSubmitView(_Action):
    perms = (P.WORK_RECTIFICATION,)

    def act(self, item, data):
        services.item_submit(item=item, actor=self.request.user, expected_version=data["version"])

    def done_message(self):
        return _("Submitted for closure.")


class ItemCloseView(_Action):
    perms = (P.ISSUE_RECTIFICATION,)
    form_class = CloseForm
    form_name = "close_form"

    def act(self, item, data):
        services.item_close(item=item, actor=self.request.user, note=data["note"], expected_version=data["version"])

    def done_message(self):
        return _("The item is closed.")


class ItemRejectView(_Action):
    perms = (P.ISSUE_RECTIFICATION,)
    form_class = RejectForm
    form_name = "reject_form"

    def act(self, item, data):
        services.item_reject(
            item=item, actor=self.request.user, reason=data["reason"], expected_version=data["version"]
        )

    def done_message(self):
        return _("Closure rejected; the item is open again.")


class EvidenceDownloadView(ReadMixin, View):
    def get(self, request, pk, evidence_id):
        item = item_or_404(request, pk)
        evidence = get_object_or_404(ItemEvidence, item=item, pk=evidence_id)
        return serve_file(evidence.file, name=evidence.original_name, content_type=evidence.content_type)
