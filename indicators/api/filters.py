"""The query parameters of the library's lists, declared."""

from __future__ import annotations

from core.filters import FilterSet, FlagFilter, LenientWholeNumberFilter, TextFilter

from .. import selectors
from ..models import Category, GradeBand, Indicator, Rule


class LibraryYearFilter(FilterSet):
    # A year that is not a whole number lists nothing.
    year = LenientWholeNumberFilter(field_name="library__year", label="Year of the library")


class CategoryFilter(LibraryYearFilter):
    class Meta:
        model = Category
        fields = []


class GradeBandFilter(LibraryYearFilter):
    class Meta:
        model = GradeBand
        fields = []


class RuleFilter(LibraryYearFilter):
    kind = TextFilter(field_name="kind")
    indicator = TextFilter(field_name="indicator__code")

    class Meta:
        model = Rule
        fields = []


class IndicatorFilter(LibraryYearFilter):
    """The library's search (``indicators.selectors.indicators_search``, shared with the pages)."""

    q = TextFilter(label="Text in code, name or description")
    category = TextFilter(label="Category code (includes sub-categories)")
    method = TextFilter()
    kind = TextFilter()
    applicability = TextFilter()
    department = TextFilter(label="Department code: common indicators and its individual ones")
    code = TextFilter(field_name="code")
    include_retired = FlagFilter()

    SEARCH = ("q", "category", "method", "kind", "applicability", "department")

    class Meta:
        model = Indicator
        fields = []

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        queryset = selectors.indicators_search(
            queryset=queryset,
            include_retired=data["include_retired"] is True,
            **{name: data[name] or "" for name in self.SEARCH},
        )
        for name in ("code", "year"):
            queryset = self.filters[name].filter(queryset, data[name])
        return queryset
