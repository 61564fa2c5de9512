"""What the leader dashboard's panels share: its filters and the data several panels read."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

from django.utils import timezone

from assessments.models import Plan
from core.roles import P
from organizations.models import Department, RankingGroup

from .. import selectors


@dataclass
class Scope:
    """The filters of a dashboard and the data several panels share (read once, when needed)."""

    user: object
    plan: Plan
    period: str
    group: RankingGroup | None = None
    department: Department | None = None
    today: dt.date = field(default_factory=timezone.localdate)

    @cached_property
    def categories(self):
        return selectors.top_categories(plan=self.plan)

    @cached_property
    def scores(self):
        return selectors.scores_of(plan=self.plan, period=self.period, group=self.group)

    @property
    def quarter(self) -> int:
        return int(self.period[1]) if self.period.startswith("Q") else 4

    @cached_property
    def survey(self):
        return selectors.main_survey(year=self.plan.year)

    @property
    def published_only(self) -> bool:
        # As on the survey results pages: only survey managers see groups below the minimum size.
        return not self.user.has_perm(P.MANAGE_SURVEY)
