"""Roles of docs/domain.md §1 and the named permissions each one holds.

Every check in the code asks ``user.has_perm(<named permission>)``; this file is the one
place that says which role holds which permission (see ``core.auth.RoleBackend``).
Business permission codenames never start with add_/change_/delete_/view_, which are
reserved for Django's model permissions used by the admin site.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    FILER = "filer", _("Department filer")
    DEPT_HEAD = "dept_head", _("Department head")
    SUPERVISOR = "supervisor", _("Supervision office")
    FINANCE = "finance", _("Finance bureau")
    SURVEYOR = "surveyor", _("Survey firm")
    LEADER = "leader", _("Leader")
    API_CLIENT = "api_client", _("API client")
    AUDITOR = "auditor", _("Audit administrator")
    ADMIN = "admin", _("System administrator")
    SECURITY_ADMIN = "security_admin", _("Security administrator")
    EVALUATOR = "evaluator", _("Third-party evaluation firm")


# Roles whose data is limited to their own department.
DEPARTMENT_ROLES = frozenset({Role.FILER, Role.DEPT_HEAD})
# The three administrators of 等保 2.0: separate roles, never combined on one account.
ADMINISTRATOR_ROLES = frozenset({Role.ADMIN, Role.SECURITY_ADMIN, Role.AUDITOR})
# Roles that see business data (everything except the security and audit administrators).
BUSINESS_ROLES = frozenset(set(Role) - {Role.AUDITOR, Role.SECURITY_ADMIN})


class P:
    """Named permissions. Values are ``<app>.<codename>`` as Django's has_perm expects."""

    READ_REFERENCE = "organizations.read_reference"
    MANAGE_USERS = "organizations.manage_users"
    MANAGE_SECURITY = "organizations.manage_security"
    READ_LIBRARY = "indicators.read_library"
    EDIT_LIBRARY = "indicators.edit_library"
    MANAGE_PLAN = "assessments.manage_plan"
    FILE_REPORT = "assessments.file_report"
    SIGNOFF_REPORT = "assessments.signoff_report"
    REVIEW_REPORT = "assessments.review_report"
    READ_ALL_REPORTS = "assessments.read_all_reports"
    READ_OWN_REPORTS = "assessments.read_own_reports"
    READ_REPORTING_HEALTH = "assessments.read_reporting_health"
    RECORD_EVENT = "assessments.record_event"
    PUBLISH_SCORES = "assessments.publish_scores"
    DECIDE_APPEAL = "assessments.decide_appeal"
    FILE_APPEAL = "assessments.file_appeal"
    READ_ALL_SCORES = "assessments.read_all_scores"
    READ_OWN_SCORES = "assessments.read_own_scores"
    EDIT_BUDGET = "budgets.edit_project"
    REVIEW_BUDGET = "budgets.review_project"
    READ_ALL_BUDGETS = "budgets.read_all_projects"
    READ_OWN_BUDGETS = "budgets.read_own_projects"
    # The shared target indicator library (指标库): finance adds, changes and retires its indicators.
    MANAGE_BUDGET_LIBRARY = "budgets.manage_library"
    # Third-party evaluators: ex-ante assessments and key evaluations of their assigned work only.
    EVALUATE_ASSIGNED = "budgets.evaluate_assigned"
    MANAGE_SURVEY = "satisfaction.manage_survey"
    ENTER_ANSWERS = "satisfaction.enter_answers"
    READ_SURVEY_RESULTS = "satisfaction.read_results"
    READ_DASHBOARD = "core.read_dashboard"
    READ_AUDIT = "audit.read_log"
    MANAGE_AUDIT_RETENTION = "audit.manage_retention"
    # Own API tokens: every role but the audit administrator, who uses nothing but the audit log.
    USE_API_TOKENS = "organizations.use_api_tokens"
    RECEIVE_NOTIFICATIONS = "notifications.receive"
    # Rectification ledger (整改台账): the supervision office and finance raise and close items;
    # departments work on their own; leaders read all.
    ISSUE_RECTIFICATION = "rectification.issue_item"
    WORK_RECTIFICATION = "rectification.work_item"
    READ_ALL_RECTIFICATION = "rectification.read_all_items"
    READ_OWN_RECTIFICATION = "rectification.read_own_items"


