"""Grades by the plan's bands and ranks within groups (docs/scoring.md) — pure."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_noop

from indicators.scoring import competition_ranks

from .ledger import ZERO, Line, fmt_points


@dataclass(frozen=True)
class Band:
    code: str
    label: str
    min_score: Decimal


@dataclass
class Standing:
    rank: int | None
    grade_code: str
    grade_label: str
    extra_lines: list[Line] = field(default_factory=list)


HELD_CODE = "held"


def grade_and_rank(
    totals: dict[int, tuple],
    bands: list[Band],
    top_share: Decimal | None,
    *,
    veto_last: bool = True,
    held_label: str = "",
) -> dict[int, Standing]:
    """Ranks within groups (1, 2, 2, 4) and grades by the plan's bands.

    ``totals``: department id → (group id, total, vetoed[, held]). A vetoed department gets the
    lowest band and ranks after every department of its group without a veto (vetoed ones among
    themselves by total), or, with ``veto_last`` off, is left out of the ranking. A held score
    (the plan's missing-input policy) gets neither grade nor rank. With ``top_share`` (e.g. 20 %),
    at most that share of a group (rounded down) gets the top band: departments beyond it, by
    rank, get the next band, and their ledger says why; a tie that would exceed the share moves
    every department of that rank down.
    """
    bands = sorted(bands, key=lambda b: b.min_score, reverse=True)
    lowest = bands[-1]
    groups: dict[int | None, dict[int, Decimal]] = defaultdict(dict)
    for dept, (group, total, *_flags) in totals.items():
        groups[group][dept] = total
    out: dict[int, Standing] = {}
    for members in groups.values():
        held = {d for d in members if len(totals[d]) > 3 and totals[d][3]}
        vetoed = {d for d in members if totals[d][2] and d not in held}
        clean = {d: t for d, t in members.items() if d not in held and d not in vetoed}
        ranks: dict[int, int | None] = dict(competition_ranks(clean))
        behind = competition_ranks({d: members[d] for d in vetoed})
        for d in vetoed:
            ranks[d] = len(clean) + behind[d] if veto_last else None
        for dept, total in members.items():
            if dept in held:
                out[dept] = Standing(rank=None, grade_code=HELD_CODE, grade_label=held_label or HELD_CODE)
                continue
            band = lowest if dept in vetoed else next((b for b in bands if total >= b.min_score), lowest)
            out[dept] = Standing(rank=ranks[dept], grade_code=band.code, grade_label=band.label)
        if top_share is not None and len(bands) > 1:
            allowed = math.floor(len(members) * top_share / Decimal(100))
            top = sorted((d for d in members if out[d].grade_code == bands[0].code), key=lambda d: out[d].rank)
            by_rank: dict[int, list[int]] = defaultdict(list)
            for d in top:
                by_rank[out[d].rank].append(d)
            kept = 0
            for rank in sorted(by_rank):
                tied = by_rank[rank]
                if kept + len(tied) <= allowed:
                    kept += len(tied)
                    continue
                for d in tied:
                    out[d].grade_code, out[d].grade_label = bands[1].code, bands[1].label
                    out[d].extra_lines.append(
                        Line(
                            key="cap:top_share",
                            kind="cap",
                            points=ZERO,
                            message=gettext_noop(
                                "At most %(share)s%% of the group may be graded %(top)s "
                                "(%(allowed)s of %(n)s): rank %(rank)s is graded %(next)s."
                            ),
                            args={
                                "share": fmt_points(top_share),
                                "top": bands[0].label,
                                "allowed": allowed,
                                "n": len(members),
                                "rank": rank,
                                "next": bands[1].label,
                            },
                        )
                    )
    return out
