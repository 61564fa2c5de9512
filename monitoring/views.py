"""Finance's and the departments' execution-monitoring page (docs/monitoring.md)."""

from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone
from django.views import View

from budgets import selectors as budget_selectors
from budgets.views.base import AnyPermMixin

from . import selectors


def _year(request, default: int) -> int:
    value = request.GET.get("year", "")
    return int(value) if value.isdigit() and 2000 <= int(value) <= 2100 else default


class ExecutionMonitoringView(AnyPermMixin, View):
    """Red/yellow/green of each approved project and department: execution against the schedule and the gap."""

    def get(self, request):
        today = timezone.localdate()
        year = _year(request, today.year)
        rows, dept_rows = selectors.monitoring_rows(user=request.user, year=year, on=today)
        schedule = selectors.schedule_for(year)
        years = sorted(set(budget_selectors.project_years()) | {year}, reverse=True)
        return render(
            request,
            "monitoring/execution.html",
            {
                "rows": rows,
                "dept_rows": dept_rows,
                "year": year,
                "years": years,
                "today": today,
                "checkpoints": selectors.rules.checkpoints_for(year, schedule.checkpoints),
                "gap_points": schedule.gap_points,
            },
        )
