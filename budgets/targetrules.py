"""Pure rules of target sheets (no database): the indicator framework's 二级 names, the quality
flags finance sees when reviewing a sheet, and the comparison of two versions of a sheet.

docs/budgets.md, "Indicator library" and "Mid-year target revision".

Quality flags (each names the target):

- **vague**: the wording says only that something gets better (进一步提高, 明显改善, 有所提升, …)
  and gives no number: no digit in the wording and no unit on the value (a unit-less value is a
  yes/no completion, not a measure of how much better).
- **satisfaction_as_effect**: a satisfaction target (its wording mentions 满意, or its library
  indicator is a satisfaction indicator) placed among the effect (效益) targets.
- **below_last_year**: a target less ambitious than the same department's actual of last year for
  the same library indicator (≥: lower; ≤: higher), with no reason given.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from core.text import Text

from .choices import BudgetDimension, BudgetSubdimension, Operator

D, S = BudgetDimension, BudgetSubdimension

# The Ministry of Finance's framework (财预〔2020〕10号, 财预〔2021〕101号): 一级 → 二级, as the
# (dimension, sub-dimension) pairs a target or a library indicator may take.
LEVEL2 = {
    (D.OUTPUT, S.QUANTITY): _("Quantity indicators"),
    (D.OUTPUT, S.QUALITY): _("Quality indicators"),
    (D.OUTPUT, S.TIMELINESS): _("Timeliness indicators"),
    (D.EFFECT, S.ECONOMIC): _("Economic benefit indicators"),
    (D.EFFECT, S.SOCIAL): _("Social benefit indicators"),
    (D.EFFECT, S.ECOLOGICAL): _("Ecological benefit indicators"),
    (D.EFFECT, S.SUSTAINABLE): _("Sustainable impact indicators"),
    (D.SATISFACTION, S.SATISFACTION): _("Service recipients' satisfaction indicators"),
    (D.COST, S.ECONOMIC): _("Economic cost indicators"),
    (D.COST, S.SOCIAL): _("Social cost indicators"),
    (D.COST, S.ECOLOGICAL): _("Ecological and environmental cost indicators"),
    (D.COST, S.COST): _("Cost indicators (not itemised)"),
}


def level2_label(dimension: str, subdimension: str) -> str:
    label = LEVEL2.get((dimension, subdimension))
    return str(label) if label is not None else ""


# Wording that promises improvement without saying how much: an adverb of degree (进一步, 明显, 有所,
# …) followed by a verb of change (提高, 改善, 减轻, …), e.g. 进一步提高, 明显改善, 有所提升.
VAGUE_ADVERBS = (
    "进一步",
    "明显",
    "显著",
    "有所",
    "逐步",
    "稳步",
    "不断",
    "持续",
    "有效",
    "大幅",
    "较大",
    "大力",
    "得到",
)
VAGUE_VERBS = (
    "提高",
    "提升",
    "改善",
    "加强",
    "增强",
    "增加",
    "增长",
    "减轻",
    "降低",
    "减少",
    "下降",
    "优化",
    "完善",
    "扩大",
    "缩小",
    "好转",
)
_VAGUE = re.compile(f"(?:{'|'.join(VAGUE_ADVERBS)})(?:{'|'.join(VAGUE_VERBS)})")
_DIGIT = re.compile(r"[0-9０-９]|[一二三四五六七八九十百千万]+(个|项|次|场|人|所|户|%|％)")


def vague_phrase(text: str, unit: str = "") -> str:
    """The vague phrase of a target's wording when it gives no number; "" when it is measurable."""
    text = text or ""
    match = _VAGUE.search(text)
    if not match:
        return ""
    found = match.group(0)
    if _DIGIT.search(text) or (unit or "").strip():
        return ""
    return found


def is_satisfaction(name: str, library_dimension: str | None) -> bool:
    return library_dimension == D.SATISFACTION or "满意" in (name or "")


def less_ambitious(operator: str, value: Decimal, last_actual: Decimal) -> bool:
    """Is the target weaker than what was achieved last year? (≥: lower; ≤: higher; others: never)."""
    if operator == Operator.GE:
        return value < last_actual
    if operator == Operator.LE:
        return value > last_actual
    return False


