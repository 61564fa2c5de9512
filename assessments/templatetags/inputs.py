"""Template helpers for input states (assessments.inputs): their labels, and a score's counts."""

from django import template

from ..inputs import STATE_LABELS, InputState

register = template.Library()


@register.filter
def input_state(state: str) -> str:
    """The reader's label of an input state, e.g. ``pending`` → 待定."""
    try:
        return str(STATE_LABELS[InputState(state)])
    except ValueError:
        return state


@register.filter
def open_inputs(inputs: dict | None) -> list[tuple[str, str, int]]:
    """(state, label, count) of the inputs that make a score provisional or are left out."""
    return [
        (str(s), str(STATE_LABELS[s]), (inputs or {}).get(str(s), 0))
        for s in InputState
        if s != InputState.APPROVED and (inputs or {}).get(str(s))
    ]
