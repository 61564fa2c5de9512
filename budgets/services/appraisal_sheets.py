"""The score sheet shared by ex-ante assessments and key evaluations (docs/budgets.md, "Score sheets").

A sheet is one line per dimension: criteria, the points available (the year's weight of the
dimension), the score given, a comment and evidence files. What differs between the two kinds is
named by a ``SheetKind``: the line model, its dimensions, default criteria and the policy's weights.

Rounding: a score is given with at most two decimals (a third is refused, never rounded away) and
lies between 0 and the line's points. The total is the sum of the line scores, quantised to two
places half up (四舍五入; with two-place scores the sum is exact); it exists only once every line
is scored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext as _

from audit.services import audit_log
from core.errors import ApplicationError
from core.numbers import q2, to_decimal
from core.uploads import check_upload

from ..models import (
    AppraisalEvidence,
    ExAnteDimension,
    ExAnteLine,
    KeyDimension,
    KeyLine,
)
from ..models.appraisals import DEFAULT_CRITERIA, KEY_CRITERIA
from .common import _text


@dataclass(frozen=True)
class SheetKind:
    """What one kind of sheet is made of."""

    name: str  # the audit prefix: budgets.<name>.…
    line_model: type[models.Model]
    work_field: str  # the line's foreign key to its work
    evidence_field: str  # the evidence's foreign key to the line
    dimensions: type[models.TextChoices]
    criteria: Mapping
    policy_weights: str  # the BudgetPolicy field with the year's points per dimension


EXANTE_SHEET = SheetKind(
    name="exante",
    line_model=ExAnteLine,
    work_field="assessment",
    evidence_field="line",
    dimensions=ExAnteDimension,
    criteria=DEFAULT_CRITERIA,
    policy_weights="exante_weights",
)
KEY_SHEET = SheetKind(
    name="key",
    line_model=KeyLine,
    work_field="evaluation",
    evidence_field="key_line",
    dimensions=KeyDimension,
    criteria=KEY_CRITERIA,
    policy_weights="key_weights",
)


def score_value(value, field: str, *, maximum: Decimal) -> Decimal | None:
    """A score as given: empty, or a number of at most two decimals between 0 and ``maximum``."""
    if value in (None, ""):
        return None
    number = to_decimal(value)
    if number is None or not number.is_finite():
        raise ApplicationError(_("Enter a number."), field=field)
    if number != q2(number):
        raise ApplicationError(_("Give the score with at most two decimals."), field=field)
    if number < 0 or number > maximum:
        raise ApplicationError(_("The score must lie between 0 and %(max)s.") % {"max": q2(maximum)}, field=field)
    return q2(number)


def year_weights(kind: SheetKind, policy) -> dict:
    return dict(getattr(policy, kind.policy_weights))


def create_lines(kind: SheetKind, work, weights: Mapping) -> None:
    """One line per dimension with its default criteria and the year's points."""
    for order, dim in enumerate(kind.dimensions.values, start=1):
        kind.line_model.objects.create(
            **{kind.work_field: work},
            dimension=dim,
            criteria=str(kind.criteria[dim]),
            points=Decimal(weights[dim]),
            order=order,
        )


def lines_snapshot(work) -> list[dict]:
    return [
        {
            "dimension": line.dimension,
            "points": str(line.points),
            "score": None if line.score is None else str(line.score),
        }
        | {"criteria": line.criteria, "comment": line.comment}
        for line in work.lines.order_by("order")
    ]


def apply_lines(work, given) -> list:
    """Check the lines given ({dimension: {criteria, score, comment}}) against the work's sheet and set
    them on its lines; nothing is saved. Returns every line of the sheet, changed or not."""
    lines = {line.dimension: line for line in work.lines.all()}
    given = given or {}
    if not isinstance(given, Mapping):
        raise ApplicationError(_("Give the lines by dimension."), field="lines")
    unknown = [k for k in given if k not in lines]
    if unknown:
        raise ApplicationError(
            _("Unknown dimension: %(names)s.") % {"names": _(", ").join(map(str, unknown))}, field="lines"
        )
    for dim, values in given.items():
        line = lines[dim]
        if not isinstance(values, Mapping):
            raise ApplicationError(_("Give the lines by dimension."), field="lines")
        if "score" in values:
            line.score = score_value(values.get("score"), f"score_{dim}", maximum=line.points)
        if "criteria" in values:
            line.criteria = _text(values.get("criteria"), f"criteria_{dim}", required=True)
        if "comment" in values:
            line.comment = _text(values.get("comment"), f"comment_{dim}")
    return list(lines.values())


def sheet_total(lines) -> Decimal | None:
    """The sum of the scores, two places half up; none until every line is scored."""
    scores = [line.score for line in lines]
    if not scores or any(s is None for s in scores):
        return None
    return q2(sum(scores, Decimal(0)))


def line_problems(work) -> dict[str, list[str]]:
    """The lines not yet scored, by field (``score_<dimension>``)."""
    problems: dict[str, list[str]] = {}
    for line in work.lines.all():
        if line.score is None:
            problems.setdefault(f"score_{line.dimension}", []).append(
                _("Score “%(dimension)s”.") % {"dimension": line.get_dimension_display()}
            )
    return problems


def evidence_add(kind: SheetKind, *, work, line, upload, actor) -> AppraisalEvidence:
    """Attach a checked file to a line of the (locked, editable) work; the work's version moves on."""
    if getattr(line, kind.work_field + "_id") != work.pk:
        raise ApplicationError(_("Unknown dimension."), field="dimension")
    checked = check_upload(upload, field="evidence")
    evidence = AppraisalEvidence(
        **{kind.evidence_field: line},
        original_name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=actor,
    )
    evidence.file.save(checked.name, upload, save=False)
    evidence.save()
    type(work).objects.filter(pk=work.pk).update(version=work.version + 1)
    work.version += 1
    audit_log(
        f"budgets.{kind.name}.evidence_uploaded",
        actor=actor,
        obj=evidence,
        data={kind.work_field: work.pk, "dimension": line.dimension, "name": checked.name, "sha256": checked.sha256},
    )
    return evidence