@dataclass(frozen=True)
class TargetFacts:
    id: int | None
    name: str
    dimension: str
    operator: str
    value: Decimal
    unit: str = ""
    library_id: int | None = None
    library_dimension: str | None = None
    below_reason: str = ""


@dataclass(frozen=True)
class Flag:
    code: str  # vague | satisfaction_as_effect | below_last_year
    target: int | None
    name: str
    text: Text

    def as_json(self) -> dict:
        return {"code": self.code, "target": self.target, "name": self.name, "detail": self.text.as_json()}


FLAG_CODES = ("vague", "satisfaction_as_effect", "below_last_year")


def sheet_flags(targets: Sequence[TargetFacts], last_year: Mapping[int, Decimal]) -> list[Flag]:
    """Every quality flag of a sheet, in sheet order. ``last_year``: library indicator id → last year's actual."""
    flags: list[Flag] = []
    for t in targets:
        phrase = vague_phrase(t.name, t.unit)
        if phrase:
            flags.append(
                Flag(
                    "vague",
                    t.id,
                    t.name,
                    Text(
                        gettext_noop("“%(name)s” says “%(phrase)s” without a number: give the value to reach."),
                        {"name": t.name, "phrase": phrase},
                    ),
                )
            )
        if t.dimension == D.EFFECT and is_satisfaction(t.name, t.library_dimension):
            flags.append(
                Flag(
                    "satisfaction_as_effect",
                    t.id,
                    t.name,
                    Text(
                        gettext_noop(
                            "“%(name)s” measures satisfaction but is set as an effect target: "
                            "move it to the satisfaction dimension."
                        ),
                        {"name": t.name},
                    ),
                )
            )
        last = last_year.get(t.library_id) if t.library_id else None
        if last is not None and less_ambitious(t.operator, t.value, last) and not (t.below_reason or "").strip():
            flags.append(
                Flag(
                    "below_last_year",
                    t.id,
                    t.name,
                    Text(
                        gettext_noop(
                            "“%(name)s” aims at %(value)s, less than last year's actual %(last)s, and gives no reason."
                        ),
                        {"name": t.name, "value": _plain(t.value), "last": _plain(last)},
                    ),
                )
            )
    return flags


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f") if value == value.to_integral_value() else format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


# ---- comparison of two versions of a sheet ---------------------------------------------------

COMPARED_FIELDS = ("dimension", "subdimension", "name", "operator", "value", "upper", "unit", "weight")


def _norm(value):
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value)).normalize()
    except (ArithmeticError, ValueError):
        return str(value)


@dataclass(frozen=True)
class CompareRow:
    status: str  # same | changed | added | removed
    old: dict | None
    new: dict | None
    changed: frozenset[str]


def compare(old: Sequence[Mapping], new: Sequence[Mapping]) -> list[CompareRow]:
    """Targets of two versions side by side, matched by id: changed fields, added and removed targets.

    Rows follow the newer version's order; removed targets come after the one they followed.
    """
    old_by_id = {t.get("id"): t for t in old if t.get("id") is not None}
    new_ids = {t.get("id") for t in new if t.get("id") is not None}
    rows: list[CompareRow] = []
    for t in new:
        before = old_by_id.get(t.get("id")) if t.get("id") is not None else None
        if before is None:
            rows.append(CompareRow("added", None, dict(t), frozenset()))
            continue
        changed = frozenset(f for f in COMPARED_FIELDS if _norm(before.get(f)) != _norm(t.get(f)))
        rows.append(CompareRow("changed" if changed else "same", dict(before), dict(t), changed))
    # Removed targets, placed after the row of the target that preceded them in the old version.
    for i, t in enumerate(old):
        if t.get("id") in new_ids:
            continue
        prev = next((o.get("id") for o in reversed(old[:i]) if o.get("id") in new_ids), None)
        at = next((k + 1 for k, r in enumerate(rows) if r.new and r.new.get("id") == prev), 0)
        while at < len(rows) and rows[at].status == "removed":
            at += 1
        rows.insert(at, CompareRow("removed", dict(t), None, frozenset()))
    return rows


def has_changes(rows: Sequence[CompareRow]) -> bool:
    return any(r.status != "same" for r in rows)
