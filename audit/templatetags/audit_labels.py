from django import template

from core.roles import Role

from ..labels import action_label, object_type_label

register = template.Library()
register.filter("audit_action", action_label)
register.filter("audit_object_type", object_type_label)


@register.filter
def audit_role(code: str) -> str:
    try:
        return Role(code).label
    except ValueError:
        return code
