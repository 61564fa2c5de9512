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
