"""Template helpers of the budget pages."""

from django import template

from ..choices import GRADES

register = template.Library()

# Grade → status colour class of perfgov.css (always shown with its text label).
GRADE_STATUS = {"excellent": "achieved", "good": "on_track", "fair": "behind", "poor": "at_risk"}
GRADE_LABELS = dict(GRADES)


@register.filter
def grade_status(code):
    return GRADE_STATUS.get(code or "", "none")


@register.filter
def grade_label(code):
    return GRADE_LABELS.get(code or "", "—")


@register.filter
def signed(value):
    """A percentage change with its sign: +10.00, 0.00, -50.00."""
    if value is None:
        return "—"
    text = f"{value:.2f}" if hasattr(value, "quantize") else str(value)
    return f"+{text}" if value > 0 else text
