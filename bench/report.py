"""The filer's report page: queries for 6, 60 and 600 assignments, and its time for 60."""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from .common import Row, median_of, say


def _department(ctx, code: str, n: int):
    """A department with ``n`` assignments, its filer, and its draft report of Q3 (in the caller's
    transaction). Indicators are added to the year's library when the workload has too few."""
    from assessments.models import Assignment
    from assessments.services import report_open
    from core.roles import Role
    from indicators.models import Category, Indicator
    from organizations.models import Department, RankingGroup, User

    plan = ctx.plan
    dept = Department.objects.create(
        code=code,
        name=f"基准部门{code}",
        group=RankingGroup.objects.filter(code__startswith="city-").first(),
        order=999,
    )
    filer = User.objects.create(username=f"{code}-filer", role=Role.FILER, department=dept)
    indicators = list(Indicator.objects.filter(library=plan.library, method="threshold").order_by("id")[:n])
    category = Category.objects.filter(library=plan.library).order_by("order").first()
    extra = [
        Indicator(
            library=plan.library,
            code=f"{code}-i{i:03d}",
            name=f"基准指标 {i}",
            category=category,
            method="threshold",
            direction="ge",
            unit="项",
            basic_target=Decimal(100),
            points=Decimal("0.1"),
            order=500 + i,
        )
        for i in range(n - len(indicators))
    ]
    indicators += Indicator.objects.bulk_create(extra)
    Assignment.objects.bulk_create(
        Assignment(plan=plan, department=dept, indicator=ind, basic_target=Decimal(100)) for ind in indicators
    )
    quarter = plan.quarters.get(number=3)
    return filer, report_open(quarter=quarter, department=dept)


def _count(client: Client, report) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/assessments/reports/{report.pk}/")
    assert response.status_code == 200, response.status_code
    return len(captured.captured_queries), response.content.count(b'name="actual_value"')


def measures(ctx) -> list[Row]:
    from assessments.models import Report

    counts: dict[int, int] = {}
    fields: dict[int, int] = {}
    times: list[float] = []
    with transaction.atomic():
        quarter = ctx.plan.quarters.get(number=3)
        # Reopened for the measure, so the filer sees the editable form (rolled back afterwards).
        quarter.reopened_until = timezone.localdate() + dt.timedelta(days=30)
        quarter.save(update_fields=["reopened_until"])
        for n in (6, 60, 600):
            filer, report = _department(ctx, f"bench-x{n}", n)
            client = Client()
            client.force_login(filer)
            client.get(f"/assessments/reports/{report.pk}/")  # warm: templates, translations
            counts[n], fields[n] = _count(client, report)
            if n == 60:
                say("  report page with 60 assignments …")
                for _ in range(max(ctx.reps * 2, 10)):
                    start = time.perf_counter()
                    client.get(f"/assessments/reports/{report.pk}/")
                    times.append(time.perf_counter() - start)
        # A report of the workload that was returned once: revisions and reviews on the page too.
        returned = Report.objects.filter(quarter__plan=ctx.plan, status="returned").order_by("id").first()
        returned_count = None
        if returned is not None:
            from organizations.models import User

            filer = User.objects.filter(department_id=returned.department_id, role="filer").first()
            client = Client()
            client.force_login(filer)
            client.get(f"/assessments/reports/{returned.pk}/")
            returned_count, _fields = _count(client, returned)
        transaction.set_rollback(True)
    worst = max([*counts.values(), returned_count or 0])
    constant = len(set(counts.values())) == 1
    return [
        Row(
            "filer's report page, 60 assignments: queries",
            counts[60],
            None,
            "≤ 12, same for 6 or 600",
            worst <= 12 and constant,
            unit="queries",
            detail=(
                f"queries for 6 / 60 / 600 assignments: {counts[6]} / {counts[60]} / {counts[600]} "
                f"(entry forms {fields[6]} / {fields[60]} / {fields[600]}); a returned report with revisions and "
                f"reviews: {returned_count}; session, user, notifications and the session save included; "
                f"page time with 60 assignments {median_of(times) * 1000:.0f} ms (median)"
            ),
            extra={"queries": counts, "returned": returned_count, "seconds_60": median_of(times)},
        )
    ]
