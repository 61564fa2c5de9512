"""Unusual reported values (异常值提示): a robust outlier test, pure and tested on plain values.

A value is compared with two samples: the department's own history of the indicator and what the
other departments report for it in the same quarter. Each comparison is a *modified z-score*
(Iglewicz and Hoaglin): ``z = 0.6745 × (x − median) ÷ MAD``, where MAD is the median absolute
deviation of the sample from its median. The median and the MAD are not pulled by one odd value
in the sample itself, which is why they are used rather than the mean and standard deviation.

Rules (docs/scoring.md, "Unusual values"):

- a comparison is made only with at least ``MIN_SAMPLE`` (5) values in its sample: with fewer,
  the MAD rests on two or three deviations and a single odd quarter would decide everything;
- a sample whose MAD is 0 (at least half of its values equal) has no spread to measure by: that
  comparison is not made, so that identical histories never flag a small change;
- the value is unusual when ``|z| > THRESHOLD`` (3.5) in **every** comparison that could be made,
  and at least one could: far from its own history *and* from its peers when both exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from statistics import median

THRESHOLD = Decimal("3.5")
MIN_SAMPLE = 5
CONSISTENCY = Decimal("0.6745")  # makes the MAD comparable to a standard deviation for normal data


@dataclass(frozen=True)
class Comparison:
    z: Decimal
    median: Decimal
    n: int

    @property
    def far(self) -> bool:
        return abs(self.z) > THRESHOLD


@dataclass(frozen=True)
class Verdict:
    own: Comparison | None
    peers: Comparison | None

    @property
    def unusual(self) -> bool:
        made = [c for c in (self.own, self.peers) if c is not None]
        return bool(made) and all(c.far for c in made)

    def as_dict(self) -> dict:
        """What is stored with the entry and shown to reviewers (strings: JSON keeps them exact)."""
        out: dict = {}
        for name, c in (("own", self.own), ("peers", self.peers)):
            if c is not None:
                out[name] = {"z": str(c.z), "median": str(c.median.quantize(Decimal("0.0001"))), "n": c.n}
        return out


def modified_z(value: Decimal, sample: list[Decimal]) -> Comparison | None:
    """The modified z-score of ``value`` against ``sample``; None when the sample cannot judge it."""
    values = [Decimal(v) for v in sample if v is not None]
    if len(values) < MIN_SAMPLE:
        return None
    mid = Decimal(median(values))
    mad = Decimal(median([abs(v - mid) for v in values]))
    if mad == 0:
        return None
    z = (CONSISTENCY * (Decimal(value) - mid) / mad).quantize(Decimal("0.01"))
    return Comparison(z=z, median=mid, n=len(values))


def judge(value: Decimal | None, *, own: list[Decimal], peers: list[Decimal]) -> Verdict:
    """Compare a reported value with the department's history and with its peers."""
    if value is None:
        return Verdict(own=None, peers=None)
    return Verdict(own=modified_z(value, own), peers=modified_z(value, peers))