_DEPT = {
    P.READ_REFERENCE,
    P.READ_LIBRARY,
    P.READ_OWN_REPORTS,
    P.READ_OWN_SCORES,
    P.FILE_APPEAL,
    P.READ_OWN_BUDGETS,
    P.EDIT_BUDGET,
    P.READ_DASHBOARD,
    P.RECEIVE_NOTIFICATIONS,
    P.USE_API_TOKENS,
    P.WORK_RECTIFICATION,
    P.READ_OWN_RECTIFICATION,
}

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.FILER: frozenset(_DEPT | {P.FILE_REPORT}),
    Role.DEPT_HEAD: frozenset(_DEPT | {P.FILE_REPORT, P.SIGNOFF_REPORT}),
    Role.SUPERVISOR: frozenset(
        {
            P.READ_REFERENCE,
            P.READ_LIBRARY,
            P.EDIT_LIBRARY,
            P.MANAGE_PLAN,
            P.REVIEW_REPORT,
            P.READ_ALL_REPORTS,
            P.READ_REPORTING_HEALTH,
            P.RECORD_EVENT,
            P.PUBLISH_SCORES,
            P.DECIDE_APPEAL,
            P.READ_ALL_SCORES,
            P.READ_ALL_BUDGETS,
            P.MANAGE_SURVEY,
            P.READ_SURVEY_RESULTS,
            P.READ_DASHBOARD,
            P.RECEIVE_NOTIFICATIONS,
            P.USE_API_TOKENS,
            P.ISSUE_RECTIFICATION,
            P.READ_ALL_RECTIFICATION,
        }
    ),
    Role.FINANCE: frozenset(
        {
            P.READ_REFERENCE,
            P.READ_LIBRARY,
            P.READ_ALL_SCORES,
            P.REVIEW_BUDGET,
            P.MANAGE_BUDGET_LIBRARY,
            P.READ_ALL_BUDGETS,
            P.READ_SURVEY_RESULTS,
            P.READ_DASHBOARD,
            P.RECEIVE_NOTIFICATIONS,
            P.USE_API_TOKENS,
            P.ISSUE_RECTIFICATION,
            P.READ_ALL_RECTIFICATION,
        }
    ),
    Role.SURVEYOR: frozenset(
        {
            P.READ_REFERENCE,
            P.READ_LIBRARY,
            P.MANAGE_SURVEY,
            P.ENTER_ANSWERS,
            P.READ_SURVEY_RESULTS,
            P.RECEIVE_NOTIFICATIONS,
            P.USE_API_TOKENS,
        }
    ),
    Role.LEADER: frozenset(
        {
            P.READ_REFERENCE,
            P.READ_LIBRARY,
            P.READ_ALL_REPORTS,
            P.READ_REPORTING_HEALTH,
            P.READ_ALL_SCORES,
            P.READ_ALL_BUDGETS,
            P.READ_SURVEY_RESULTS,
            P.READ_DASHBOARD,
            P.RECEIVE_NOTIFICATIONS,
            P.USE_API_TOKENS,
            P.READ_ALL_RECTIFICATION,
        }
    ),
    Role.API_CLIENT: frozenset(
        {
            P.READ_REFERENCE,
            P.READ_LIBRARY,
            P.READ_ALL_SCORES,
            P.READ_ALL_BUDGETS,
            P.READ_SURVEY_RESULTS,
            P.USE_API_TOKENS,
        }
    ),
    Role.EVALUATOR: frozenset(
        {
            P.READ_REFERENCE,
            P.READ_LIBRARY,
            P.EVALUATE_ASSIGNED,
            P.RECEIVE_NOTIFICATIONS,
            P.USE_API_TOKENS,
        }
    ),
    Role.AUDITOR: frozenset({P.READ_AUDIT, P.MANAGE_AUDIT_RETENTION}),
    Role.ADMIN: frozenset(
        {P.READ_REFERENCE, P.READ_LIBRARY, P.MANAGE_USERS, P.RECEIVE_NOTIFICATIONS, P.USE_API_TOKENS}
    ),
    Role.SECURITY_ADMIN: frozenset({P.MANAGE_SECURITY, P.MANAGE_AUDIT_RETENTION, P.USE_API_TOKENS}),
}

# Django admin: which app's model permissions (add/change/delete/view) a role holds.
ROLE_ADMIN_APPS: dict[str, frozenset[str]] = {
    Role.ADMIN: frozenset({"organizations", "monitoring"}),
    Role.SUPERVISOR: frozenset({"indicators", "assessments", "rectification"}),
}

STAFF_ROLES = frozenset(ROLE_ADMIN_APPS)


def has_any_perm(user, perms: str | tuple[str, ...] | None) -> bool:
    """Whether ``user`` holds the named permission, or any one of a tuple of them (None: no permission
    asked). The one place where "any of" is decided, for pages (``PermMixin``) and the API
    (``IsAuthenticatedWithRole``): a department user reads its own with one, the city's readers all with
    another, and each view names both."""
    if perms is None:
        return True
    return any(user.has_perm(p) for p in ((perms,) if isinstance(perms, str) else perms))


def acts_for(user, department_id: int | None, perm: str | None = None) -> bool:
    """Whether ``user`` works on ``department_id``'s own data: a department filer or head of that
    department (holding ``perm`` when one is named). The one place where "a department sees and
    changes only its own" is decided for an object already read; lists are narrowed by each app's
    ``scope_to_user`` selectors."""
    return (
        user.role in DEPARTMENT_ROLES
        and department_id is not None
        and user.department_id == department_id
        and (perm is None or user.has_perm(perm))
    )


def outside_own(user, department_id: int | None) -> bool:
    """Whether ``user`` is a department filer or head reaching past its own department: the limit
    of a service that finance or the supervision office may also call for any department."""
    return user.role in DEPARTMENT_ROLES and not acts_for(user, department_id)


def own_only(queryset, user, field: str = "department_id"):
    """``queryset`` narrowed to ``user``'s own department's rows (by ``field``), or to nothing for
    anyone but a department filer or head: the ``own=True`` of the ``*_get_for_user`` selectors, for
    the department's own actions on an object everyone in scope may read."""
    if user.role not in DEPARTMENT_ROLES or user.department_id is None:
        return queryset.none()
    return queryset.filter(**{field: user.department_id})
