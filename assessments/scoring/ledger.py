"""What the scoring of a department takes in (rules, events, assignments) and gives out (ledger
lines and the department's result) — plain values, no database."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from core.numbers import q2
from indicators.scoring import Inputs, Spec

from ..inputs import PROVISIONAL_STATES, InputState, Used

ZERO = Decimal(0)


@dataclass(frozen=True)
class RuleIn:
    id: int
    code: str
    name: str
    kind: str  # deduction | bonus
    scope: str  # indicator | department
    effect: str  # points | to_zero | veto
    points: Decimal
    cap: Decimal | None
    indicator_id: int | None


@dataclass(frozen=True)
class EventIn:
    id: int
    rule: RuleIn
    date: dt.date
    occurrences: int
    note: str = ""
    evidence: bool = False


@dataclass(frozen=True)
class AssignmentIn:
    id: int
    indicator_id: int
    indicator_code: str
    indicator_name: str
    category_code: str  # the top-level category
    spec: Spec
    inputs: Inputs
    override: Decimal | None = None
    override_appeal: int | None = None
    # The input's state for the period and what was used (assessments.inputs); approved by default.
    state: str = InputState.APPROVED
    used: Used | None = None
    category_name: str = ""


@dataclass
class Line:
    key: str
    kind: str  # indicator | deduction | bonus | cap | veto
    points: Decimal
    message: str
    args: dict
    category_code: str = ""
    indicator_id: int | None = None
    rule_id: int | None = None
    event_id: int | None = None
    assignment_id: int | None = None


@dataclass
class DeptResult:
    department_id: int
    group_id: int | None
    lines: list[Line] = field(default_factory=list)
    vetoed: bool = False
    # Held by the plan's missing-input policy: no grade and no rank until the input is resolved.
    held: bool = False
    inputs: dict[str, int] = field(default_factory=dict)
    # Per top-level category, the count of inputs in each state other than approved.
    category_states: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def provisional(self) -> bool:
        """Resting on anything but approved or not-applicable inputs (暂定)."""
        return any(self.inputs.get(s) for s in PROVISIONAL_STATES)

    @property
    def total(self) -> Decimal:
        return sum((ln.points for ln in self.lines), start=ZERO)

    def category_scores(self) -> dict[str, Decimal]:
        out: dict[str, Decimal] = defaultdict(lambda: ZERO)
        for ln in self.lines:
            if ln.category_code:
                out[ln.category_code] += ln.points
        return dict(out)


def fmt_points(d: Decimal) -> str:
    """Points as a ledger line writes them: ``2``, ``2.5``, ``2.25``."""
    return format(q2(d).normalize(), "f") if d != d.to_integral() else format(d.to_integral(), "f")
