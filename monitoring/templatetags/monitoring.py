"""Template helpers of the monitoring pages."""

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

# Colour → status class of perfgov.css, always shown with its text label.
COLOUR_STATUS = {"green": "on_track", "yellow": "behind", "red": "at_risk"}
COLOUR_LABELS = {"green": _("Green"), "yellow": _("Yellow"), "red": _("Red")}


@register.filter
def colour_status(colour):
    return COLOUR_STATUS.get(colour or "", "none")


@register.filter
def colour_label(colour):
    return COLOUR_LABELS.get(colour or "", "—")


@register.inclusion_tag("monitoring/_summary.html")
def monitoring_summary(user, year):
    """Red/yellow/green counts of the departments' execution for the leader dashboard (budget readers only)."""
    from core.roles import P

    from .. import selectors

    if not (user.has_perm(P.READ_ALL_BUDGETS) or user.has_perm(P.READ_OWN_BUDGETS)):
        return {"show": False}
    _, dept_rows = selectors.monitoring_rows(user=user, year=year)
    counts = {"red": 0, "yellow": 0, "green": 0}
    for d in dept_rows:
        counts[d.result.colour] += 1
    flagged = [d for d in dept_rows if d.result.colour != "green"]
    return {"show": bool(dept_rows), "year": year, "counts": counts, "flagged": flagged}
