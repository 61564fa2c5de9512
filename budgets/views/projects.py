"""Projects and their target sheets: lists, the sheet editor, submission and review, import."""

from __future__ import annotations

import secrets
import time
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from core.errors import ApplicationError
from core.roles import P
from core.views_mixins import PermMixin, apply_error

from .. import importing, selectors, services
from ..forms import ImportForm, ProjectCreateForm, ProjectFilterForm, ProjectForm, ReturnForm, TargetForm, VersionForm
from ..models import BudgetTarget
from .base import AnyPermMixin, group_label, project_or_404, render_detail

TABS = ("sheet", "execution", "evaluation", "revisions")


class ProjectListView(AnyPermMixin, View):
    """Department users: their department's projects; finance and readers: every department's."""

    def get(self, request):
        user = request.user
        department_user = user.is_department_user
        form = ProjectFilterForm(
            request.GET or None, years=selectors.project_years(), show_department=not department_user
        )
        filters = form.cleaned_data if form.is_valid() else {}
        qs = selectors.projects_for_user(
            user=user,
            year=filters.get("year"),
            department=filters.get("department") or "",
            status=filters.get("status") or "",
            q=filters.get("q") or "",
        )
        page = Paginator(qs, 50).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        return render(
            request,
            "budgets/project_list.html",
            {
                "filter_form": form,
                "page": page,
                "query": query.urlencode(),
                "can_create": user.has_perm(P.EDIT_BUDGET) and user.department_id,
                "can_import": user.has_perm(P.EDIT_BUDGET) or user.has_perm(P.REVIEW_BUDGET),
                "department_user": department_user,
            },
        )


class ProjectCreateView(PermMixin, View):
    """A department user starts a project of their own department."""

    perm = P.EDIT_BUDGET

    def get(self, request):
        return self.render_form(request, ProjectCreateForm())

    def render_form(self, request, form):
        return render(
            request,
            "budgets/form.html",
            {"form": form, "title": _("New budget project"), "cancel": reverse("budgets:project_list")},
        )

    def post(self, request):
        if request.user.department is None:
            raise PermissionDenied
        form = ProjectCreateForm(request.POST)
        if form.is_valid():
            data = {f: form.cleaned_data.get(f) for f in services.PROJECT_FIELDS}
            try:
                project = services.project_create(
                    actor=request.user, department=request.user.department, year=form.cleaned_data["year"], data=data
                )
            except ApplicationError as exc:
                apply_error(form, exc)
            else:
                messages.success(request, _("The project was created. Now write its target sheet."))
                return redirect("budgets:project_detail", pk=project.pk)
        return self.render_form(request, form)


class ProjectDetailView(AnyPermMixin, View):
    def get(self, request, pk):
        project = project_or_404(request, pk)
        tab = request.GET.get("tab", "sheet")
        return render_detail(request, project, tab if tab in TABS else "sheet")


class _SheetMixin(PermMixin):
    """The department's own editable project, or 404 / 403."""

    perm = P.EDIT_BUDGET

    def project(self, request, pk):
        project = project_or_404(request, pk, own=True)
        return project


