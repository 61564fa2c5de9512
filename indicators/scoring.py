"""The scoring methods of docs/scoring.md, as pure functions (no database, Decimal throughout).

Each method lives in its own module of ``indicators.methods`` and scores an indicator's
parameters and measured inputs into points rounded half up to two places with an explanation.
This module is the entry point: ``score`` asks the registry. Composition into a department's
total (events, caps, bonus, veto, grades, ranks) is in ``assessments.scoring``.
"""

from __future__ import annotations

from collections.abc import Mapping

from .methods import method_of
from .methods.base import Inputs, Result, Spec, num2, target_met

__all__ = ["Inputs", "Result", "Spec", "competition_ranks", "num2", "score", "target_met"]


def score(spec: Spec, inputs: Inputs) -> Result:
    """Score one indicator: 0 ≤ points ≤ P, rounded half up to two places."""
    return method_of(spec.method).score(spec, inputs)


def competition_ranks(values: Mapping, *, higher_is_better: bool = True) -> dict:
    """Competition ranking (1, 2, 2, 4): equal values share a rank; None values are not ranked."""
    present = [(k, v) for k, v in values.items() if v is not None]
    present.sort(key=lambda kv: kv[1], reverse=higher_is_better)
    ranks, prev, prev_rank = {}, object(), 0
    for i, (k, v) in enumerate(present, start=1):
        if v != prev:
            prev, prev_rank = v, i
        ranks[k] = prev_rank
    return ranks
