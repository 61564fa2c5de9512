"""Explanations stored as a message and its arguments, translated when shown.

Ledger lines and alerts are computed by jobs without a user's language; storing the English
message id with its arguments lets each reader see them in their own language.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext


@dataclass(frozen=True)
class Text:
    message: str  # an English msgid marked with gettext_noop
    args: dict = field(default_factory=dict)

    def render(self) -> str:
        return render(self.message, self.args)

    def as_json(self) -> dict:
        return {"message": self.message, "args": self.args}


def render(message: str, args: dict | None) -> str:
    """Translate ``message`` and fill in ``args``: ``*_label`` arguments are translated too, and an
    argument of the form {"message": ..., "args": ...} is itself rendered (nested explanations)."""
    text = gettext(message)
    if not args:
        return text
    prepared = {}
    for key, value in args.items():
        if isinstance(value, dict) and "message" in value:
            prepared[key] = render(value["message"], value.get("args"))
        elif isinstance(value, str) and key.endswith("_label"):
            prepared[key] = gettext(value)
        else:
            prepared[key] = value
    try:
        return text % prepared
    except (KeyError, ValueError, TypeError):
        return text
