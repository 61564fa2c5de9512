"""Hooks by which higher apps add to the budget pages without budgets importing them
(docs/architecture.md, "Layers").

``recommendation_notes`` is sent by the recommendation page with the budget ``year`` and the
``department_ids`` shown; each receiver returns ``{department_id: RecommendationNote}``. The
rectification ledger answers with the department's items left open at the end of the year
evaluated, and what the year's setting does about them (show, hold back, or cut).
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from django.dispatch import Signal

recommendation_notes = Signal()


@dataclasses.dataclass
class RecommendationNote:
    text: str
    link: str = ""
    action: str = "none"  # none | hold | cut
    percent: Decimal | None = None  # for a cut


def notes_for(*, year: int, department_ids) -> dict[int, list[RecommendationNote]]:
    out: dict[int, list[RecommendationNote]] = {}
    ids = list(department_ids)
    if not ids:
        return out
    for _receiver, result in recommendation_notes.send(sender=None, year=year, department_ids=ids):
        for dept_id, note in (result or {}).items():
            out.setdefault(dept_id, []).append(note)
    return out
