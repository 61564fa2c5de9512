"""Browser pages of the indicator library: everyone reads, the supervision office edits."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core.errors import ApplicationError
from core.roles import P
from core.views_mixins import PermMixin, apply_error

from . import selectors, services
from .forms import (
    CategoryForm,
    GradeBandForm,
    IndicatorFilterForm,
    IndicatorForm,
    LibraryCloneForm,
    LibraryCreateForm,
    RuleForm,
)
from .models import Category, GradeBand, Indicator, Library, Rule


def _library(year: int) -> Library:
    try:
        return selectors.library_get(year=year)
    except Library.DoesNotExist:
        raise Http404 from None


def _to_tab(library: Library, tab: str):
    return redirect(f"{reverse('indicators:library_detail', args=[library.year])}?tab={tab}")


class LibraryListView(PermMixin, View):
    perm = P.READ_LIBRARY

    def get(self, request, create_form=None, clone_form=None):
        can_edit = request.user.has_perm(P.EDIT_LIBRARY)
        return render(
            request,
            "indicators/library_list.html",
            {
                "libraries": selectors.libraries_list(),
                "can_edit": can_edit,
                "create_form": create_form or LibraryCreateForm(prefix="create"),
                "clone_form": clone_form or LibraryCloneForm(prefix="clone"),
            },
        )

    def post(self, request):
        if not request.user.has_perm(P.EDIT_LIBRARY):
            raise PermissionDenied
        if "clone" in request.POST:
            form = LibraryCloneForm(request.POST, prefix="clone")
            if form.is_valid():
                try:
                    lib = services.library_clone(
                        source=form.cleaned_data["source"],
                        year=form.cleaned_data["year"],
                        name=form.cleaned_data["name"] or None,
                        actor=request.user,
                    )
                except ApplicationError as exc:
                    apply_error(form, exc)
                else:
                    messages.success(request, _("The library was copied into %(year)s.") % {"year": lib.year})
                    return redirect("indicators:library_detail", year=lib.year)
            return self.get(request, clone_form=form)
        form = LibraryCreateForm(request.POST, prefix="create")
        if form.is_valid():
            try:
                lib = services.library_create(
                    year=form.cleaned_data["year"], name=form.cleaned_data["name"], actor=request.user
                )
            except (ApplicationError, ValidationError) as exc:
                apply_error(form, exc)
            else:
                return redirect("indicators:library_detail", year=lib.year)
        return self.get(request, create_form=form)


class LibraryDetailView(PermMixin, View):
    """A year's library: indicators with search and filters, categories, rules, grades, changes."""

    perm = P.READ_LIBRARY

    def get(self, request, year):
        library = _library(year)
        tab = request.GET.get("tab", "indicators")
        context = {"library": library, "tab": tab, "can_edit": request.user.has_perm(P.EDIT_LIBRARY)}
        if tab == "categories":
            cats = selectors.categories_of(library=library)
            context["categories"] = cats
            context["top_points"] = sum((c.points for c in cats if c.parent_id is None), start=0)
        elif tab == "rules":
            context["rules"] = selectors.rules_of(library=library)
        elif tab == "grades":
            context["grade_bands"] = selectors.grade_bands_of(library=library)
        elif tab == "changes":
            context["changes"] = selectors.changes_of(library=library)[:500]
        else:
            form = IndicatorFilterForm(request.GET or None, library=library)
            filters = form.cleaned_data if form.is_valid() else {}
            qs = selectors.indicators_search(
                library=library,
                **{k: v for k, v in filters.items() if v},
                include_retired=request.GET.get("retired") == "1",
            )
            page = Paginator(qs, 100).get_page(request.GET.get("page"))
            query = request.GET.copy()
            query.pop("page", None)
            context.update({"filter_form": form, "page": page, "query": query.urlencode()})
        return render(request, "indicators/library_detail.html", context)


class IndicatorDetailView(PermMixin, View):
    perm = P.READ_LIBRARY

    def get(self, request, year, pk):
        library = _library(year)
        indicator = get_object_or_404(
            Indicator.objects.select_related("category").prefetch_related("departments", "rules"),
            library=library,
            pk=pk,
        )
        return render(
            request,
            "indicators/indicator_detail.html",
            {
                "library": library,
                "indicator": indicator,
                "can_edit": request.user.has_perm(P.EDIT_LIBRARY),
            },
        )


class LibraryObjectEditView(PermMixin, View):
    """Create or edit a category, indicator, rule or grade band (supervision office)."""

    perm = P.EDIT_LIBRARY
    model: type = Indicator
    form_class: type = IndicatorForm
    tab = "indicators"
    title_new = gettext_lazy("New indicator")
    title_edit = gettext_lazy("Edit indicator")

    def get_object(self, library, pk):
        if pk is None:
            return None
        return get_object_or_404(self.model, library=library, pk=pk)

    def render_form(self, request, library, form, obj):
        return render(
            request,
            "indicators/object_form.html",
            {
                "library": library,
                "form": form,
                "object": obj,
                "tab": self.tab,
                "title": self.title_edit if obj else self.title_new,
            },
        )

    def get(self, request, year, pk=None):
        library = _library(year)
        obj = self.get_object(library, pk)
        return self.render_form(request, library, self.form_class(instance=obj, library=library), obj)

    def post(self, request, year, pk=None):
        library = _library(year)
        obj = self.get_object(library, pk)
        form = self.form_class(request.POST, instance=obj, library=library)
        if form.is_valid():
            data = {f: form.cleaned_data[f] for f in form._meta.fields if f != "departments"}
            kwargs = {}
            if "departments" in form.fields:
                kwargs["departments"] = list(form.cleaned_data["departments"])
            if "version" in form.fields and obj is not None:
                kwargs["expected_version"] = form.cleaned_data.get("version")
            try:
                saved = services.library_object_save(
                    obj=obj or self.model(library=library), data=data, actor=request.user, **kwargs
                )
            except (ApplicationError, ValidationError) as exc:
                apply_error(form, exc)
            else:
                messages.success(request, _("Saved: %(obj)s") % {"obj": saved})
                if self.model is Indicator:
                    return redirect("indicators:indicator_detail", year=library.year, pk=saved.pk)
                return _to_tab(library, self.tab)
        return self.render_form(request, library, form, obj)


class CategoryEditView(LibraryObjectEditView):
    model, form_class, tab = Category, CategoryForm, "categories"
    title_new, title_edit = gettext_lazy("New category"), gettext_lazy("Edit category")


class RuleEditView(LibraryObjectEditView):
    model, form_class, tab = Rule, RuleForm, "rules"
    title_new, title_edit = gettext_lazy("New rule"), gettext_lazy("Edit rule")


class GradeBandEditView(LibraryObjectEditView):
    model, form_class, tab = GradeBand, GradeBandForm, "grades"
    title_new, title_edit = gettext_lazy("New grade band"), gettext_lazy("Edit grade band")


class RetireView(PermMixin, View):
    perm = P.EDIT_LIBRARY
    model: type = Indicator

    def post(self, request, year, pk):
        library = _library(year)
        obj = get_object_or_404(self.model, library=library, pk=pk)
        services.library_object_retire(obj=obj, actor=request.user)
        messages.success(request, _("Retired: %(obj)s") % {"obj": obj})
        return _to_tab(library, "rules" if self.model is Rule else "indicators")
