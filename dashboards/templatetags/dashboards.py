"""Template filters of the dashboards: table cells and period names."""

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.translation import gettext as _

from dashboards.tables import Label, display

register = template.Library()


@register.filter
def cell(value, kind="text"):
    """A table cell as shown: numbers formatted by the column's kind, status labels with their colour."""
    if isinstance(value, Label):
        return format_html('<span class="{}">{}</span>', value.css, value.text)
    return conditional_escape(display(value, kind))


@register.filter
def period_label(period: str) -> str:
    return _("Annual") if period == "annual" else period