class ProjectEditView(_SheetMixin, View):
    def render_form(self, request, project, form):
        return render(
            request,
            "budgets/form.html",
            {
                "form": form,
                "project": project,
                "title": _("Edit project"),
                "cancel": reverse("budgets:project_detail", args=[project.pk]),
            },
        )

    def get(self, request, pk):
        project = self.project(request, pk)
        return self.render_form(request, project, ProjectForm(instance=project))

    def post(self, request, pk):
        project = self.project(request, pk)
        form = ProjectForm(request.POST, instance=project)
        if form.is_valid():
            data = {f: form.cleaned_data.get(f) for f in services.PROJECT_FIELDS}
            if not data.get("code"):
                data.pop("code")
            try:
                services.project_update(
                    project=project, actor=request.user, data=data, expected_version=form.cleaned_data.get("version")
                )
            except ApplicationError as exc:
                apply_error(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("budgets:project_detail", pk=project.pk)
        return self.render_form(request, project, form)


class TargetEditView(_SheetMixin, View):
    def get_target(self, project, tid):
        return None if tid is None else get_object_or_404(BudgetTarget, project=project, pk=tid)

    def render_form(self, request, project, form, target):
        from .sheets import benchmark_context, library_of_form

        context = {
            "form": form,
            "project": project,
            "title": _("Edit target") if target else _("New target"),
            "cancel": reverse("budgets:project_detail", args=[project.pk]),
            "dimension_help": True,
            "library_link": reverse("budgets:library") + f"?project={project.pk}",
        }
        indicator = library_of_form(form)
        if indicator is not None:
            context.update(benchmark_context(request, indicator, project))
        return render(request, "budgets/form.html", context)

    def get(self, request, pk, tid=None):
        project = self.project(request, pk)
        target = self.get_target(project, tid)
        initial = {}
        if target is None and request.GET.get("dimension"):
            initial["dimension"] = request.GET["dimension"]
        if target is None and request.GET.get("library", "").isdigit():
            from .sheets import library_initial

            initial.update(library_initial(int(request.GET["library"])))
        return self.render_form(request, project, TargetForm(instance=target, project=project, initial=initial), target)

    def post(self, request, pk, tid=None):
        project = self.project(request, pk)
        target = self.get_target(project, tid)
        form = TargetForm(request.POST, instance=target, project=project)
        if form.is_valid():
            data = {f: form.cleaned_data.get(f) for f in services.TARGET_FIELDS}
            try:
                services.target_save(
                    project=project,
                    actor=request.user,
                    data=data,
                    target=target,
                    expected_version=form.cleaned_data.get("version") if target else None,
                )
            except ApplicationError as exc:
                apply_error(form, exc)
            else:
                messages.success(request, _("Saved: %(name)s") % {"name": data["name"]})
                return redirect("budgets:project_detail", pk=project.pk)
        return self.render_form(request, project, form, target)


class TargetDeleteView(_SheetMixin, View):
    def post(self, request, pk, tid):
        project = self.project(request, pk)
        target = get_object_or_404(BudgetTarget, project=project, pk=tid)
        try:
            services.target_delete(target=target, actor=request.user)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Deleted: %(name)s") % {"name": target.name})
        return redirect("budgets:project_detail", pk=project.pk)


class ProjectSubmitView(_SheetMixin, View):
    def post(self, request, pk):
        project = self.project(request, pk)
        form = VersionForm(request.POST)
        if not form.is_valid():  # a version that is not a number: refused, never saved unchecked
            for message in form.non_field_errors():
                messages.error(request, message)
            return render_detail(request, project, status=400)
        try:
            services.project_submit(
                project=project, actor=request.user, expected_version=form.cleaned_data.get("version")
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return render_detail(request, project, status=400)
        messages.success(request, _("Submitted to finance for review."))
        return redirect("budgets:project_detail", pk=project.pk)


class ProjectReturnView(PermMixin, View):
    perm = P.REVIEW_BUDGET

    def post(self, request, pk):
        project = project_or_404(request, pk)
        form = ReturnForm(request.POST)
        if form.is_valid():
            try:
                services.project_return(
                    project=project,
                    actor=request.user,
                    reason=form.cleaned_data["reason"],
                    expected_version=form.cleaned_data.get("version"),
                )
            except ApplicationError as exc:
                apply_error(form, exc)
            else:
                messages.success(request, _("Returned to the department."))
                return redirect("budgets:project_detail", pk=project.pk)
        return render_detail(request, project, return_form=form, status=400)


class ProjectApproveView(PermMixin, View):
    perm = P.REVIEW_BUDGET

    def post(self, request, pk):
        project = project_or_404(request, pk)
        form = VersionForm(request.POST)
        if not form.is_valid():  # a version that is not a number: refused, never saved unchecked
            for message in form.non_field_errors():
                messages.error(request, message)
            return render_detail(request, project, status=400)
        try:
            services.project_approve(
                project=project, actor=request.user, expected_version=form.cleaned_data.get("version")
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return render_detail(request, project, status=400)
        messages.success(request, _("Approved."))
        return redirect("budgets:project_detail", pk=project.pk)


class ReviewQueueView(PermMixin, View):
    """Finance: the target sheets waiting for review, oldest first."""

    perm = P.REVIEW_BUDGET

    def get(self, request):
        return render(request, "budgets/review_queue.html", {"projects": selectors.review_queue(user=request.user)})


class RevisionDetailView(AnyPermMixin, View):
    """One revision of a sheet, as it was stored."""

    def get(self, request, pk, number):
        project = project_or_404(request, pk)
        revision = get_object_or_404(selectors.revisions_of(project=project), number=number)
        targets = revision.snapshot.get("targets", [])
        for t in targets:
            t["dimension_label"] = group_label(t.get("dimension", ""))
        return render(
            request,
            "budgets/revision_detail.html",
            {
                "project": project,
                "revision": revision,
                "snap": revision.snapshot.get("project", {}),
                "targets": targets,
            },
        )


IMPORT_SESSION_KEY = "budgets_import"


def _import_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "budget-imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _forget_preview(request) -> None:
    """Drop this session's earlier preview file, and any preview left unconfirmed for a day."""
    stored = request.session.pop(IMPORT_SESSION_KEY, None) or {}
    token = stored.get("token", "")
    if token.isalnum():
        (_import_dir() / f"{token}.xlsx").unlink(missing_ok=True)
    cutoff = time.time() - 86400
    for path in _import_dir().glob("*.xlsx"):
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)


class ImportView(AnyPermMixin, View):
    """Upload → preview with every row's problems → confirm (all rows or none).

    The uploaded file waits between the two steps under a random name outside the web root,
    known only to the uploader's session.
    """

    perms = (P.EDIT_BUDGET, P.REVIEW_BUDGET)

    def get(self, request):
        return render(request, "budgets/import.html", {"form": ImportForm()})

    def post(self, request):
        if "confirm" in request.POST:
            return self.confirm(request)
        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return render(request, "budgets/import.html", {"form": form}, status=400)
        upload = form.cleaned_data["file"]
        if upload.size > importing.MAX_BYTES:
            form.add_error("file", _("The file is larger than %(mb)d MB.") % {"mb": importing.MAX_BYTES // 1048576})
            return render(request, "budgets/import.html", {"form": form}, status=400)
        content = upload.read()
        try:
            result = importing.run(content=content, actor=request.user, dry_run=True)
        except ApplicationError as exc:
            apply_error(form, exc)
            return render(request, "budgets/import.html", {"form": form}, status=400)
        token = ""
        _forget_preview(request)
        if result.valid:
            token = secrets.token_hex(16)
            (_import_dir() / f"{token}.xlsx").write_bytes(content)
            request.session[IMPORT_SESSION_KEY] = {"token": token, "name": upload.name[:200]}
        return render(
            request,
            "budgets/import.html",
            {"form": ImportForm(), "result": result, "token": token, "file_name": upload.name},
        )

    def confirm(self, request):
        stored = request.session.get(IMPORT_SESSION_KEY) or {}
        token = request.POST.get("token", "")
        if not token or token != stored.get("token") or not token.isalnum():
            messages.error(request, _("The preview has expired. Upload the file again."))
            return redirect("budgets:import")
        path = _import_dir() / f"{token}.xlsx"
        try:
            content = path.read_bytes()
        except FileNotFoundError:
            messages.error(request, _("The preview has expired. Upload the file again."))
            return redirect("budgets:import")
        try:
            result = importing.run(content=content, actor=request.user, dry_run=False, file_name=stored.get("name", ""))
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return redirect("budgets:import")
        finally:
            path.unlink(missing_ok=True)
            request.session.pop(IMPORT_SESSION_KEY, None)
        if not result.valid:
            return render(request, "budgets/import.html", {"form": ImportForm(), "result": result}, status=400)
        messages.success(
            request,
            _("Imported %(p)d projects with %(t)d targets.") % {"p": len(result.created), "t": result.target_count},
        )
        return redirect("budgets:project_list")


class ImportTemplateView(AnyPermMixin, View):
    perms = (P.EDIT_BUDGET, P.REVIEW_BUDGET)

    def get(self, request):
        response = HttpResponse(
            importing.template_workbook(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="budget-projects-template.xlsx"'
        return response
