"""Where each role starts: its own workspace, or a page of links and today's to-do counts."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.navigation import navigation_for
from core.roles import Role

# Roles whose daily work is one page: home leads them straight there.
START_PAGES = {
    Role.FILER: "assessments:dashboard",
    Role.DEPT_HEAD: "assessments:dashboard",
    Role.LEADER: "dashboards:leader",
    Role.AUDITOR: "audit:event_list",
    Role.SECURITY_ADMIN: "organizations:security",
}


def start_page(user) -> str | None:
    name = START_PAGES.get(user.role)
    return reverse(name) if name else None


def home_cards(user) -> list[dict]:
    """One card per navigation section the user may use."""
    return [s for s in navigation_for(user) if s["items"]]


def todo(user, today: dt.date | None = None) -> list[dict]:
    """What waits for this user today: one line per kind of work with its count, a short note
    (a deadline, days left) and a link to where it is done. A few COUNT queries per role."""
    today = today or timezone.localdate()
    if user.role in (Role.FILER, Role.DEPT_HEAD):
        return _todo_department(user, today)
    if user.role == Role.SUPERVISOR:
        return _todo_supervisor(today)
    if user.role == Role.FINANCE:
        return _todo_finance(today)
    if user.role == Role.SURVEYOR:
        return _todo_surveyor(today)
    return []


def _item(label, count, url, note="", urgent=False) -> dict:
    return {"label": label, "count": count, "url": url, "note": note, "urgent": bool(urgent and count)}


def _todo_department(user, today) -> list[dict]:
    from assessments.models import Appeal, Entry, Report, ReportStatus
    from assessments.selectors import current_plan, current_quarter

    if not user.department_id:
        return []
    items = []
    plan = current_plan(today)
    quarter = current_quarter(plan, today) if plan else None
    if quarter is not None:
        report = Report.objects.filter(quarter=quarter, department_id=user.department_id).first()
        due = report is None or report.status in (ReportStatus.DRAFT, ReportStatus.RETURNED)
        days = (quarter.deadline - today).days
        if days >= 0:
            note = _("due %(date)s, %(n)s days left") % {"date": quarter.deadline.isoformat(), "n": days}
        else:
            note = _("due %(date)s, %(n)s days overdue") % {"date": quarter.deadline.isoformat(), "n": -days}
        items.append(
            _item(
                _("%(year)s %(quarter)s report to submit") % {"year": plan.year, "quarter": quarter.code},
                1 if due else 0,
                reverse("assessments:report_open", args=[plan.year, quarter.number]),
                note if due else _("already submitted"),
                urgent=days < 3,
            )
        )
    returned = Entry.objects.filter(
        report__department_id=user.department_id, report__status=ReportStatus.RETURNED, review_state="returned"
    )
    first = returned.order_by("report__quarter__plan__year", "report__quarter__number").values("report_id").first()
    items.append(
        _item(
            _("Returned items to correct"),
            returned.count(),
            reverse("assessments:report_detail", args=[first["report_id"]])
            if first
            else reverse("assessments:dashboard"),
            urgent=True,
        )
    )
    items.append(
        _item(
            _("Open appeals"),
            Appeal.objects.filter(department_id=user.department_id, status=Appeal.Status.OPEN).count(),
            reverse("assessments:appeals") + "?status=open",
            _("awaiting the supervision office's decision"),
        )
    )
    return items


def _todo_supervisor(today) -> list[dict]:
    from assessments.models import Appeal, Assignment, Publication, Report, ReportStatus
    from assessments.selectors import current_plan

    items = [
        _item(
            _("Reports awaiting review"),
            Report.objects.filter(status=ReportStatus.SUBMITTED).count(),
            reverse("assessments:review_queue") + "?status=submitted&quarter=",
        )
    ]
    plan = current_plan(today)
    # The latest quarter whose deadline has passed: who has still not filed it is overdue.
    passed = [q for q in plan.quarters.all() if q.deadline < today] if plan else []
    if passed:
        quarter = passed[-1]
        filed = Report.objects.filter(
            quarter=quarter, status__in=[ReportStatus.SUBMITTED, ReportStatus.APPROVED]
        ).values("department_id")
        overdue = (
            Assignment.objects.filter(plan=plan, is_active=True)
            .exclude(department_id__in=filed)
            .values("department_id")
            .distinct()
            .count()
        )
        items.append(
            _item(
                _("Departments overdue for %(year)s %(quarter)s") % {"year": plan.year, "quarter": quarter.code},
                overdue,
                reverse("assessments:review_queue") + f"?quarter={quarter.pk}&lateness=missing",
                _("deadline %(date)s") % {"date": quarter.deadline.isoformat()},
                urgent=True,
            )
        )
    items.append(
        _item(
            _("Appeals to decide"),
            Appeal.objects.filter(status=Appeal.Status.OPEN).count(),
            reverse("assessments:appeals") + "?status=open",
        )
    )
    if plan is not None:
        published = set(Publication.objects.filter(plan=plan).values_list("period", flat=True))
        pending = [q.code for q in plan.quarters.all() if q.is_closed(today) and q.code not in published]
        items.append(
            _item(
                _("Results to publish"),
                len(pending),
                reverse("assessments:scores") + f"?year={plan.year}" + (f"&period={pending[0]}" if pending else ""),
                "、".join(f"{plan.year} {p}" for p in pending),
            )
        )
    return items


def _todo_finance(today) -> list[dict]:
    from budgets.choices import ProjectStatus, RecommendationStatus
    from budgets.models import BudgetProject, Recommendation

    last_year = today.year - 1
    return [
        _item(
            _("Target sheets to review"),
            BudgetProject.objects.filter(status=ProjectStatus.SUBMITTED).count(),
            reverse("budgets:review_queue"),
        ),
        _item(
            _("Evaluations to carry out"),
            BudgetProject.objects.filter(
                year__lte=last_year, status=ProjectStatus.APPROVED, evaluations__isnull=True
            ).count(),
            reverse("budgets:project_list") + f"?year={last_year}&status=approved",
            _("approved projects of past years without an evaluation"),
        ),
        _item(
            _("Recommendations to decide"),
            Recommendation.objects.filter(status=RecommendationStatus.PROPOSED).count(),
            reverse("budgets:recommendation_list"),
        ),
    ]


def _todo_surveyor(today) -> list[dict]:
    from satisfaction.models import Survey, SurveyRegion

    behind = []
    for sr in SurveyRegion.objects.filter(survey__status=Survey.Status.OPEN, is_closed=False).select_related(
        "survey", "region"
    ):
        survey = sr.survey
        span = (survey.closes_on - survey.opens_on).days + 1
        elapsed = min(max((today - survey.opens_on).days + 1, 0), span)
        expected = sr.quota * elapsed // span if span > 0 else sr.quota
        if sr.received < min(expected, sr.quota):
            behind.append(sr)
    url = (
        reverse("satisfaction:quota_board", args=[behind[0].survey_id])
        if behind
        else reverse("satisfaction:survey_list")
    )
    return [
        _item(
            _("Regional quotas behind schedule"),
            len(behind),
            url,
            "、".join(str(sr.region) for sr in behind[:5]),
            urgent=True,
        ),
        _item(
            _("Surveys open for answers"),
            Survey.objects.filter(status=Survey.Status.OPEN).count(),
            reverse("satisfaction:survey_list"),
        ),
    ]
