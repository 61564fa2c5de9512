"""The query parameters of the monitoring lists (docs/api.md), declared."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.filters import FilterSet, TextFilter, WholeNumberField, WholeNumberFilter, known_value_filter

from ..models import CalendarDay, MonitoringWarning


class WarningFilter(FilterSet):
    # A status that does not exist filters nothing.
    year = WholeNumberFilter(field_name="year")
    status = known_value_filter("status", values=MonitoringWarning.Status.values)
    department = TextFilter(field_name="department__code", label="Department code")

    class Meta:
        model = MonitoringWarning
        fields = []


class CalendarYearField(WholeNumberField):
    """A year of the calendar, 2000 to 2100."""

    def to_python(self, value):
        year = super().to_python(value)
        if year is not None and not 2000 <= year <= 2100:
            raise ValidationError(_("Give a year between 2000 and 2100."), code="invalid")
        return year


class CalendarYearFilter(WholeNumberFilter):
    field_class = CalendarYearField


class CalendarDayFilter(FilterSet):
    # A kind that does not exist filters nothing.
    year = CalendarYearFilter(field_name="date__year", label="Only the days of this year")
    kind = known_value_filter("kind", values=CalendarDay.Kind.values)

    class Meta:
        model = CalendarDay
        fields = []
