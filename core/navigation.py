"""The side navigation: what each role may use (DESIGN.md §1). Shown by permission."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .roles import P


@dataclass(frozen=True)
class Item:
    label: str
    url_name: str
    perm: str | None = None
    # Shown only to these roles when set (for pages meant for one kind of user).
    roles: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Section:
    label: str
    items: tuple[Item, ...]


NAVIGATION: tuple[Section, ...] = (
    Section(_("Workspace"), (Item(_("Home"), "home"), Item(_("My account"), "organizations:account"))),
    Section(
        _("Assessment"),
        (Item(_("Indicator library"), "indicators:library_list", P.READ_LIBRARY),),
    ),
    Section(
        _("Administration"),
        (
            Item(_("Departments"), "organizations:department_list", P.READ_REFERENCE),
            Item(_("API tokens"), "organizations:token_list", P.USE_API_TOKENS),
            Item(_("API documentation"), "api-docs", P.READ_REFERENCE),
            Item(_("Admin site"), "admin:index", None, frozenset({"admin", "supervisor"})),
        ),
    ),
    Section(
        _("Security"),
        (
            Item(_("Account security"), "organizations:security", P.MANAGE_SECURITY),
            Item(_("Audit retention"), "audit:retention", P.MANAGE_AUDIT_RETENTION, frozenset({"security_admin"})),
        ),
    ),
    Section(
        _("Audit"),
        (
            Item(_("Audit log"), "audit:event_list", P.READ_AUDIT),
            Item(_("Audit retention"), "audit:retention", P.READ_AUDIT),
        ),
    ),
)


def navigation_for(user, current_path: str = "") -> list[dict]:
    """The sections and links ``user`` may use, with the current page marked."""
    sections = []
    for section in NAVIGATION:
        items = []
        for item in section.items:
            if item.perm and not user.has_perm(item.perm):
                continue
            if item.roles and user.role not in item.roles:
                continue
            url = reverse(item.url_name)
            active = current_path == url or (url != "/" and current_path.startswith(url))
            items.append({"label": item.label, "url": url, "active": active})
        if items:
            sections.append({"label": section.label, "items": items})
    return sections
