"""The state of each input of a period, and what a score uses for it (docs/scoring.md, "Inputs").

Pure: no database. Recomputation (assessments.recompute) reads the facts — approved and
filed values, deadlines, grades, survey figures, exemptions — and asks ``value_input`` or
``judged_input`` what the state is and what the score uses. Every state but *approved* puts a
sentence in the indicator's ledger line, so no period's score ever uses anything silently.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, pgettext_lazy

from core.numbers import q2


class InputState(StrEnum):
    APPROVED = "approved"  # approved value (or grade, or final survey figure)
    PENDING = "pending"  # filed and not yet approved, ungraded, or not yet due
    MISSING = "missing"  # nothing filed by the deadline
    NOT_APPLICABLE = "not_applicable"  # exempted by the supervision office, with a reason
    CARRIED_OVER = "carried_over"  # an earlier quarter's value, where the indicator's rule says so


# States that make a score provisional (暂定).
PROVISIONAL_STATES = (InputState.PENDING, InputState.MISSING, InputState.CARRIED_OVER)

STATE_LABELS = {
    InputState.APPROVED: pgettext_lazy("input state", "Approved"),
    InputState.PENDING: pgettext_lazy("input state", "Pending"),
    InputState.MISSING: pgettext_lazy("input state", "Missing"),
    InputState.NOT_APPLICABLE: pgettext_lazy("input state", "Not applicable"),
    InputState.CARRIED_OVER: pgettext_lazy("input state", "Carried over"),
}
STATES = tuple(InputState)


def empty_counts() -> dict[str, int]:
    return dict.fromkeys(STATES, 0)


@dataclass(frozen=True)
class Used:
    """What a score uses for one input that is not simply approved.

    ``excluded``: the input does not count (0 points, its category rescaled); ``unscored``: the
    method is not applied (0 points), as for an excluded input or a missing one that scores 0;
    ``held``: the department's score is held (the plan's hold policy). ``message``/``args`` is
    the sentence that opens the indicator's ledger line.
    """

    message: str | None
    args: dict = field(default_factory=dict, hash=False, compare=True)
    excluded: bool = False
    held: bool = False
    unscored: bool = False

    def __post_init__(self):
        if self.excluded:
            object.__setattr__(self, "unscored", True)


def _num(v: Decimal) -> str:
    d = Decimal(v)
    return format(d.normalize() if d == d.to_integral() else q2(d).normalize(), "f")


QUARTER_LABELS = {
    1: gettext_noop("the first quarter"),
    2: gettext_noop("the second quarter"),
    3: gettext_noop("the third quarter"),
    4: gettext_noop("the fourth quarter"),
}


def _quarter(qn: int) -> str:
    return QUARTER_LABELS[qn]


def exempt(reason: str) -> tuple[str, Decimal | None, Used]:
    return (
        InputState.NOT_APPLICABLE,
        None,
        Used(gettext_noop("Not applicable (%(reason)s): not scored."), {"reason": reason}, excluded=True),
    )


POLICY_RULES = {
    "zero": gettext_noop("0 points by this year's rule."),
    "exclude": gettext_noop("left out by this year's rule, its category rescaled."),
    "hold": gettext_noop(
        "by this year's rule the department's score is held until it is filed or declared not applicable."
    ),
}


def missing(policy: str, message: str, args: dict) -> tuple[str, Decimal | None, Used]:
    """Nothing by the deadline: the plan's policy decides (zero, exclude or hold)."""
    policy = policy if policy in POLICY_RULES else "zero"
    return (
        InputState.MISSING,
        None,
        Used(
            message,
            {**args, "rule": {"message": POLICY_RULES[policy], "args": {}}},
            excluded=policy != "zero",
            held=policy == "hold",
            unscored=True,
        ),
    )


NOT_YET_DUE = Used(
    gettext_noop("Nothing filed for %(quarter_label)s yet (due %(deadline)s): not scored for now."), excluded=True
)


