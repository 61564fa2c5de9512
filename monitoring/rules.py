"""The dual-monitoring rules on plain values (docs/monitoring.md).

Execution rate = spent ÷ approved amount, in percent. At each checkpoint of the year's schedule
(month/day, threshold percent) execution strictly below the threshold gives a warning; exactly at
the threshold gives none. Between checkpoints the latest checkpoint passed applies; before the
first one no execution warning is given. A gap strictly above ``gap_points`` percentage points
between target completion and execution gives a second warning.
"""

from __future__ import annotations

import dataclasses
import datetime
from decimal import ROUND_HALF_UP, Decimal

# Month, day, threshold (percent executed): the end of April, June, August and October.
DEFAULT_CHECKPOINTS: list[tuple[int, int, Decimal]] = [
    (4, 30, Decimal(25)),
    (6, 30, Decimal(40)),
    (8, 31, Decimal(60)),
    (10, 31, Decimal(80)),
]
DEFAULT_GAP_POINTS = Decimal(10)
HUNDRED = Decimal(100)


class Colour:
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"


@dataclasses.dataclass(frozen=True)
class Checkpoint:
    date: datetime.date
    threshold: Decimal


@dataclasses.dataclass(frozen=True)
class Result:
    execution_rate: Decimal | None
    completion_rate: Decimal | None
    checkpoint: Checkpoint | None
    below_threshold: bool
    gap: Decimal | None
    gap_exceeded: bool

    @property
    def colour(self) -> str:
        if self.below_threshold and self.gap_exceeded:
            return Colour.RED
        if self.below_threshold or self.gap_exceeded:
            return Colour.YELLOW
        return Colour.GREEN


def execution_rate(spent: Decimal, amount: Decimal) -> Decimal | None:
    """Spent ÷ approved in percent, two decimals (half up); None for a zero amount."""
    if not amount:
        return None
    return (Decimal(spent) * HUNDRED / Decimal(amount)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def checkpoints_for(year: int, schedule) -> list[Checkpoint]:
    rows = schedule if schedule else DEFAULT_CHECKPOINTS
    out = [Checkpoint(datetime.date(year, int(m), int(d)), Decimal(str(t))) for m, d, t in rows]
    return sorted(out, key=lambda c: c.date)


def current_checkpoint(year: int, on: datetime.date, schedule=None) -> Checkpoint | None:
    """The latest checkpoint on or before ``on`` (a checkpoint applies from its own day)."""
    passed = [c for c in checkpoints_for(year, schedule) if c.date <= on]
    return passed[-1] if passed else None


def assess(
    *,
    spent: Decimal,
    amount: Decimal,
    completion: Decimal | None,
    year: int,
    on: datetime.date,
    schedule=None,
    gap_points: Decimal = DEFAULT_GAP_POINTS,
) -> Result:
    rate = execution_rate(spent, amount)
    checkpoint = current_checkpoint(year, on, schedule)
    below = bool(checkpoint is not None and rate is not None and rate < checkpoint.threshold)
    gap = None
    if rate is not None and completion is not None:
        gap = abs(Decimal(completion) - rate)
    exceeded = bool(gap is not None and gap > Decimal(gap_points))
    return Result(rate, completion, checkpoint, below, gap, exceeded)
