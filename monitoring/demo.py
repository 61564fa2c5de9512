"""Demo data of dual monitoring: the year's schedule and one project executed on schedule."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from django.db import transaction
from django.utils import timezone

from budgets import services as budget_services
from budgets.choices import ProjectStatus
from budgets.models import BudgetProject
from organizations.models import User

from .models import MonitoringSchedule


@transaction.atomic
def seed(stdout=None) -> dict:
    today = timezone.localdate()
    year = today.year
    if MonitoringSchedule.objects.filter(year=year).exists():
        return {"schedules": MonitoringSchedule.objects.count(), "created": 0}
    MonitoringSchedule.objects.create(year=year)  # the defaults: 25/40/60/80 % at the end of Apr/Jun/Aug/Oct
    finance = User.objects.filter(username="finance").first()
    # Most projects of the year stand at 60 % (yellow after October); one of 农业农村局 catches up to 85 %.
    project = (
        BudgetProject.objects.filter(year=year, status=ProjectStatus.APPROVED, department__code="agri")
        .order_by("code")
        .first()
    )
    if project is not None and finance is not None:
        target = (project.amount * D("0.85")).quantize(D("0.01"))
        spent = sum((r.amount for r in project.spending.all()), D(0))
        if target > spent:
            budget_services.spending_record(
                project=project,
                actor=finance,
                date=min(dt.date(year, 10, 28), today),
                amount=target - spent,
                description="按进度拨付",
                voucher=f"PZ{year}{project.pk:04d}09",
            )
    return {"schedules": MonitoringSchedule.objects.count(), "created": 1}
