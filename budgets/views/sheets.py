"""Pages of mid-year target revisions, sheet versions side by side, the indicator library with its
benchmarks, and finance's quality check of a sheet (docs/budgets.md)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from core.errors import ApplicationError
from core.roles import P, acts_for
from core.text import render as render_text
from core.views_mixins import PermMixin, apply_error

from .. import selectors, services, sheet_selectors, targetrules
from ..choices import ProjectStatus
from ..models import LibraryIndicator
from ..sheet_forms import AdjustmentForm, AdjustmentReturnForm, DecisionForm, GradeForm, LibraryFilterForm
from .base import AnyPermMixin, group_label, project_or_404

OPERATOR_TEXT = {"ge": "≥", "le": "≤", "eq": "="}


def _plain(value) -> str:
    from core.numbers import plain

    return plain(value) if value not in (None, "") else ""


def row_text(row: dict | None) -> str:
    """“≥ 50 场” / “10–20 %” for a stored target row."""
    if not row:
        return ""
    if row.get("operator") == "range":
        text = f"{_plain(row.get('value'))}–{_plain(row.get('upper'))}"
    else:
        text = f"{OPERATOR_TEXT.get(row.get('operator'), '')} {_plain(row.get('value'))}"
    return f"{text} {row.get('unit') or ''}".strip()


FIELD_LABELS = {
    "dimension": _("dimension"),
    "subdimension": _("sub-dimension"),
    "name": _("wording"),
    "operator": _("operator"),
    "value": _("value"),
    "upper": _("upper bound"),
    "unit": _("unit"),
    "weight": _("own weight"),
}


def comparison(old: list[dict], new: list[dict]) -> list[dict]:
    """Rows for the side-by-side table: each side's wording and value, what changed, highlighted."""
    out = []
    for r in targetrules.compare(old, new):
        either = r.new or r.old
        out.append(
            {
                "status": r.status,
                "dimension": group_label(either.get("dimension", "")),
                "old": r.old,
                "new": r.new,
                "old_text": row_text(r.old),
                "new_text": row_text(r.new),
                "name_changed": "name" in r.changed,
                "value_changed": bool(r.changed & {"operator", "value", "upper", "unit"}),
                "changed": [str(FIELD_LABELS[f]) for f in targetrules.COMPARED_FIELDS if f in r.changed],
            }
        )
    return out


def counts(rows: list[dict]) -> dict:
    return {s: sum(1 for r in rows if r["status"] == s) for s in ("changed", "added", "removed")}


def sheet_context(user, project) -> dict:
    """What the project page shows about versions, revisions and quality (approved sheets)."""
    context = {
        "sheet_review": sheet_selectors.review_of(project=project),
        "can_grade": user.has_perm(P.REVIEW_BUDGET) and project.status != ProjectStatus.DRAFT,
    }
    if project.status == ProjectStatus.APPROVED:
        pending = sheet_selectors.pending_adjustment(project=project)
        context.update(
            {
                "sheet_version": sheet_selectors.version_in_force(project=project),
                "adjustments": list(sheet_selectors.adjustments_of(project=project).order_by("-number")),
                "pending_adjustment": pending,
                "can_adjust": acts_for(user, project.department_id, P.EDIT_BUDGET) and pending is None,
            }
        )
    return context


class AdjustmentCreateView(PermMixin, View):
    """The department asks to revise its approved sheet: the sheet in force, editable, and a reason."""

    perm = P.EDIT_BUDGET

    def project(self, request, pk):
        project = project_or_404(request, pk, own=True)
        return project

    def render_form(self, request, project, form, status=200):
        return render(
            request,
            "budgets/adjustment_form.html",
            {"project": project, "form": form, "version": sheet_selectors.version_in_force(project=project)},
            status=status,
        )

    def get(self, request, pk):
        project = self.project(request, pk)
        form = AdjustmentForm(targets=selectors.targets_of(project=project), initial={"version": project.version})
        return self.render_form(request, project, form)

    def post(self, request, pk):
        project = self.project(request, pk)
        form = AdjustmentForm(request.POST, targets=selectors.targets_of(project=project))
        if form.is_valid():
            try:
                adjustment = services.adjustment_request(
                    project=project,
                    actor=request.user,
                    targets=form.rows(),
                    reason=form.cleaned_data["reason"],
                    expected_version=form.cleaned_data.get("version"),
                )
            except ApplicationError as exc:
                if exc.errors:
                    form.place_errors(exc.errors)
                else:
                    form.add_error(None, exc.message)
            else:
                messages.success(request, _("The revision was sent to finance. The approved sheet stands until then."))
                return redirect("budgets:adjustment_detail", pk=project.pk, number=adjustment.number)
        return self.render_form(request, project, form, status=400)


