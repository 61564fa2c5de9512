"""The query parameters of the rectification ledger, declared."""

from __future__ import annotations

from core.filters import FilterSet, FlagField, FlagFilter, TextFilter, WholeNumberFilter, known_value_filter

from .. import selectors
from ..models import Item, Source, Status


class AnyCaseFlagField(FlagField):
    """A flag in any case: ``TRUE`` and ``False`` too."""

    def to_python(self, value):
        return super().to_python(value.lower() if isinstance(value, str) else value)


class OverdueFilter(FlagFilter):
    """``true``: overdue items only (past their deadline, not closed); ``false``: the others."""

    field_class = AnyCaseFlagField

    def filter(self, qs, value):
        return qs if value is None else selectors.overdue_or_not(qs, overdue=value)


class ItemFilter(FilterSet):
    # A source or status that does not exist filters nothing.
    year = WholeNumberFilter(field_name="year")
    source = known_value_filter("source", values=Source.values)
    status = known_value_filter("status", values=Status.values)
    department = TextFilter(field_name="department__code", label="Department code")
    overdue = OverdueFilter(label="true: overdue only; false: not overdue")

    class Meta:
        model = Item
        fields = []
