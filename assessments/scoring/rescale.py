"""Inputs left out of a score: its categories rescaled over the inputs that count, or the score held
when too little counts (docs/scoring.md) — pure."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_noop

from core.numbers import q2

from ..inputs import InputState
from .ledger import ZERO, AssignmentIn, Line, fmt_points


def coverage_line(assignments: list[AssignmentIn], excluded: list[AssignmentIn]) -> Line | None:
    """A score is rescaled only when the inputs that count carry at least half the points of the
    applicable ones; below that, rescaling would extrapolate from too little (a department that has
    filed nothing would look perfect), so the score is held without grade or rank."""
    applicable = sum((a.spec.points for a in assignments if a.state != InputState.NOT_APPLICABLE), start=ZERO)
    out_ids = {a.id for a in excluded}
    counted = sum((a.spec.points for a in assignments if a.id not in out_ids), start=ZERO)
    if not applicable or counted * 2 >= applicable:
        return None
    return Line(
        key="held:coverage",
        kind="cap",
        points=ZERO,
        message=gettext_noop(
            "Only %(counted)s of %(applicable)s points rest on inputs that count so far: "
            "no grade or rank until at least half do."
        ),
        args={"counted": fmt_points(counted), "applicable": fmt_points(applicable)},
    )


def rescale_lines(
    assignments: list[AssignmentIn], excluded: list[AssignmentIn], bases: dict[int, Decimal]
) -> list[Line]:
    """Inputs left out do not count against the department: each category with some left out is
    rescaled over the indicators that count (their method points scaled up to the category's
    points). Deduction and bonus events are not scaled: an event always moves the total by
    exactly its rule. A category with nothing left to count is spread over the others by one
    department-level line.
    """
    out_ids = {a.id for a in excluded}
    cats: dict[str, dict] = {}
    for a in assignments:
        c = cats.setdefault(
            a.category_code, {"name": a.category_name or a.category_code, "all": ZERO, "counted": ZERO, "sum": ZERO}
        )
        c["all"] += a.spec.points
        if a.id not in out_ids:
            c["counted"] += a.spec.points
            c["sum"] += bases.get(a.id, ZERO)
    lines: list[Line] = []
    kept_all = kept_sum = dropped = ZERO
    for code, c in cats.items():
        if c["counted"] == c["all"]:
            kept_all += c["all"]
            kept_sum += c["sum"]
            continue
        if c["counted"] == ZERO:
            dropped += c["all"]
            continue
        rescaled = q2(c["sum"] * c["all"] / c["counted"])
        kept_all += c["all"]
        kept_sum += rescaled
        lines.append(
            Line(
                key=f"rescale:{code}",
                kind="cap",
                points=rescaled - c["sum"],
                category_code=code,
                message=gettext_noop(
                    "%(category)s: indicators left out (see above); the others are rescaled to the category's "
                    "%(all)s points: %(sum)s × %(all)s ÷ %(counted)s = %(rescaled)s."
                ),
                args={
                    "category": c["name"],
                    "all": fmt_points(c["all"]),
                    "sum": fmt_points(c["sum"]),
                    "counted": fmt_points(c["counted"]),
                    "rescaled": fmt_points(rescaled),
                },
            )
        )
    if dropped and kept_all:
        whole = q2(kept_sum * (kept_all + dropped) / kept_all)
        lines.append(
            Line(
                key="rescale:total",
                kind="cap",
                points=whole - kept_sum,
                message=gettext_noop(
                    "No indicator of %(n)s points counts yet in some categories: the indicator scores are rescaled "
                    "to the full %(all)s points: %(sum)s × %(all)s ÷ %(kept)s = %(whole)s."
                ),
                args={
                    "n": fmt_points(dropped),
                    "all": fmt_points(kept_all + dropped),
                    "sum": fmt_points(kept_sum),
                    "kept": fmt_points(kept_all),
                    "whole": fmt_points(whole),
                },
            )
        )
    return lines