def value_input(
    *,
    qn: int,
    approved: dict[int, Decimal],
    filed: dict[int, Decimal],
    deadline: dt.date | None,
    today: dt.date,
    carry_over: bool,
    policy: str,
    exemption: str | None,
) -> tuple[str, Decimal | None, Used | None]:
    """(state, value used, what was used) of a reported value for quarter ``qn``.

    ``approved`` and ``filed`` map quarter numbers to the cumulative value approved, or filed
    and not yet approved; ``exemption`` is the reason when the input is not applicable. Only
    an indicator whose own rule says so (``carry_over``) uses an earlier quarter's approved value.
    """
    if exemption is not None:
        return exempt(exemption)
    value = approved.get(qn)
    if value is not None:
        return InputState.APPROVED, value, None
    value = filed.get(qn)
    if value is not None:
        return (
            InputState.PENDING,
            value,
            Used(
                gettext_noop("The value for %(quarter_label)s, %(value)s, awaits approval and is scored for now:"),
                {"quarter_label": _quarter(qn), "value": _num(value)},
            ),
        )
    if carry_over:
        for n in range(qn - 1, 0, -1):
            if approved.get(n) is not None:
                return (
                    InputState.CARRIED_OVER,
                    approved[n],
                    Used(
                        gettext_noop(
                            "The value for %(from_label)s, %(value)s, is carried over by the indicator's rule:"
                        ),
                        {"from_label": _quarter(n), "value": _num(approved[n])},
                    ),
                )
    if deadline is not None and today > deadline:
        return missing(policy, gettext_noop("No data for %(quarter_label)s: %(rule)s"), {"quarter_label": _quarter(qn)})
    return (
        InputState.PENDING,
        None,
        Used(
            NOT_YET_DUE.message,
            {"quarter_label": _quarter(qn), "deadline": deadline.isoformat() if deadline else "—"},
            excluded=True,
        ),
    )


def grade_input(*, grade: str | None, exemption: str | None) -> tuple[str, Used | None]:
    """A qualitative grade: approved once the reviewer grades; until then pending, never 0."""
    if exemption is not None:
        return exempt(exemption)[0::2]
    if grade:
        return InputState.APPROVED, None
    return InputState.PENDING, Used(gettext_noop("Not graded yet: not scored for now."), excluded=True)


def satisfaction_input(
    *,
    value: Decimal | None,
    respondents: int | None,
    minimum: int,
    final: bool,
    surveyed: bool,
    policy: str,
    exemption: str | None,
) -> tuple[str, Decimal | None, Used | None]:
    """A survey figure: approved when the survey is closed with enough respondents; scored for now
    while it runs; left out while the sample is short; missing when it closed short."""
    if exemption is not None:
        return exempt(exemption)
    if value is not None:
        if final:
            return InputState.APPROVED, value, None
        return (
            InputState.PENDING,
            value,
            Used(gettext_noop("Survey still running, scored on its figure so far:"), {}),
        )
    if final:
        return missing(
            policy,
            gettext_noop("Survey closed with too few respondents (%(n)s, at least %(min)s): %(rule)s"),
            {"n": respondents or 0, "min": minimum},
        )
    if surveyed:
        return (
            InputState.PENDING,
            None,
            Used(
                gettext_noop("Too few respondents so far (%(n)s, at least %(min)s): not scored for now."),
                {"n": respondents or 0, "min": minimum},
                excluded=True,
            ),
        )
    return InputState.PENDING, None, Used(gettext_noop("No survey result yet: not scored for now."), excluded=True)


def provisional_note(score) -> str:
    """ "暂定" with the inputs that make it so (e.g. 暂定:待定 3, 缺报 1), or "" for a final score;
    for the tables of pages and spreadsheets."""
    if not getattr(score, "provisional", False):
        return ""
    counts = getattr(score, "inputs", None) or {}
    parts = [
        f"{STATE_LABELS[s]} {counts.get(str(s))}" for s in InputState if s != InputState.APPROVED and counts.get(str(s))
    ]
    return _("Provisional: %(inputs)s") % {"inputs": ", ".join(parts)} if parts else _("Provisional")
