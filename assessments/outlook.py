"""What it would take (差距分析): the distance to the next grade band and the points still open.

Pure: computed from a score's ledger lines, its indicators' points and the plan's bands, so the
page and the API show the same thing (docs/scoring.md, "What it would take").
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from core.numbers import q2

from .scoring import HELD_CODE

ZERO = Decimal(0)
TOP_OPEN = 5


@dataclass(frozen=True)
class OpenIndicator:
    indicator_id: int
    code: str
    name: str
    points: Decimal  # the indicator's points
    scored: Decimal  # what its lines give now
    state: str  # the input's state (approved unless the line says otherwise)

    @property
    def open(self) -> Decimal:
        return q2(self.points - self.scored)


@dataclass(frozen=True)
class Outlook:
    next_code: str | None = None
    next_label: str | None = None
    next_min: Decimal | None = None
    distance: Decimal | None = None
    top: bool = False  # already in the top band
    blocked: str = ""  # "veto" or "held": no band is reachable by points
    open: list[OpenIndicator] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "next_grade": None
            if self.next_code is None
            else {
                "code": self.next_code,
                "label": self.next_label,
                "min_score": f"{self.next_min:.2f}",
                "distance": f"{self.distance:.2f}",
            },
            "blocked": self.blocked or None,
            "open_points": [
                {
                    "indicator": {"code": o.code, "name": o.name},
                    "points": f"{o.points:.2f}",
                    "scored": f"{o.scored:.2f}",
                    "open": f"{o.open:.2f}",
                    "state": o.state,
                }
                for o in self.open
            ],
        }


def outlook(
    *,
    total: Decimal,
    grade_code: str,
    vetoed: bool,
    bands: list[tuple[str, str, Decimal]],
    lines: list,
    indicators: dict[int, tuple[str, str, Decimal]],
) -> Outlook:
    """``bands``: (code, label, min score); ``lines``: ledger lines (indicator_id, points,
    detail_args); ``indicators``: id → (code, name, points). The next band is the lowest band
    above the current total; the open points are, per indicator, its points minus what its lines
    give, largest first."""
    scored: dict[int, Decimal] = defaultdict(lambda: ZERO)
    states: dict[int, str] = {}
    for ln in lines:
        if ln.indicator_id is None or ln.indicator_id not in indicators:
            continue
        scored[ln.indicator_id] += ln.points
        state = (ln.detail_args or {}).get("state")
        if state and ln.kind == "indicator":
            states[ln.indicator_id] = state
    opened = [
        OpenIndicator(i, code, name, pts, q2(scored[i]), states.get(i, "approved"))
        for i, (code, name, pts) in indicators.items()
        if i in scored and pts - scored[i] > ZERO
    ]
    opened.sort(key=lambda o: (-o.open, o.code))
    opened = opened[:TOP_OPEN]
    if vetoed:
        return Outlook(blocked="veto", open=opened)
    if grade_code == HELD_CODE:
        return Outlook(blocked="held", open=opened)
    above = sorted((b for b in bands if b[2] > total), key=lambda b: b[2])
    if not above:
        return Outlook(top=True, open=opened)
    code, label, minimum = above[0]
    return Outlook(code, label, minimum, q2(minimum - total), open=opened)
