"""Survey statistics per respondent (pure, no database access; docs/satisfaction.md).

The input of a group is a histogram {(m, s, v): respondents} from the stored aggregates
(satisfaction.aggregates): how many respondents answered m of the group's 1–5 questions, s of
them with 4 or 5, their values summing to v. Everything is Decimal, so results are reproducible
to the last digit.

- n is the number of respondents, never of answers.
- Satisfaction rate = the mean over respondents of their satisfied share s/m; its 95 percent
  interval is Wilson's where every respondent answered one question of the group, else the normal
  interval from the respondent-level variance.
- Score (20–100) = 20 × the mean over respondents of their mean answer v/m, with the normal
  interval from the respondent-level variance.
- Post-stratification by region weighs each respondent W_h / N_h (W_h the population share of
  their region among the regions that answered, N_h its respondents).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, localcontext

from django.utils.translation import gettext_lazy

# What a group below the minimum number of respondents shows instead of figures, everywhere.
INSUFFICIENT = gettext_lazy("Sample too small")
Z95 = Decimal("1.96")
ZERO, ONE, TWENTY, HUNDRED = Decimal(0), Decimal(1), Decimal(20), Decimal(100)
TWO = Decimal("0.01")


def _q(d: Decimal) -> Decimal:
    return d.quantize(TWO, rounding=ROUND_HALF_UP)


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


@dataclass
class Weighted:
    """Population-weighted estimate; ``missing`` names regions without a population."""

    estimate: Estimate | None
    missing: list = field(default_factory=list)


# --- Per respondent --------------------------------------------------------------------------
#
# The unit of a survey is the respondent, not the answer: one person answering ten questions of
# an area is one observation of that area. For a group (an area, a department, a region, the whole
# survey) each respondent r who answered m_r of its 1–5 questions, s_r of them 4 or 5, with values
# summing to v_r, contributes y_r = s_r / m_r (their satisfied share) and x_r = v_r / m_r (their
# mean answer). A histogram {(m, s, v): respondents} holds a group exactly (docs/satisfaction.md).


Hist = dict  # {(m, s, v): number of respondents}


def hist_add(a: Hist, b: Hist) -> Hist:
    out = dict(a)
    for key, count in b.items():
        out[key] = out.get(key, 0) + count
    return out


@dataclass(frozen=True)
class Moments:
    """N respondents and the sums of y, y², x, x² over them (Decimal, 40 digits)."""

    n: int
    y: Decimal
    y2: Decimal
    x: Decimal
    x2: Decimal
    single: bool  # every respondent answered exactly one question of the group

    @classmethod
    def of(cls, hist: Hist) -> Moments:
        with localcontext() as ctx:
            ctx.prec = 40
            n, y, y2, x, x2, single = 0, ZERO, ZERO, ZERO, ZERO, True
            for (m, s, v), count in hist.items():
                if count <= 0 or m <= 0:
                    continue
                c, mm = Decimal(count), Decimal(m)
                yr, xr = Decimal(s) / mm, Decimal(v) / mm
                n += count
                y += c * yr
                y2 += c * yr * yr
                x += c * xr
                x2 += c * xr * xr
                single = single and m == 1
            return cls(n, y, y2, x, x2, single)

    def variance(self, total: Decimal, squares: Decimal) -> Decimal | None:
        """The respondent-level sample variance (Σz² − (Σz)²/N) / (N − 1); None for N < 2."""
        if self.n < 2:
            return None
        with localcontext() as ctx:
            ctx.prec = 40
            nn = Decimal(self.n)
            return max((squares - total * total / nn) / (nn - ONE), ZERO)


def respondent_estimate(hist: Hist, z: Decimal = Z95) -> Estimate:
    """Rate and score of a group over its respondents, with 95 percent intervals; ``n`` = respondents.

    Rate = mean of y_r; its interval is Wilson's where every respondent answered one question (y_r
    is then 0 or 1), else rate ± z·√(s²_y / N) from the respondent-level variance. Score = 20 × the
    mean of x_r, with ± z·√(s²_x / N).
    """
    mo = Moments.of(hist)
    if mo.n == 0:
        return Estimate(n=0)
    with localcontext() as ctx:
        ctx.prec = 40
        nn = Decimal(mo.n)
        rate = mo.y / nn
        mean = mo.x / nn
        if mo.single:
            low, high = wilson(int(mo.y), mo.n, z)
        else:
            var_y = mo.variance(mo.y, mo.y2)
            half = z * (var_y / nn).sqrt() if var_y is not None else None
            low, high = (None, None) if half is None else (max(ZERO, rate - half), min(ONE, rate + half))
        var_x = mo.variance(mo.x, mo.x2)
        if var_x is None:
            s_low = s_high = None
        else:
            half_x = z * (var_x / nn).sqrt()
            s_low, s_high = _q(max(ONE, mean - half_x) * TWENTY), _q(min(Decimal(5), mean + half_x) * TWENTY)
        return Estimate(
            n=mo.n,
            rate=_q(rate * HUNDRED),
            rate_low=None if low is None else _q(low * HUNDRED),
            rate_high=None if high is None else _q(high * HUNDRED),
            score=_q(mean * TWENTY),
            score_low=s_low,
            score_high=s_high,
        )


def weighted_respondent_estimate(hists: dict, populations: dict, z: Decimal = Z95) -> Weighted:
    """Post-stratified by region, per respondent: region h (N_h respondents, population share W_h
    among the regions that answered) weighs each of its respondents W_h / N_h. Rate = Σ W_h ȳ_h with
    variance Σ W_h² s²_h / N_h (for N_h = 1, ȳ_h(1 − ȳ_h), the largest variance of a share); the
    score likewise from x. ``hists`` maps a region key to its histogram."""
    present = {k: Moments.of(h) for k, h in hists.items()}
    present = {k: mo for k, mo in present.items() if mo.n > 0}
    if not present:
        return Weighted(None)
    missing = [k for k in present if not populations.get(k)]
    if missing:
        return Weighted(None, missing)
    with localcontext() as ctx:
        ctx.prec = 40
        total_pop = sum(Decimal(populations[k]) for k in present)
        rate = mean = var_rate = var_mean = ZERO
        n = 0
        for k, mo in present.items():
            w, nn = Decimal(populations[k]) / total_pop, Decimal(mo.n)
            ybar, xbar = mo.y / nn, mo.x / nn
            rate += w * ybar
            mean += w * xbar
            s2y = mo.variance(mo.y, mo.y2)
            s2x = mo.variance(mo.x, mo.x2)
            var_rate += w * w * (s2y if s2y is not None else ybar * (ONE - ybar)) / nn
            var_mean += w * w * (s2x if s2x is not None else (xbar - ONE) * (Decimal(5) - xbar)) / nn
            n += mo.n
        half_rate, half_mean = z * var_rate.sqrt(), z * var_mean.sqrt()
        return Weighted(
            Estimate(
                n=n,
                rate=_q(rate * HUNDRED),
                rate_low=_q(max(ZERO, rate - half_rate) * HUNDRED),
                rate_high=_q(min(ONE, rate + half_rate) * HUNDRED),
                score=_q(mean * TWENTY),
                score_low=_q(max(ONE, mean - half_mean) * TWENTY),
                score_high=_q(min(Decimal(5), mean + half_mean) * TWENTY),
            )
        )