class AdjustmentDetailView(AnyPermMixin, View):
    """One revision: the sheet in force beside the sheet asked for (or as approved), and finance's decision."""

    def get(self, request, pk, number, **forms):
        project = project_or_404(request, pk)
        adjustment = get_object_or_404(sheet_selectors.adjustments_of(project=project), number=number)
        rows = comparison(adjustment.before, adjustment.after or adjustment.proposed)
        context = {
            "project": project,
            "adjustment": adjustment,
            "rows": rows,
            "counts": counts(rows),
            "left_title": _("Version %(n)s (in force when asked)") % {"n": adjustment.base_version},
            "right_title": (
                _("Version %(n)s (approved)") % {"n": adjustment.sheet_version}
                if adjustment.sheet_version
                else _("Asked for")
            ),
        }
        if adjustment.is_pending and request.user.has_perm(P.REVIEW_BUDGET):
            context["approve_form"] = forms.get("approve_form") or DecisionForm(initial={"version": adjustment.version})
            context["return_form"] = forms.get("return_form") or AdjustmentReturnForm(
                initial={"version": adjustment.version}
            )
        return render(request, "budgets/adjustment_detail.html", context, status=400 if forms else 200)


class _DecisionView(PermMixin, View):
    perm = P.REVIEW_BUDGET

    def adjustment(self, request, pk, number):
        project = project_or_404(request, pk)
        return get_object_or_404(sheet_selectors.adjustments_of(project=project), number=number)


