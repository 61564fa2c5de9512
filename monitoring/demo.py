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
    warnings = _warnings(today, finance)
    reallocations = _reallocations(finance)
    return {"schedules": MonitoringSchedule.objects.count(), "created": 1, **warnings, **reallocations}


def _warnings(today: dt.date, finance) -> dict:
    """Warnings of the last two checkpoints passed: the earlier ones all answered but one, which lapsed
    and paused its project's tranches; the latest ones partly answered, the rest awaiting a response."""
    from . import jobs, rules, services
    from .models import MonitoringWarning as W

    year = today.year
    passed = [c.date for c in rules.checkpoints_for(year, None) if c.date < today]
    if len(passed) < 2 or finance is None:
        return {"warnings": 0}
    earlier = passed[-2] + dt.timedelta(days=1)
    jobs.record_warnings(today=earlier)
    first = list(W.objects.filter(checkpoint=passed[-2]).select_related("project", "department").order_by("pk"))
    people = {u.department_id: u for u in User.objects.filter(role="filer").order_by("pk")}
    reasons = [
        ("continue", "", "项目已完成招标,合同款将于下月集中支付,执行进度可追回。"),
        ("adjust", "reallocation", "部分子项目因选址调整无法按期实施,申请将结余资金调剂至同类项目。"),
        ("continue", "", "已召开专题推进会,明确每月支付计划并落实到人。"),
        ("adjust", "revision", "受上级政策调整影响,申请调整年度产出目标。"),
    ]
    lapsing = next((w for w in first if w.project.tranches.exclude(status="released").exists()), None)
    lapsing = lapsing or (first[0] if first else None)
    for i, w in enumerate(first):
        if w is lapsing or w.department_id not in people:
            continue
        response, adjustment, reason = reasons[i % len(reasons)]
        services.warning_respond(
            warning=w, actor=people[w.department_id], response=response, adjustment=adjustment, reason=reason
        )
    if lapsing is not None and not lapsing.project.tranches.exclude(status="released").exists():
        budget_services.tranche_create(
            project=lapsing.project,
            actor=finance,
            name="第二批资金",
            amount=min(D("100000.00"), (lapsing.project.amount * D("0.1")).quantize(D("0.01"))),
        )
    jobs.enforce_response_deadlines(today=min(today, earlier + dt.timedelta(days=25)))
    jobs.record_warnings(today=today)
    latest = list(W.objects.filter(checkpoint=passed[-1], status="open").order_by("pk"))
    for w in latest[::3]:  # a third answered already; the rest await their departments
        if w.department_id in people:
            services.warning_respond(
                warning=w,
                actor=people[w.department_id],
                response="continue",
                reason="已督促项目单位加快实施进度,年底前完成全部支付。",
            )
    return {"warnings": W.objects.count(), "paused": W.objects.filter(status="lapsed").count()}


def _reallocations(finance) -> dict:
    """Two budget reallocations: the first approved by finance (money moved to another project of the
    department, or back to the pool), the second awaiting finance. They are opened from warnings
    answered "adjust"; without enough of those, a department asks for one directly, so the demo
    keeps its unanswered and lapsed warnings."""
    from budgets import reallocation_selectors
    from budgets import services as budgets_services
    from budgets.choices import ProjectStatus
    from budgets.models import BudgetProject, Reallocation

    from . import services
    from .models import MonitoringWarning as W

    if finance is None or Reallocation.objects.exists():
        return {"reallocations": Reallocation.objects.count()}
    year = timezone.localdate().year
    filers = {u.department_id: u for u in User.objects.filter(role="filer").order_by("-pk")}
    adjusted = list(W.objects.filter(response=W.Response.ADJUST).order_by("-adjustment", "pk"))
    warned = {w.project_id: w for w in adjusted}
    projects = [
        *BudgetProject.objects.filter(pk__in=warned).order_by("pk"),
        *BudgetProject.objects.filter(year=year, status=ProjectStatus.APPROVED).exclude(pk__in=warned).order_by("pk"),
    ]
    made = []
    for project in projects:
        if len(made) == 2:
            break
        filer = filers.get(project.department_id)
        if filer is None:
            continue
        left = reallocation_selectors.available_from(project=project)
        amount = min(left * D("0.3"), project.amount * D("0.2")).quantize(D("0.01"))
        if amount <= 0:
            continue
        target = (
            reallocation_selectors.source_projects(department_id=project.department_id, year=project.year)
            .exclude(pk=project.pk)
            .first()
        )
        reason = (
            "子项目选址调整,部分资金年内无法支出,调剂至本部门执行较快的项目。"
            if target
            else "子项目取消,结余资金申请收回统筹使用。"
        )
        fields = {"actor": filer, "amount": amount, "reason": reason, "target": target.pk if target else None}
        if project.pk in warned:
            made.append(services.warning_reallocation_request(warning=warned[project.pk], **fields))
        else:
            made.append(budgets_services.reallocation_request(source=project, **fields))
    if made:
        budgets_services.reallocation_approve(reallocation=made[0], actor=finance)
    return {"reallocations": Reallocation.objects.count()}
