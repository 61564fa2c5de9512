"""The cross-check of satisfaction (perception) against objective indicators (facts)."""

from __future__ import annotations

from decimal import Decimal

from indicators.methods import REPORTED, InputKind, methods_with

from ..models import (
    Assignment,
    Entry,
    Plan,
    ReportStatus,
)


def crosscheck(*, plan: Plan, department_code: str = "") -> dict:
    """Satisfaction (perception) beside each department's objective indicators (facts), for the
    reviewer to cross-check: a department that residents rate highly while its objective targets
    lag, or the reverse, deserves a second look. A constant number of queries."""
    from indicators.scoring import Spec, target_met
    from satisfaction.selectors import department_estimates, min_group_size

    survey, estimates = department_estimates(year=plan.year)
    assignments = (
        Assignment.objects.filter(plan=plan, is_active=True)
        .filter(indicator__method__in=sorted(REPORTED))  # scored on a reported value
        .select_related("indicator", "department")
    )
    if department_code:
        assignments = assignments.filter(department__code=department_code)
    latest: dict[int, tuple] = {}
    for a_id, qn, actual, pct, colour in (
        Entry.objects.filter(
            report__quarter__plan=plan, report__status=ReportStatus.APPROVED, assignment__in=assignments
        )
        .order_by("report__quarter__number")
        .values_list("assignment_id", "report__quarter__number", "actual_value", "progress_pct", "status_colour")
    ):
        latest[a_id] = (qn, actual, pct, colour)
    target = Decimal(85)
    sat_param = (
        plan.library.indicators.filter(method__in=methods_with(InputKind.SURVEY), is_active=True)
        .values_list("params", flat=True)
        .first()
    )
    if sat_param and sat_param.get("target"):
        target = Decimal(sat_param["target"])
    rows: dict[int, dict] = {}
    for a in assignments:
        row = rows.setdefault(
            a.department_id, {"department": a.department, "indicators": [], "met": 0, "reported": 0, "lagging": 0}
        )
        qn, actual, pct, colour = latest.get(a.pk, (None, None, None, "none"))
        met = None
        if actual is not None:
            spec = Spec(
                method=a.indicator.method,
                direction=a.indicator.direction,
                points=a.indicator.points,
                basic=a.basic_target,
                upper=a.range_upper,
            )
            met = target_met(spec, actual) if a.basic_target is not None or a.indicator.direction == "bool" else None
            row["reported"] += 1
            row["met"] += 1 if met else 0
        row["lagging"] += 1 if colour in ("behind", "at_risk") else 0
        row["indicators"].append(
            {"assignment": a, "quarter": qn, "actual": actual, "progress": pct, "colour": colour, "met": met}
        )
    small = min_group_size()
    out = []
    for row in sorted(rows.values(), key=lambda r: (r["department"].order, r["department"].code)):
        est = estimates.get(row["department"].code)
        row["satisfaction"] = est
        row["small_sample"] = est is not None and est.n < small
        share = Decimal(row["met"]) / row["reported"] * 100 if row["reported"] else None
        row["met_share"] = share
        flag = ""
        if est is not None and est.rate is not None and share is not None and not row["small_sample"]:
            if est.rate >= target and share < 60:
                flag = "perception_above_facts"
            elif est.rate < target and share >= 80:
                flag = "facts_above_perception"
        row["flag"] = flag
        out.append(row)
    return {"survey": survey, "rows": out, "target": target, "min_group_size": small}
