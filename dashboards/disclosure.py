"""Disclosure pages in the expected form (预算绩效信息公开), each with its xlsx download.

- Performance targets, published with the budget: every approved department-wide sheet and
  every approved project with its targets.
- Self-evaluations, published with the final accounts: each department's published
  department-wide evaluation and each project's published self-evaluation.
- Key-evaluation results, published with the final accounts: each project's latest key
  evaluation (财政重点评价) accepted by finance (``budgets.department_selectors.key_evaluation_rows``).

An item finance withholds keeps its row, with the reason (不予公开原因) in place of its values:
the values are never read into the page or the spreadsheet (``department_selectors.PublicItem``
of a withheld item carries none). The page and the download are built from the same ``Table``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from budgets import department_selectors as dsel
from core.numbers import yuan_to_wan

from .panels.common import GRADE_LABELS
from .tables import Column, Table


@dataclass(frozen=True)
class DisclosurePage:
    key: str
    title: object
    intro: object
    empty: object


PAGES = {
    "targets": DisclosurePage(
        "targets",
        gettext_lazy("Performance targets"),
        gettext_lazy(
            "Published with the budget: the performance targets of each department's whole budget and of each "
            "approved budget project."
        ),
        gettext_lazy("No target sheet of this year is approved yet."),
    ),
    "self-evaluations": DisclosurePage(
        "self-evaluations",
        gettext_lazy("Self-evaluation results"),
        gettext_lazy(
            "Published with the final accounts: each department's department-wide spending evaluation and each "
            "budget project's self-evaluation, once finance has published them."
        ),
        gettext_lazy("No evaluation of this year is published yet."),
    ),
    "key-evaluations": DisclosurePage(
        "key-evaluations",
        gettext_lazy("Key-evaluation results"),
        gettext_lazy(
            "Published with the final accounts: the results of the key evaluations that finance carried out, "
            "itself or through a third party, of selected projects."
        ),
        gettext_lazy("No key-evaluation result of this year is published yet."),
    ),
}


def _item_label(item: dsel.PublicItem) -> str:
    return item.subject or _("Department-wide budget")


def targets_table(year: int) -> Table:
    rows = []
    for item in dsel.public_targets(year=year):
        head = [item.department, _item_label(item)]
        if item.withheld:
            rows.append([*head, None, None, None, None, item.reason])
            continue
        amount = yuan_to_wan(item.amount) if item.amount is not None else None
        if not item.targets:
            rows.append([*head, amount, None, None, None, ""])
        for dimension, name, text in item.targets:
            rows.append([*head, amount, str(dimension), name, text, ""])
    return Table(
        "targets",
        _("Performance targets, %(year)s") % {"year": year},
        [
            Column(_("Department")),
            Column(_("Budget item")),
            Column(_("Budget (10k yuan)"), "wan"),
            Column(_("Dimension")),
            Column(_("Target")),
            Column(_("Target value")),
            Column(_("Reason for not disclosing")),
        ],
        rows,
    )


def _evaluations_table(key: str, caption: str, items: list[dsel.PublicItem]) -> Table:
    rows = []
    for item in items:
        head = [item.department, _item_label(item)]
        if item.withheld:
            rows.append([*head, None, None, None, None, None, item.reason])
            continue
        rows.append(
            [
                *head,
                yuan_to_wan(item.amount),
                item.execution_rate,
                item.total,
                str(GRADE_LABELS.get(item.grade, item.grade)),
                item.published_at.date().isoformat() if item.published_at else None,
                "",
            ]
        )
    return Table(
        key,
        caption,
        [
            Column(_("Department")),
            Column(_("Budget item")),
            Column(_("Budget (10k yuan)"), "wan"),
            Column(_("Execution rate (percent)"), "pct"),
            Column(_("Score"), "points"),
            Column(_("Grade")),
            Column(_("Published on")),
            Column(_("Reason for not disclosing")),
        ],
        rows,
    )


def page_table(key: str, year: int) -> Table:
    if key == "targets":
        return targets_table(year)
    if key == "self-evaluations":
        return _evaluations_table(
            "self-evaluations",
            _("Self-evaluation results, %(year)s") % {"year": year},
            dsel.public_self_evaluations(year=year),
        )
    return _evaluations_table(
        "key-evaluations",
        _("Key-evaluation results, %(year)s") % {"year": year},
        dsel.public_key_evaluations(year=year),
    )
