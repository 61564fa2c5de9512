"""The ledger's answers to lower apps' hooks (connected in apps.py)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from budgets.hooks import RecommendationNote

from .models import BudgetAction, Item, Status, YearSetting


def open_at_year_end(*, year: int, department_ids) -> tuple[Counter, Counter]:
    """Per department: items of ``year`` not closed by 31 December, and of them those past their deadline."""
    year_end = dt.date(year, 12, 31)
    qs = Item.objects.filter(year=year, department_id__in=list(department_ids)).filter(
        ~Q(status=Status.CLOSED) | Q(closed_at__date__gt=year_end)
    )
    open_, overdue = Counter(), Counter()
    for dept_id, deadline in qs.values_list("department_id", "deadline"):
        open_[dept_id] += 1
        if deadline <= year_end:
            overdue[dept_id] += 1
    return open_, overdue


def recommendation_notes(sender, *, year: int, department_ids, **kwargs) -> dict:
    """Next year's (``year``) recommendations show the items left open at the end of ``year`` − 1."""
    evaluated = year - 1
    open_, overdue = open_at_year_end(year=evaluated, department_ids=department_ids)
    setting = YearSetting.objects.filter(year=evaluated).first() or YearSetting(year=evaluated)
    notes = {}
    for dept_id, n in open_.items():
        text = _("%(n)s rectification item(s) open at the end of %(year)s, %(late)s overdue") % {
            "n": n,
            "year": evaluated,
            "late": overdue[dept_id],
        }
        if setting.budget_action == BudgetAction.HOLD:
            text += _("; the year's policy holds the budget back until they are closed")
        elif setting.budget_action == BudgetAction.CUT:
            text += _("; the year's policy cuts the budget by %(pct)s%%") % {"pct": setting.cut_percent.normalize()}
        notes[dept_id] = RecommendationNote(
            text=text,
            link=f"{reverse('rectification:item_list')}?year={evaluated}&status=open",
            action=setting.budget_action,
            percent=setting.cut_percent if setting.budget_action == BudgetAction.CUT else None,
        )
    return notes
