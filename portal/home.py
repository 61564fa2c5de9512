"""Where each role starts: its own workspace, or a page of links and today's to-do counts."""

from __future__ import annotations

from django.urls import reverse
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


def todo(user) -> list[dict]:
    """What waits for this user today, as counts with a link (a few COUNT queries)."""
    items: list[dict] = []
    if user.role == Role.SUPERVISOR:
        from assessments.models import Appeal, Report, ReportStatus

        items += [
            {
                "label": _("Reports awaiting review"),
                "count": Report.objects.filter(status=ReportStatus.SUBMITTED).count(),
                "url": reverse("assessments:review_queue") + "?status=submitted&quarter=",
            },
            {
                "label": _("Open appeals"),
                "count": Appeal.objects.filter(status=Appeal.Status.OPEN).count(),
                "url": reverse("assessments:appeals") + "?status=open",
            },
        ]
    elif user.role == Role.FINANCE:
        from budgets.choices import ProjectStatus, RecommendationStatus
        from budgets.models import BudgetProject, Recommendation

        items += [
            {
                "label": _("Budget projects awaiting review"),
                "count": BudgetProject.objects.filter(status=ProjectStatus.SUBMITTED).count(),
                "url": reverse("budgets:review_queue"),
            },
            {
                "label": _("Recommendations to decide"),
                "count": Recommendation.objects.filter(status=RecommendationStatus.PROPOSED).count(),
                "url": reverse("budgets:recommendation_list"),
            },
        ]
    elif user.role == Role.SURVEYOR:
        from satisfaction.models import Survey

        items.append(
            {
                "label": _("Surveys open for answers"),
                "count": Survey.objects.filter(status=Survey.Status.OPEN).count(),
                "url": reverse("satisfaction:survey_list"),
            }
        )
    return items