class AdjustmentApproveView(_DecisionView):
    def post(self, request, pk, number):
        adjustment = self.adjustment(request, pk, number)
        form = DecisionForm(request.POST)
        form.is_valid()
        try:
            adjustment = services.adjustment_approve(
                adjustment=adjustment, actor=request.user, expected_version=form.cleaned_data.get("version")
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return AdjustmentDetailView().get(request, pk, number, approve_form=form)
        messages.success(
            request, _("Approved: version %(n)s of the sheet is in force.") % {"n": adjustment.sheet_version}
        )
        return redirect("budgets:adjustment_detail", pk=pk, number=number)


class AdjustmentReturnView(_DecisionView):
    def post(self, request, pk, number):
        adjustment = self.adjustment(request, pk, number)
        form = AdjustmentReturnForm(request.POST)
        if form.is_valid():
            try:
                services.adjustment_return(
                    adjustment=adjustment,
                    actor=request.user,
                    reason=form.cleaned_data["reason"],
                    expected_version=form.cleaned_data.get("version"),
                )
            except ApplicationError as exc:
                apply_error(form, exc)
            else:
                messages.success(request, _("Returned to the department."))
                return redirect("budgets:adjustment_detail", pk=pk, number=number)
        return AdjustmentDetailView().get(request, pk, number, return_form=form)


class VersionsView(AnyPermMixin, View):
    """Every version of an approved sheet; two of them side by side (default: the last two)."""

    def get(self, request, pk):
        project = project_or_404(request, pk)
        versions = sheet_selectors.versions_of(project=project)
        if not versions:
            raise Http404
        by_number = {v.number: v for v in versions}

        def pick(name, default):
            value = request.GET.get(name, "")
            return by_number.get(int(value)) if value.isdigit() and int(value) in by_number else default

        right = pick("b", versions[-1])
        left = pick("a", by_number.get(right.number - 1, versions[0]))
        rows = comparison(left.targets, right.targets)
        return render(
            request,
            "budgets/versions.html",
            {
                "project": project,
                "versions": versions,
                "left": left,
                "right": right,
                "rows": rows,
                "counts": counts(rows),
                "left_title": _("Version %(n)s") % {"n": left.number},
                "right_title": _("Version %(n)s") % {"n": right.number},
            },
        )


class LibraryListView(AnyPermMixin, View):
    """The shared indicator library, searchable by text, sector and the framework's two upper levels."""

    def get(self, request):
        form = LibraryFilterForm(request.GET or None)
        filters = form.cleaned_data if form.is_valid() else {}
        qs = sheet_selectors.library_search(
            q=filters.get("q") or "",
            sector=filters.get("sector") or "",
            dimension=filters.get("dimension") or "",
            subdimension=filters.get("subdimension") or "",
            state=filters.get("state") or "",
        )
        page = Paginator(qs, 50).get_page(request.GET.get("page"))
        for ind in page:
            ind.level2 = targetrules.level2_label(ind.dimension, ind.subdimension)
            history = sheet_selectors.benchmarks(indicator=ind, user=request.user, limit=0).history
            ind.last = history[0] if history else None
        project = None
        pid = request.GET.get("project", "")
        if pid.isdigit():
            project = project_or_404(request, int(pid))
            if not (acts_for(request.user, project.department_id) and project.is_editable):
                project = None
        query = request.GET.copy()
        query.pop("page", None)
        return render(
            request,
            "budgets/library.html",
            {
                "filter_form": form,
                "page": page,
                "query": query.urlencode(),
                "pick_for": project,
                "can_manage": request.user.has_perm(P.MANAGE_BUDGET_LIBRARY),
            },
        )


def benchmark_context(request, indicator: LibraryIndicator, project=None) -> dict:
    bench = sheet_selectors.benchmarks(indicator=indicator, user=request.user, project=project)
    return {
        "indicator": indicator,
        "level2": targetrules.level2_label(indicator.dimension, indicator.subdimension),
        "history": bench.history,
        "similar": bench.similar,
    }


def library_initial(pk: int) -> dict:
    """A new target's fields filled from a library indicator (the picker's “use” link)."""
    ind = LibraryIndicator.objects.filter(pk=pk, is_active=True).first()
    if ind is None:
        return {}
    return {
        "library_indicator": ind.pk,
        "dimension": ind.dimension,
        "subdimension": ind.subdimension,
        "operator": ind.operator,
        "unit": ind.unit,
        "name": ind.name,
    }


def library_of_form(form) -> LibraryIndicator | None:
    """The library indicator the target form shows (chosen, posted or pre-filled)."""
    value = form["library_indicator"].value()
    if isinstance(value, LibraryIndicator):
        return value
    if value and str(value).isdigit():
        return LibraryIndicator.objects.select_related("sector").filter(pk=int(value)).first()
    return None


class LibraryDetailView(AnyPermMixin, View):
    def get(self, request, pk):
        indicator = get_object_or_404(LibraryIndicator.objects.select_related("sector"), pk=pk)
        project = None
        pid = request.GET.get("project", "")
        if pid.isdigit():
            project = project_or_404(request, int(pid))
        context = benchmark_context(request, indicator, project)
        context["can_manage"] = request.user.has_perm(P.MANAGE_BUDGET_LIBRARY)
        return render(request, "budgets/library_detail.html", context)


def flag_rows(flags: list[dict]) -> list[dict]:
    labels = {
        "vague": _("Vague wording"),
        "satisfaction_as_effect": _("Satisfaction as effect"),
        "below_last_year": _("Below last year's actual"),
    }
    return [
        {
            "code": f["code"],
            "label": labels.get(f["code"], f["code"]),
            "name": f["name"],
            "text": render_text(**f["detail"]),
        }
        for f in flags
    ]


class SheetQualityView(AnyPermMixin, View):
    """The sheet's quality flags now, and finance's grade 优/良/中/差 (finance grades; others read)."""

    def render_page(self, request, project, form=None, status=200):
        review = sheet_selectors.review_of(project=project)
        can_grade = request.user.has_perm(P.REVIEW_BUDGET) and project.status != ProjectStatus.DRAFT
        if can_grade and form is None:
            form = GradeForm(
                initial={
                    "grade": review.grade if review else None,
                    "comment": review.comment if review else "",
                    "version": review.version if review else 0,
                }
            )
        return render(
            request,
            "budgets/sheet_quality.html",
            {
                "project": project,
                "flags": flag_rows([f.as_json() for f in sheet_selectors.flags_of(project=project)]),
                "review": review,
                "review_flags": flag_rows(review.flags) if review else [],
                "form": form if can_grade else None,
            },
            status=status,
        )

    def get(self, request, pk):
        return self.render_page(request, project_or_404(request, pk))

    def post(self, request, pk):
        if not request.user.has_perm(P.REVIEW_BUDGET):
            raise PermissionDenied
        project = project_or_404(request, pk)
        form = GradeForm(request.POST)
        if form.is_valid():
            try:
                services.sheet_grade(
                    project=project,
                    actor=request.user,
                    grade=form.cleaned_data["grade"],
                    comment=form.cleaned_data.get("comment", ""),
                    expected_version=form.cleaned_data.get("version"),
                )
            except ApplicationError as exc:
                apply_error(form, exc)
            else:
                messages.success(request, _("The sheet's quality grade was saved."))
                return redirect("budgets:sheet_quality", pk=project.pk)
        return self.render_page(request, project, form, status=400)
