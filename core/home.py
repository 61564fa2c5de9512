"""What each role finds on its home page: the links to its daily work."""

from __future__ import annotations

from .navigation import navigation_for


def home_cards(user) -> list[dict]:
    """One card per navigation section the user may use (apps add richer home panels)."""
    return [s for s in navigation_for(user) if s["items"]]
