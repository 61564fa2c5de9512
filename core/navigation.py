"""The side navigation: what each role may use (docs/domain.md §1). Shown by permission."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .roles import P, has_any_perm


@dataclass(frozen=True)
class Item:
    label: str
    url_name: str
    # A named permission, or a tuple of them of which any one will do.
    perm: str | tuple[str, ...] | None = None
    # Shown only to these roles when set (for pages meant for one kind of user).
    roles: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Section:
    label: str
    items: tuple[Item, ...]


LEADERS = frozenset({"leader", "supervisor", "finance"})
DEPARTMENT_USERS = frozenset({"filer", "dept_head"})

NAVIGATION: tuple[Section, ...] = (
    Section(_("Workspace"), (Item(_("Home"), "home"), Item(_("My account"), "organizations:account"))),
    Section(
        _("Dashboards"),
        (
            Item(_("Leader dashboard"), "dashboards:leader", P.READ_DASHBOARD, LEADERS),
            Item(_("Department view"), "dashboards:department_home", P.READ_DASHBOARD, LEADERS),
            Item(_("Our dashboard"), "dashboards:department_home", P.READ_DASHBOARD, DEPARTMENT_USERS),
            Item(_("Annual reports"), "dashboards:report_index", P.READ_DASHBOARD),
            Item(_("Public disclosure page"), "public:index", P.READ_DASHBOARD),
        ),
    ),
    Section(
        _("Assessment"),
        (
            Item(_("My department"), "assessments:dashboard", P.READ_OWN_REPORTS),
            Item(_("Review queue"), "assessments:review_queue", P.REVIEW_REPORT),
            Item(_("Quarterly reports"), "assessments:review_queue", P.READ_ALL_REPORTS, frozenset({"leader"})),
            Item(_("Reporting health"), "assessments:health", P.READ_REPORTING_HEALTH),
            Item(_("Scores"), "assessments:scores", (P.READ_ALL_SCORES, P.READ_OWN_SCORES)),
            Item(_("Deduction and bonus events"), "assessments:events", P.RECORD_EVENT),
            Item(_("Qualitative grades"), "assessments:grades", P.RECORD_EVENT),
            Item(_("Appeals"), "assessments:appeals", (P.DECIDE_APPEAL, P.FILE_APPEAL)),
            Item(
                _("Satisfaction and facts"),
                "assessments:crosscheck",
                P.READ_ALL_SCORES,
                frozenset({"supervisor", "leader"}),
            ),
            Item(_("Assessment plans"), "assessments:plan_list", P.MANAGE_PLAN),
            Item(_("Indicator library"), "indicators:library_list", P.READ_LIBRARY),
        ),
    ),
    Section(
        _("Budget performance"),
        (
            Item(_("Our budget projects"), "budgets:project_list", P.READ_OWN_BUDGETS),
            Item(_("Budget projects"), "budgets:project_list", P.READ_ALL_BUDGETS),
            Item(_("Review queue"), "budgets:review_queue", P.REVIEW_BUDGET),
            Item(_("Project evaluations"), "budgets:evaluation_list", P.READ_ALL_BUDGETS),
            Item(_("Target indicator library"), "budgets:library", (P.READ_ALL_BUDGETS, P.READ_OWN_BUDGETS)),
            Item(_("Execution monitoring"), "monitoring:execution", P.READ_ALL_BUDGETS),
            Item(_("Our execution monitoring"), "monitoring:execution", P.READ_OWN_BUDGETS),
            Item(_("Monitoring warnings"), "monitoring:warning_list", P.READ_ALL_BUDGETS),
            Item(_("Our monitoring warnings"), "monitoring:warning_list", P.READ_OWN_BUDGETS),
            Item(_("Budget reallocations"), "budgets:reallocation_list", P.READ_ALL_BUDGETS),
            Item(_("Our budget reallocations"), "budgets:reallocation_list", P.READ_OWN_BUDGETS),
            Item(_("Budget recommendations"), "budgets:recommendation_list", P.READ_ALL_BUDGETS),
            Item(_("Budget evaluation policy"), "budgets:policy_list", P.READ_ALL_BUDGETS),
            Item(_("Appraisals and key evaluations"), "budgets:appraisal_home", P.REVIEW_BUDGET),
            Item(_("My evaluation assignments"), "budgets:appraisal_home", P.EVALUATE_ASSIGNED),
            Item(_("Department-wide performance"), "budgets:department_list", P.READ_ALL_BUDGETS),
            Item(_("Our department-wide performance"), "budgets:department_list", P.READ_OWN_BUDGETS),
            Item(_("Disclosure of budget performance"), "budgets:disclosure_list", P.READ_ALL_BUDGETS),
        ),
    ),
    Section(
        _("Rectification"),
        (
            Item(_("Rectification ledger"), "rectification:item_list", P.READ_ALL_RECTIFICATION),
            Item(_("Our rectification items"), "rectification:item_list", P.READ_OWN_RECTIFICATION),
        ),
    ),
    Section(
        _("Satisfaction surveys"),
        (
            Item(_("Surveys"), "satisfaction:survey_list", P.READ_SURVEY_RESULTS),
            Item(_("Interview entry"), "satisfaction:interview_start", P.ENTER_ANSWERS),
        ),
    ),
    Section(
        _("Administration"),
        (
            Item(_("Departments"), "organizations:department_list", P.READ_REFERENCE),
            Item(_("API tokens"), "organizations:token_list", P.USE_API_TOKENS),
            Item(_("API documentation"), "api-docs", P.READ_REFERENCE),
            Item(_("Admin site"), "admin:index", None, frozenset({"admin", "supervisor"})),
        ),
    ),
    Section(
        _("Security"),
        (
            Item(_("Account security"), "organizations:security", P.MANAGE_SECURITY),
            Item(_("Audit retention"), "audit:retention", P.MANAGE_AUDIT_RETENTION, frozenset({"security_admin"})),
        ),
    ),
    Section(
        _("Audit"),
        (
            Item(_("Audit log"), "audit:event_list", P.READ_AUDIT),
            Item(_("Audit retention"), "audit:retention", P.READ_AUDIT),
        ),
    ),
)


def navigation_for(user, current_path: str = "") -> list[dict]:
    """The sections and links ``user`` may use, with the current page marked."""
    sections = []
    for section in NAVIGATION:
        items = []
        for item in section.items:
            if not has_any_perm(user, item.perm or None):
                continue
            if item.roles and user.role not in item.roles:
                continue
            url = reverse(item.url_name)
            matches = current_path == url or (url != "/" and current_path.startswith(url))
            items.append({"label": item.label, "url": url, "active": matches})
        if items:
            sections.append({"label": section.label, "items": items})
    # Only the closest match is the current page (/dashboards/reports/ rather than /dashboards/ too).
    longest = max((len(i["url"]) for s in sections for i in s["items"] if i["active"]), default=0)
    for s in sections:
        for i in s["items"]:
            i["active"] = i["active"] and len(i["url"]) == longest
    return sections
