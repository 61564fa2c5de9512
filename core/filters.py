"""The API's list filters, declared (django-filter): each list says which query parameters it takes,
the OpenAPI schema shows them, and a bad value answers 400 on its field in the API's error format
(``core.exceptions``), e.g. ``{"errors": {"year": ["Enter a whole number."]}}``.

The filters keep the API's long-standing reading of a value (docs/api.md): an empty parameter
filters nothing, text is compared as sent (not stripped), and a flag is ``true``/``1`` or
``false``/``0`` — any other value leaves the list unfiltered.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

PERIODS = ("Q1", "Q2", "Q3", "Q4", "annual")
QUARTERS = PERIODS[:4]


class WholeNumberField(forms.CharField):
    """A whole number (digits only, as sent); anything else is the field's error."""

    default_error_messages = {"invalid": _("Enter a whole number.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("strip", False)
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            if not value.isdigit():
                raise ValueError
            return int(value)
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


class LenientWholeNumberField(forms.CharField):
    """A whole number, or ``False`` for any other text: the list is then empty, not refused."""

    def __init__(self, **kwargs):
        kwargs.setdefault("strip", False)
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            return int(value) if value.isdigit() else False
        except ValueError:
            return False


class FlagField(forms.Field):
    """``true``/``1`` → True, ``false``/``0`` → False, anything else → None (no filter)."""

    def to_python(self, value):
        return {"true": True, "1": True, "false": False, "0": False}.get(value)


@extend_schema_field(OpenApiTypes.INT)
class WholeNumberFilter(filters.Filter):
    """A whole-number parameter, e.g. ``year``: not a whole number → 400 on the field."""

    field_class = WholeNumberField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", "")
        super().__init__(*args, **kwargs)
        if kwargs["label"]:  # the schema's type is declared above; its description is the label
            extend_schema_field({"type": "integer", "description": kwargs["label"]})(self)


@extend_schema_field(OpenApiTypes.INT)
class LenientWholeNumberFilter(WholeNumberFilter):
    """A whole-number parameter whose other values match nothing (an empty list, no error)."""

    field_class = LenientWholeNumberField

    def filter(self, qs, value):
        if value is False:
            return qs.none()
        return super().filter(qs, value)


class TextFilter(filters.CharFilter):
    """Exact text, e.g. a department code, compared as sent."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", "")
        kwargs.setdefault("strip", False)
        super().__init__(*args, **kwargs)


class FlagFilter(filters.BooleanFilter):
    """A true/false parameter. ``only_true``: ``false`` filters nothing either."""

    field_class = FlagField

    def __init__(self, *args, only_true: bool = False, **kwargs):
        kwargs.setdefault("label", "")
        kwargs.setdefault("widget", forms.TextInput)  # the value as sent: ``True`` is not ``true``
        self.only_true = only_true
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value is None or (self.only_true and value is False):
            return qs
        return super().filter(qs, value)


class ChoiceFilter(filters.ChoiceFilter):
    """One of fixed values, refused with ``message`` otherwise. ``lookup`` maps the value sent to
    the value stored (e.g. ``"Q2"`` → quarter number 2)."""

    def __init__(self, *args, choices, message, lookup=None, **kwargs):
        kwargs.setdefault("label", "")
        self.lookup = lookup
        super().__init__(
            *args,
            choices=[(c, c) for c in choices],
            error_messages={"invalid_choice": message},
            **kwargs,
        )

    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        return super().filter(qs, self.lookup(value) if self.lookup else value)


class KnownValueFilter(TextFilter):
    """One of fixed values, e.g. a status; any other value filters nothing (neither refused nor empty)."""

    def __init__(self, *args, values, **kwargs):
        self.values = list(values)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value not in self.values:
            return qs
        return super().filter(qs, value)


def known_value_filter(field_name: str, *, values, label: str = "") -> KnownValueFilter:
    """A ``KnownValueFilter`` shown in the schema as text with its values."""
    values = list(values)
    made = KnownValueFilter(field_name=field_name, values=values, label=label)
    schema = {"type": "string", "enum": values} | ({"description": label} if label else {})
    return extend_schema_field(schema)(made)


def choice_filter(field_name: str, *, choices, message, lookup=None) -> ChoiceFilter:
    """A ``ChoiceFilter`` shown in the schema as text with its values (whatever the stored type)."""
    choices = list(choices)
    made = ChoiceFilter(field_name=field_name, choices=choices, message=message, lookup=lookup)
    return extend_schema_field({"type": "string", "enum": choices})(made)


def period_filter(field_name: str = "period") -> ChoiceFilter:
    """The ``period`` parameter of scores: ``Q1``…``Q4`` or ``annual``."""
    return choice_filter(field_name, choices=PERIODS, message=_("One of Q1, Q2, Q3, Q4, annual."))


def quarter_filter(field_name: str = "quarter__number") -> ChoiceFilter:
    """The ``period`` parameter of quarterly things: ``Q1``…``Q4``, filtering the quarter's number."""
    return choice_filter(
        field_name, choices=QUARTERS, message=_("One of Q1, Q2, Q3, Q4."), lookup=lambda value: int(value[1])
    )


class FilterSet(filters.FilterSet):
    """The base of the API's FilterSets."""
