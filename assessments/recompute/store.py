"""Writing a recomputation's results: standings, diffed writes of scores and ledger lines, and
revisions of published scores (docs/scoring.md).

Grades and ranks depend on the whole ranking group, so the stored scores of the groups concerned
take part in the standings. Only what changed is written: new scores in one insert, changed ones
in one update, ledger lines compared by position; a published score that changes keeps what was
published as a ScoreRevision.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Exists, Max, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core.numbers import two_places
from indicators.models import GradeBand

from .. import inputs as states
from .. import scoring
from ..models import LedgerLine, Plan, Score, ScoreRevision, VetoRanking
from ..signals import scores_changed


def _lines_json(lines) -> list[dict]:
    return [
        {
            "key": ln.key,
            "kind": ln.kind,
            "points": str(ln.points),
            "message": ln.message,
            "args": ln.args,
            "category": ln.category_code,
        }
        for ln in lines
    ]


def counts_json(counts: dict[str, int]) -> dict[str, int]:
    """The score's inputs by state, every state named (the API's ``inputs``)."""
    return {**states.empty_counts(), **{str(k): v for k, v in counts.items()}}


def _hash(lines, standing, counts) -> str:
    payload = {
        "lines": _lines_json(lines),
        "grade": standing.grade_code,
        "rank": standing.rank,
        "inputs": counts_json(counts),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def _category_json(plan: Plan, top: dict, result: scoring.DeptResult) -> list[dict]:
    roots = {c.pk: c for c in top.values()}.values()
    scores = result.category_scores()
    return [
        {
            "code": c.code,
            "name": c.name,
            "points": two_places(c.points),
            "score": two_places(scores.get(c.code, Decimal(0))),
        }
        for c in sorted(roots, key=lambda c: (c.order, c.code))
        if c.code in scores
    ]


LINE_FIELDS = (
    "key",
    "kind",
    "category_code",
    "indicator_id",
    "rule_id",
    "event_id",
    "assignment_id",
    "points",
    "detail_message",
    "detail_args",
)
SCORE_FIELDS = [
    "total",
    "grade_code",
    "grade_label",
    "rank",
    "group",
    "vetoed",
    "categories",
    "computed_at",
    "inputs_hash",
    "revision",
    "provisional",
    "inputs",
    "category_states",
]


def _line_values(ln) -> tuple:
    """A computed line as the row it is stored as (arguments as they come back from JSON)."""
    args = json.loads(json.dumps(ln.args, cls=DjangoJSONEncoder))
    return (
        ln.key,
        ln.kind,
        ln.category_code,
        ln.indicator_id,
        ln.rule_id,
        ln.event_id,
        ln.assignment_id,
        ln.points,
        ln.message,
        args,
    )


def _write_lines(new_lines: dict[int, list]) -> None:
    """Make each score's stored ledger equal to its new lines (score id → computed lines).

    The stored lines are compared by position: unchanged lines stay, the others are replaced
    (deleted and inserted again), surplus ones deleted. The result is the same rows (order, key,
    content) as deleting and inserting them all, in far fewer writes when little changed. Nothing
    refers to a ledger line's id (appeals name its key), so replacing a row changes nothing else.
    """
    if not new_lines:
        return
    old: dict[int, dict[int, tuple]] = defaultdict(dict)
    for row in (
        LedgerLine.objects.filter(score_id__in=list(new_lines))
        .order_by()
        .values_list("pk", "score_id", "order", *LINE_FIELDS)
    ):
        old[row[1]][row[2]] = (row[0], row[3:])
    inserts, deletes = [], []
    for score_id, lines in new_lines.items():
        stored = old.get(score_id, {})
        for order, ln in enumerate(lines, start=1):
            values = _line_values(ln)
            current = stored.pop(order, None)
            if current is not None and current[1] == values:
                continue
            if current is not None:
                deletes.append(current[0])
            inserts.append(LedgerLine(score_id=score_id, order=order, **dict(zip(LINE_FIELDS, values, strict=True))))
        deletes.extend(pk for pk, _values in stored.values())
    if deletes:
        LedgerLine.objects.filter(pk__in=deletes).delete()
    if inserts:
        LedgerLine.objects.bulk_create(inserts, batch_size=2000)


@dataclass
class _Writes:
    """What a run writes: new scores, changed ones (stored pk), and scores only re-stood."""

    created: list[tuple[Score, list]] = field(default_factory=list)
    changed: list[tuple[int, Score, list]] = field(default_factory=list)
    restood: list[tuple[int, scoring.Standing]] = field(default_factory=list)


def store(*, plan: Plan, results: dict, top: dict, department_ids: list[int] | None, reason: str = "") -> int:
    """Write the results of a run and the standings they move; the number of scores written."""
    bands = [
        scoring.Band(b.code, b.label, b.min_score) for b in GradeBand.objects.filter(library=plan.library).order_by()
    ] or [scoring.Band("none", _("No grade bands"), Decimal(0))]
    existing, capped = _stored(plan, results, department_ids)
    writes = _plan_writes(plan, results, top, bands, existing, capped)
    written = _write(writes, reason)
    if written:
        scores_changed.send(sender=Score, plan_id=plan.pk, count=written)
    return written


def _stored(plan: Plan, results: dict, department_ids: list[int] | None):
    """The stored scores of the ranking groups concerned, as plain rows, and those carrying the
    top-share cap line: the groups the departments are in now and those of their stored scores
    (a department that changed group leaves a gap in its former one)."""
    stored = Score.objects.filter(plan=plan)
    if department_ids is not None:
        groups = {r.group_id for r in results.values()}
        concerned = Q(group_id__in=[g for g in groups if g is not None]) | Q(
            group_id__in=Score.objects.filter(plan=plan, department_id__in=department_ids)
            .exclude(group_id=None)
            .values("group_id")
        )
        # Scores without a group form a group of their own; there are seldom any, so always included.
        stored = stored.filter(concerned | Q(group_id=None))
    existing: dict[tuple[int, str], _StoredScore] = {}
    capped: set[int] = set()
    for *values, has_cap in (
        stored.order_by()
        .annotate(has_cap=Exists(LedgerLine.objects.filter(score_id=OuterRef("pk"), key="cap:top_share")))
        .values_list(
            "pk",
            "department_id",
            "period",
            "group_id",
            "total",
            "vetoed",
            "rank",
            "grade_code",
            "inputs_hash",
            "has_cap",
        )
    ):
        row = _StoredScore(*values)
        existing[(row.department_id, row.period)] = row
        if has_cap:
            capped.add(row.pk)
    return existing, capped


def _plan_writes(plan: Plan, results: dict, top: dict, bands, existing: dict, capped: set) -> _Writes:
    """Rank and grade every period's group, and decide what to write: a score whose lines, grade
    and rank hash as stored (and whose group is unchanged) is left alone."""
    now = timezone.now()
    writes = _Writes()
    digests: dict[tuple, str] = {}  # a result shared by two periods (the engine reuses it) is hashed once
    for period in sorted({p for _d, p in results} | {p for _d, p in existing}):
        totals = {}
        for (dept_id, p), s in existing.items():
            if p == period and (dept_id, p) not in results:
                totals[dept_id] = (s.group_id, s.total, s.vetoed, s.grade_code == scoring.HELD_CODE)
        for (dept_id, p), r in results.items():
            if p == period:
                totals[dept_id] = (r.group_id, r.total, r.vetoed, r.held)
        standings = scoring.grade_and_rank(
            totals,
            bands,
            plan.top_grade_share,
            veto_last=plan.veto_ranking != VetoRanking.EXCLUDE,
            held_label=pgettext("grade", "Held"),
        )
        for dept_id, standing in standings.items():
            result, stored = results.get((dept_id, period)), existing.get((dept_id, period))
            if result is None:
                # Not recomputed: only its rank, grade and share-cap line can have moved.
                if stored is not None and (
                    (stored.rank, stored.grade_code) != (standing.rank, standing.grade_code)
                    or (stored.pk in capped) != bool(standing.extra_lines)
                ):
                    writes.restood.append((stored.pk, standing))
                continue
            lines = result.lines + standing.extra_lines
            key = None if standing.extra_lines else (id(result), standing.grade_code, standing.rank)
            digest = digests.get(key) if key else None
            if digest is None:
                digest = _hash(lines, standing, result.inputs)
                if key:
                    digests[key] = digest
            # The hash covers the lines, grade and rank, not the group: a department that moved is rewritten.
            if stored is not None and stored.inputs_hash == digest and stored.group_id == result.group_id:
                continue
            score = _new_score(plan, dept_id, period, result, standing, top)
            score.computed_at, score.inputs_hash = now, digest
            if stored is None:
                writes.created.append((score, lines))
            else:
                writes.changed.append((stored.pk, score, lines))
    return writes


def _new_score(plan: Plan, dept_id: int, period: str, result, standing, top: dict) -> Score:
    score = Score(plan=plan, department_id=dept_id, period=period)
    score.total = result.total
    score.grade_code, score.grade_label, score.rank = standing.grade_code, standing.grade_label, standing.rank
    score.group_id, score.vetoed = result.group_id, result.vetoed
    score.provisional, score.inputs = result.provisional, counts_json(result.inputs)
    score.category_states = result.category_states
    score.categories = _category_json(plan, top, result)
    return score


COPIED = (
    "total",
    "grade_code",
    "grade_label",
    "rank",
    "group_id",
    "vetoed",
    "categories",
    "provisional",
    "inputs",
    "category_states",
    "computed_at",
    "inputs_hash",
)


def _write(writes: _Writes, reason: str) -> int:
    # The stored scores to write, loaded whole in one query; a published one keeps what was published.
    loaded = Score.objects.in_bulk([pk for pk, _s, _l in writes.changed] + [pk for pk, _standing in writes.restood])
    updated = []
    for pk, new, lines in writes.changed:
        score = loaded[pk]
        if score.published:
            keep_revision(score, reason or _("Recomputed after a change"))
        for name in COPIED:
            setattr(score, name, getattr(new, name))
        updated.append((score, lines))
    if writes.created:
        if connection_returns_rows():
            Score.objects.bulk_create([s for s, _lines in writes.created], batch_size=500)
        else:
            for s, _lines in writes.created:
                s.save()
    if updated:
        _update_scores([s for s, _lines in updated], SCORE_FIELDS)
    _write_lines({s.pk: lines for s, lines in writes.created + updated})
    return (
        len(writes.created) + len(updated) + _restand_all([(loaded[pk], standing) for pk, standing in writes.restood])
    )


@dataclass
class _StoredScore:
    """What the standings need of a stored score; the score itself is loaded only to be written."""

    pk: int
    department_id: int
    period: str
    group_id: int | None
    total: Decimal
    vetoed: bool
    rank: int | None
    grade_code: str
    inputs_hash: str


FEW_ROWS = 20


def _update_scores(scores: list[Score], fields: list[str]) -> None:
    """Write these fields of the scores, as bulk_update would.

    A department's recomputation writes a handful of rows: one UPDATE by primary key, built once
    and executed per row, costs less than compiling bulk_update's CASE expressions. Many rows
    (a whole plan) go through bulk_update in batches.
    """
    if len(scores) > FEW_ROWS:
        Score.objects.bulk_update(scores, fields, batch_size=200)
        return
    from django.db import connection

    meta = Score._meta
    columns = [meta.get_field(name) for name in fields]
    qn = connection.ops.quote_name
    assignments = ", ".join(f"{qn(f.column)} = %s" for f in columns)
    sql = f"UPDATE {qn(meta.db_table)} SET {assignments} WHERE {qn(meta.pk.column)} = %s"  # noqa: S608 - names from _meta
    rows = [[f.get_db_prep_save(getattr(s, f.attname), connection) for f in columns] + [s.pk] for s in scores]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def connection_returns_rows() -> bool:
    from django.db import connection

    return connection.features.can_return_rows_from_bulk_insert


def _restand_all(restood: list[tuple[Score, scoring.Standing]]) -> int:
    """Scores not recomputed whose rank, grade or share-cap line moved with their group."""
    if not restood:
        return 0
    for score, _standing in restood:
        if score.published:
            keep_revision(score, _("Grade or rank changed with the group"))
    ids = [score.pk for score, _standing in restood]
    LedgerLine.objects.filter(score_id__in=ids, key="cap:top_share").delete()
    last = dict(
        LedgerLine.objects.filter(score_id__in=ids)
        .order_by()
        .values("score_id")
        .annotate(last=Max("order"))
        .values_list("score_id", "last")
    )
    lines = []
    for score, standing in restood:
        score.rank, score.grade_code, score.grade_label = standing.rank, standing.grade_code, standing.grade_label
        score.inputs_hash = ""
        for i, ln in enumerate(standing.extra_lines, start=last.get(score.pk, 0) + 1):
            lines.append(
                LedgerLine(
                    score=score,
                    order=i,
                    key=ln.key,
                    kind=ln.kind,
                    points=ln.points,
                    detail_message=ln.message,
                    detail_args=ln.args,
                )
            )
    LedgerLine.objects.bulk_create(lines)
    fields = ["rank", "grade_code", "grade_label", "inputs_hash", "revision"]
    _update_scores([score for score, _standing in restood], fields)
    return len(restood)


def score_snapshot(score: Score) -> dict:
    return {
        "total": str(score.total),
        "grade_code": score.grade_code,
        "grade_label": score.grade_label,
        "rank": score.rank,
        "vetoed": score.vetoed,
        "provisional": score.provisional,
        "inputs": score.inputs,
        "categories": score.categories,
        "computed_at": score.computed_at.isoformat() if score.computed_at else None,
        "lines": [
            {
                "key": ln.key,
                "kind": ln.kind,
                "points": str(ln.points),
                "detail": ln.detail,
                "message": ln.detail_message,
                "args": ln.detail_args,
            }
            for ln in score.lines.all()
        ],
    }


def keep_revision(score: Score, reason: str) -> None:
    """A published score is never changed in place: keep what was published as a revision."""
    ScoreRevision.objects.create(score=score, number=score.revision, snapshot=score_snapshot(score), reason=reason)
    score.revision += 1
