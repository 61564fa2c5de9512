"""Progress against plan, status colour and lag of one entry (docs/domain.md §3, Lag) — pure.

progress % is how far the annual target is reached (≥: actual ÷ target; ≤: the allowance for
the quarter ÷ actual, scaled to the plan); the status colour compares it with the planned
cumulative progress; lag = planned % − actual %, in percentage points.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from core.numbers import q2
from indicators.choices import Direction, ValueType

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Progress:
    progress_pct: Decimal | None
    lag: Decimal | None
    colour: str  # on_track | behind | at_risk | achieved | none


def compute(
    *,
    direction: str,
    value_type: str,
    basic: Decimal | None,
    upper: Decimal | None,
    actual: Decimal | None,
    completion_pct: Decimal | None,
    planned_pct: Decimal,
    on_track_from: Decimal = Decimal(95),
    behind_from: Decimal = Decimal(80),
    final_quarter: bool = False,
) -> Progress:
    achieved = False
    pct: Decimal | None = None
    if actual is not None and (basic is not None or direction == Direction.BOOL):
        if direction == Direction.GE:
            pct = actual / basic * HUNDRED if basic > 0 else (HUNDRED if actual >= basic else Decimal(0))
            achieved = actual >= basic
        elif direction == Direction.LE:
            allowance = basic * (planned_pct / HUNDRED if value_type == ValueType.CUMULATIVE else 1)
            ratio = Decimal(1) if actual <= 0 else min(allowance / actual, Decimal(1))
            pct = planned_pct * ratio
            # "at most" is only known to be met when the year is over
            achieved = final_quarter and actual <= basic
        else:
            if direction == Direction.BOOL:
                met = actual >= 1
            elif direction == Direction.RANGE:
                met = basic <= actual <= (upper if upper is not None else basic)
            else:
                met = actual == basic
            pct = HUNDRED if met else Decimal(0)
            achieved = met
    elif completion_pct is not None:
        pct = completion_pct
        achieved = completion_pct >= HUNDRED
    if pct is None:
        return Progress(None, None, "none")
    pct = q2(max(min(pct, Decimal(999)), Decimal(-999)))
    lag = q2(planned_pct - pct)
    if achieved:
        colour = "achieved"
    else:
        ratio_pct = HUNDRED if planned_pct <= 0 else pct / planned_pct * HUNDRED
        colour = "on_track" if ratio_pct >= on_track_from else "behind" if ratio_pct >= behind_from else "at_risk"
    return Progress(pct, lag, colour)


def is_lagging(lag: Decimal | None, threshold: Decimal) -> bool:
    """ "滞后 20% 以上" includes the bound: a lag equal to the threshold warns."""
    return lag is not None and lag >= threshold
