"""Survey statistics from SQL aggregates (pure, no database access).

Inputs are the per-group sums the database returns: n answers on the 1–5 scale, the number of
them that are 4 or 5 (satisfied or very satisfied), the sum of the values and the sum of their
squares. Everything here is Decimal so results are reproducible to the last digit.

- Satisfaction rate = satisfied ÷ n, in percent; 95 percent interval by Wilson's score method.
- Score (0–100) = mean × 20; 95 percent interval by the normal approximation, mean ± z·s/√n,
  with the sample variance s² computed from the SQL sums (Σv² − (Σv)²/n) / (n − 1).
- Post-stratification by region: each region's estimate weighted by its share of the
  population of the regions that have answers in the group; variance Σ w² · var / n, normal
  interval. Regions without a known population make the weighted figure unavailable.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, localcontext

Z95 = Decimal("1.96")
ZERO, ONE, TWENTY, HUNDRED = Decimal(0), Decimal(1), Decimal(20), Decimal(100)
TWO = Decimal("0.01")


def _q(d: Decimal) -> Decimal:
    return d.quantize(TWO, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Cell:
    """SQL sums of one group: n answers (1–5), satisfied (4–5), Σv and Σv²."""

    n: int = 0
    satisfied: int = 0
    total: int = 0
    total_sq: int = 0

    def __add__(self, other: Cell) -> Cell:
        return Cell(
            self.n + other.n,
            self.satisfied + other.satisfied,
            self.total + other.total,
            self.total_sq + other.total_sq,
        )

    @classmethod
    def of(cls, row: dict) -> Cell:
        return cls(int(row["n"] or 0), int(row["satisfied"] or 0), int(row["total"] or 0), int(row["total_sq"] or 0))


@dataclass(frozen=True)
class Estimate:
    """Rate and score with their 95 percent intervals, in percent / points, two decimals."""

    n: int
    rate: Decimal | None = None
    rate_low: Decimal | None = None
    rate_high: Decimal | None = None
    score: Decimal | None = None
    score_low: Decimal | None = None
    score_high: Decimal | None = None

    def as_dict(self) -> dict:
        return {
            "n": self.n,
            "rate": self.rate,
            "rate_low": self.rate_low,
            "rate_high": self.rate_high,
            "score": self.score,
            "score_low": self.score_low,
            "score_high": self.score_high,
        }


def wilson(satisfied: int, n: int, z: Decimal = Z95) -> tuple[Decimal, Decimal]:
    """Wilson score interval of a proportion, as fractions (0–1), not rounded."""
    if n <= 0:
        raise ValueError("n must be positive")
    with localcontext() as ctx:
        ctx.prec = 40
        p = Decimal(satisfied) / Decimal(n)
        z2 = z * z
        nn = Decimal(n)
        denom = ONE + z2 / nn
        centre = (p + z2 / (2 * nn)) / denom
        half = z / denom * (p * (ONE - p) / nn + z2 / (4 * nn * nn)).sqrt()
        return max(ZERO, centre - half), min(ONE, centre + half)


def sample_variance(cell: Cell) -> Decimal | None:
    """s² = (Σv² − (Σv)²/n) / (n − 1); None for fewer than two answers."""
    if cell.n < 2:
        return None
    with localcontext() as ctx:
        ctx.prec = 40
        n = Decimal(cell.n)
        var = (Decimal(cell.total_sq) - Decimal(cell.total) * Decimal(cell.total) / n) / (n - ONE)
        return max(var, ZERO)


def estimate(cell: Cell, z: Decimal = Z95) -> Estimate:
    """Unweighted rate, score and intervals of one group."""
    if cell.n <= 0:
        return Estimate(n=0)
    with localcontext() as ctx:
        ctx.prec = 40
        n = Decimal(cell.n)
        rate = Decimal(cell.satisfied) / n * HUNDRED
        low, high = wilson(cell.satisfied, cell.n, z)
        mean = Decimal(cell.total) / n
        score = mean * TWENTY
        var = sample_variance(cell)
        if var is None:
            s_low = s_high = None
        else:
            half = z * (var / n).sqrt() * TWENTY
            s_low, s_high = _q(max(TWENTY, score - half)), _q(min(HUNDRED, score + half))
        return Estimate(
            n=cell.n,
            rate=_q(rate),
            rate_low=_q(low * HUNDRED),
            rate_high=_q(high * HUNDRED),
            score=_q(score),
            score_low=s_low,
            score_high=s_high,
        )


@dataclass
class Weighted:
    """Population-weighted estimate; ``missing`` names regions without a population."""

    estimate: Estimate | None
    missing: list = field(default_factory=list)


def weighted_estimate(cells: dict, populations: dict, z: Decimal = Z95) -> Weighted:
    """Post-stratified rate and score over regions.

    ``cells`` maps a region key to its Cell, ``populations`` the same key to its population.
    Only regions with answers take part; their weights are renormalised to sum to one.
    """
    present = {k: c for k, c in cells.items() if c.n > 0}
    if not present:
        return Weighted(None)
    missing = [k for k in present if not populations.get(k)]
    if missing:
        return Weighted(None, missing)
    with localcontext() as ctx:
        ctx.prec = 40
        total_pop = sum(Decimal(populations[k]) for k in present)
        rate = score = var_rate = var_score = ZERO
        score_var_known = True
        n = 0
        for k, c in present.items():
            w = Decimal(populations[k]) / total_pop
            nn = Decimal(c.n)
            p = Decimal(c.satisfied) / nn
            mean = Decimal(c.total) / nn
            rate += w * p
            score += w * mean
            var_rate += w * w * p * (ONE - p) / nn
            s2 = sample_variance(c)
            if s2 is None:
                score_var_known = False
            else:
                var_score += w * w * s2 / nn
            n += c.n
        half_rate = z * var_rate.sqrt()
        est = Estimate(
            n=n,
            rate=_q(rate * HUNDRED),
            rate_low=_q(max(ZERO, rate - half_rate) * HUNDRED),
            rate_high=_q(min(ONE, rate + half_rate) * HUNDRED),
            score=_q(score * TWENTY),
        )
        if score_var_known:
            half_score = z * var_score.sqrt()
            est = Estimate(
                **{
                    **est.as_dict(),
                    "score_low": _q(max(ONE, score - half_score) * TWENTY),
                    "score_high": _q(min(Decimal(5), score + half_score) * TWENTY),
                }
            )
        return Weighted(est)
