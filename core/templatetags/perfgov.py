"""Template filters for numbers and money: the formatting of core.numbers, for templates."""

from django import template

from core import numbers

register = template.Library()

register.filter("points", numbers.points_text)
register.filter("yuan", numbers.yuan)
register.filter("wan", numbers.wan)
register.filter("percent", numbers.percent)
register.filter("plain", numbers.plain)
register.filter("input_value", numbers.input_value)


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None
