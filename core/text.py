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
    text = gettext(message)
    if not args:
        return text
    try:
        return text % {k: gettext(v) if isinstance(v, str) and k.endswith("_label") else v for k, v in args.items()}
    except (KeyError, ValueError, TypeError):
        return text
