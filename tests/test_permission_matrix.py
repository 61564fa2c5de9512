"""The permission matrix: every URL of the project × every role (and anonymous) × its methods.

docs/security.md, Authorization: least privilege per role, another department's object answers 404,
and "one permission matrix test covers every URL × role × method". Each row below names a URL
(by its name), a method, the roles allowed and, for department data, whose department the
object belongs to. For every role the expected status follows from the row:

- anonymous: HTML pages send to the login page (302), the API answers 401, public rows answer;
- a role not allowed: 403;
- an allowed department user (filer, dept_head of 教育局; filer2 of 水利局) on another
  department's object: 404 (its existence is not revealed);
- an allowed role: 200 for a read (or the row's own statuses), and for a write any answer
  that shows the permission passed: 2xx, a redirect, or a 400/409 for the harmless body sent.

Every request runs in a savepoint that is rolled back, so each one sees the same world and a
write in one row never changes the next. ``test_every_url_is_in_the_matrix`` fails when a URL
pattern of the project is missing here; the admin site's model pages are covered by one rule.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest
from django.conf import settings
from django.contrib import admin
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from core.roles import ROLE_ADMIN_APPS, Role
from tests.security.world import YEAR, build_world

pytestmark = pytest.mark.django_db

ROLES: list[str | None] = [r.value for r in Role] + ["filer2", None]
ALL = frozenset(r for r in ROLES if r)
DEPT = frozenset({"filer", "dept_head", "filer2"})  # filer, dept_head: 教育局 (edu); filer2: 水利局 (water)
HEAD = frozenset({"dept_head"})
SUP = frozenset({"supervisor"})
FIN = frozenset({"finance"})
SURVEYOR = frozenset({"surveyor"})
AUDITOR = frozenset({"auditor"})
SEC = frozenset({"security_admin"})
SURVEY_MANAGERS = SUP | SURVEYOR
REFERENCE = ALL - AUDITOR - SEC  # organizations.read_reference and indicators.read_library
TOKENS = ALL - AUDITOR
NOTIFIED = DEPT | {"supervisor", "finance", "surveyor", "leader", "admin", "evaluator"}
READ_ALL_REPORTS = frozenset({"supervisor", "leader"})
READ_ALL_SCORES = frozenset({"supervisor", "finance", "leader", "api_client"})
SCORES = DEPT | READ_ALL_SCORES
READ_ALL_BUDGETS = READ_ALL_SCORES
BUDGETS = DEPT | READ_ALL_BUDGETS
RESULTS = frozenset({"supervisor", "finance", "surveyor", "leader", "api_client"})
DASHBOARD = DEPT | {"supervisor", "finance", "leader"}
LEADERS = frozenset({"supervisor", "finance", "leader"})
PUBLIC = ALL | {None}
ISSUERS = SUP | FIN  # rectification: raise items and decide on the closure of their own
RECTIFICATION = DEPT | LEADERS
EVAL = frozenset({"evaluator"})
WORKERS = FIN | EVAL  # finance and the third-party evaluation firm (its own assigned work)
APPRAISAL_READERS = BUDGETS | EVAL
CALENDAR = frozenset({"admin"})  # the working calendar: kept by the system administrator
# ... and read by every business role (reference data), not the security or audit administrator.
CALENDAR_READ = ALL - {"security_admin", "auditor"}

WRITE_OK = frozenset({200, 201, 204, 302, 400, 409})
OWN_DEPARTMENT = {"filer": "edu", "dept_head": "edu", "filer2": "water"}


@dataclasses.dataclass(frozen=True)
class Row:
    name: str
    method: str
    who: frozenset
    kwargs: Callable = lambda w: {}
    dept: str | None = None  # the department whose object the URL names
    ok: frozenset | None = None  # statuses of an allowed role (default: 200 for reads, WRITE_OK for writes)
    query: str = ""
    data: dict | None = None
    special: dict | None = None  # role → statuses, where the general rule does not apply
    hidden: frozenset = frozenset()  # roles that may use the URL but can see no such object: 404
    fmt: str = "json"  # request body format of API writes

    @property
    def api(self) -> bool:
        return ":" not in self.name and self.name not in HTML_WITHOUT_NAMESPACE

    def expected(self, role: str | None) -> frozenset:
        if self.special and role in self.special:
            return frozenset(self.special[role])
        if role is None and None not in self.who:
            return frozenset({401}) if self.api else frozenset({302})
        if role in self.hidden:
            return frozenset({404})
        if role not in self.who:
            return frozenset({403})
        if self.dept and role in OWN_DEPARTMENT and OWN_DEPARTMENT[role] != self.dept:
            return frozenset({404})
        if self.ok is not None:
            return self.ok
        return frozenset({200}) if self.method == "get" else WRITE_OK


HTML_WITHOUT_NAMESPACE = {
    "home",
    "login",
    "logout",
    "password_change",
    "otp_verify",
    "otp_setup",
    "admin-login",
    "set_language",
    "javascript-catalog",
}


def R(name, method, who, kwargs=None, hidden=(), **extra) -> Row:
    return Row(name, method, frozenset(who), kwargs or (lambda w: {}), hidden=frozenset(hidden), **extra)


def _revision(w):
    return {"pk": w["project_approved"].pk, "number": w["adjustment"].number}


def pk(key, field="pk"):
    return lambda w: {field: w[key].pk}


def _rect_evidence(w):
    return {"pk": w["rect_edu"].pk, "evidence_id": w["rect_evidence_edu"].pk}


def _from_warning(w):
    return {"source": "monitoring_warning", "source_id": w["warning"].pk}


EITHER = frozenset({200, 302})
REDIRECT = frozenset({302})
# Roles that hold no right over the department data named by the URL see none of it: 404.
NO_REPORTS = ALL - DEPT - READ_ALL_REPORTS
NO_SCORES = ALL - SCORES

MATRIX: list[Row] = [
    # --- Sign-in, account and shared pages -------------------------------------------------
    R("home", "get", ALL),
    R("login", "get", PUBLIC, ok=EITHER),
    R("login", "post", PUBLIC, ok=frozenset({200, 302, 400})),
    R("logout", "post", PUBLIC, ok=REDIRECT),
    R("password_change", "get", ALL),
    R("password_change", "post", ALL),
    R("otp_verify", "get", ALL, ok=EITHER),
    R("otp_verify", "post", ALL, ok=EITHER),
    R("otp_setup", "get", ALL, ok=EITHER),
    R("otp_setup", "post", ALL, ok=EITHER),
    # Signed-in users are refused (403) rather than sent round in circles; visitors go to the login page.
    R("admin-login", "get", {None}, ok=REDIRECT),
    R("set_language", "post", PUBLIC, ok=REDIRECT, data={"language": "en", "next": "/"}),
    R("javascript-catalog", "get", PUBLIC),
    R("notifications:list", "get", ALL),
    R("notifications:list", "post", ALL, ok=REDIRECT),
    # --- Organizations: departments, tokens, account, security administration --------------
    R("organizations:department_list", "get", REFERENCE),
    R("organizations:token_list", "get", TOKENS),
    R("organizations:token_list", "post", TOKENS),
    # The filer's own token: its owner and the security administrator may revoke it; to anyone
    # else it does not exist.
    R(
        "organizations:token_revoke",
        "post",
        TOKENS,
        pk("token"),
        special={r: {404} for r in TOKENS - {"filer", "security_admin"}},
    ),
    R("organizations:account", "get", ALL),
    R("organizations:otp_remove", "post", ALL, ok=REDIRECT),
    R("organizations:security", "get", SEC),
    R("organizations:unlock", "post", SEC),
    R("organizations:otp_reset", "post", SEC, lambda w: {"pk": w.users["filer"].pk}),
    R("organizations:otp_enrolment_issue", "post", SEC, lambda w: {"pk": w.users["supervisor"].pk}),
    # --- Indicator library ----------------------------------------------------------------
    R("indicators:library_list", "get", REFERENCE),
    R("indicators:library_list", "post", SUP, special={r: {403} for r in REFERENCE - SUP}),
    R("indicators:library_detail", "get", REFERENCE, lambda w: {"year": YEAR}),
    R("indicators:indicator_create", "get", SUP, lambda w: {"year": YEAR}),
    R("indicators:indicator_create", "post", SUP, lambda w: {"year": YEAR}),
    R("indicators:indicator_detail", "get", REFERENCE, lambda w: {"year": YEAR, "pk": _ind(w).pk}),
    R("indicators:indicator_edit", "get", SUP, lambda w: {"year": YEAR, "pk": _ind(w).pk}),
    R("indicators:indicator_edit", "post", SUP, lambda w: {"year": YEAR, "pk": _ind(w).pk}),
    R("indicators:indicator_retire", "post", SUP, lambda w: {"year": YEAR, "pk": _ind(w).pk}),
    R("indicators:category_create", "get", SUP, lambda w: {"year": YEAR}),
    R("indicators:category_create", "post", SUP, lambda w: {"year": YEAR}),
    R("indicators:category_edit", "get", SUP, lambda w: {"year": YEAR, "pk": _cat(w).pk}),
    R("indicators:category_edit", "post", SUP, lambda w: {"year": YEAR, "pk": _cat(w).pk}),
    R("indicators:rule_create", "get", SUP, lambda w: {"year": YEAR}),
    R("indicators:rule_create", "post", SUP, lambda w: {"year": YEAR}),
    R("indicators:rule_edit", "get", SUP, lambda w: {"year": YEAR, "pk": _rule(w).pk}),
    R("indicators:rule_edit", "post", SUP, lambda w: {"year": YEAR, "pk": _rule(w).pk}),
    R("indicators:rule_retire", "post", SUP, lambda w: {"year": YEAR, "pk": _rule(w).pk}),
    R("indicators:grade_create", "get", SUP, lambda w: {"year": YEAR}),
    R("indicators:grade_create", "post", SUP, lambda w: {"year": YEAR}),
    R("indicators:grade_edit", "get", SUP, lambda w: {"year": YEAR, "pk": _band(w).pk}),
    R("indicators:grade_edit", "post", SUP, lambda w: {"year": YEAR, "pk": _band(w).pk}),
    # --- Assessments: reporting -----------------------------------------------------------
    R("assessments:dashboard", "get", DEPT),
    R("assessments:report_open", "get", DEPT, lambda w: {"year": YEAR, "number": 4}, ok=REDIRECT),
    R("assessments:report_detail", "get", DEPT | READ_ALL_REPORTS, pk("q4_edu"), dept="edu", hidden=NO_REPORTS),
    R("assessments:report_detail", "get", DEPT | READ_ALL_REPORTS, pk("q4_water"), dept="water", hidden=NO_REPORTS),
    R("assessments:report_print", "get", DEPT | READ_ALL_REPORTS, pk("q3_edu"), dept="edu", hidden=NO_REPORTS),
    R("assessments:report_print", "get", DEPT | READ_ALL_REPORTS, pk("q3_water"), dept="water", hidden=NO_REPORTS),
    R(
        "assessments:report_print",
        "get",
        DEPT | READ_ALL_REPORTS,
        pk("q3_edu"),
        dept="edu",
        hidden=NO_REPORTS,
        query="?format=xlsx",
    ),
    R("assessments:entry_save", "post", DEPT, lambda w: _entry(w, "edu"), dept="edu"),
    R("assessments:entry_save", "post", DEPT, lambda w: _entry(w, "water"), dept="water"),
    R("assessments:evidence_upload", "post", DEPT, lambda w: _entry(w, "edu"), dept="edu"),
    R("assessments:entry_review", "post", SUP, lambda w: _review_entry(w)),
    R("assessments:report_submit", "post", DEPT, pk("q4_edu"), dept="edu"),
    R("assessments:report_withdraw", "post", DEPT, pk("q4_edu"), dept="edu"),
    R("assessments:report_signoff", "post", HEAD, pk("q4_edu"), dept="edu"),
    R("assessments:report_decision", "post", SUP, pk("q3_water")),
    R(
        "assessments:revision",
        "get",
        DEPT | READ_ALL_REPORTS,
        lambda w: {"pk": w["q3_edu"].pk, "number": 1},
        dept="edu",
        hidden=NO_REPORTS,
    ),
    R(
        "assessments:evidence_download",
        "get",
        DEPT | READ_ALL_REPORTS,
        pk("evidence_edu"),
        dept="edu",
        hidden=NO_REPORTS,
    ),
    R(
        "assessments:evidence_download",
        "get",
        DEPT | READ_ALL_REPORTS,
        pk("evidence_water"),
        dept="water",
        hidden=NO_REPORTS,
    ),
    R("assessments:evidence_remove", "post", DEPT, pk("evidence_edu"), dept="edu"),
    R("assessments:review_queue", "get", READ_ALL_REPORTS),
    R("assessments:health", "get", READ_ALL_REPORTS),
    R("assessments:health_urge", "post", SUP, ok=WRITE_OK | {404}),
    # --- Assessments: the plan --------------------------------------------------------------
    R("assessments:plan_list", "get", READ_ALL_REPORTS),
    # No library without a plan exists, so the permitted POST names none: 404 after the permission check.
    R("assessments:plan_list", "post", SUP, ok=WRITE_OK | {404}),
    R("assessments:plan_detail", "get", READ_ALL_REPORTS, lambda w: {"year": YEAR}),
    R("assessments:plan_detail", "post", SUP, lambda w: {"year": YEAR}, special={"leader": {403}}),
    R("assessments:assignment_edit", "get", SUP, lambda w: {"year": YEAR, "pk": w["assignment_edu"].pk}),
    R("assessments:assignment_edit", "post", SUP, lambda w: {"year": YEAR, "pk": w["assignment_edu"].pk}),
    R("assessments:quarter_reopen", "post", SUP, pk("q3")),
    # --- Assessments: scores, appeals, events -------------------------------------------------
    R("assessments:scores", "get", SCORES),
    R("assessments:scores_action", "post", SUP, lambda w: {"year": YEAR}),
    R("assessments:scores_publish", "get", SUP, lambda w: {"year": YEAR}, query="?period=Q3"),
    R("assessments:scores_publish", "post", SUP, lambda w: {"year": YEAR}, data={"period": "Q3"}),
    R("assessments:exemptions", "post", SUP),
    R("assessments:recompute_status", "get", SCORES, lambda w: {"year": YEAR}),
    # Published (annual) scores are public to every department; unpublished (Q3) ones to their own.
    R("assessments:score_detail", "get", SCORES, lambda w: _score(w, "edu")),
    R("assessments:score_detail", "get", SCORES, lambda w: _score(w, "edu", "Q3"), dept="edu"),
    R("assessments:score_detail", "get", SCORES, lambda w: _score(w, "water", "Q3"), dept="water"),
    R("assessments:score_print", "get", SCORES, lambda w: _score(w, "edu")),
    R("assessments:score_print", "get", SCORES, lambda w: _score(w, "edu"), query="?format=xlsx"),
    R("assessments:score_print", "get", SCORES, lambda w: _score(w, "edu", "Q3"), dept="edu"),
    R("assessments:score_print", "get", SCORES, lambda w: _score(w, "water", "Q3"), dept="water"),
    # The notice of a published period is readable wherever published scores are; none for Q3.
    R("assessments:notice", "get", SCORES, lambda w: {"year": YEAR}, query="?period=annual"),
    R("assessments:notice", "get", SCORES, lambda w: {"year": YEAR}, query="?period=annual&format=xlsx"),
    R("assessments:notice", "get", SCORES, lambda w: {"year": YEAR}, query="?period=Q3", ok=frozenset({404})),
    R("assessments:appeal_file", "post", DEPT, lambda w: _score(w, "edu")),
    R("assessments:appeals", "get", SCORES),
    R("assessments:appeal_detail", "get", SCORES, pk("appeal_edu"), dept="edu", hidden=NO_SCORES),
    R("assessments:appeal_detail", "get", SCORES, pk("appeal_water"), dept="water", hidden=NO_SCORES),
    R("assessments:appeal_detail", "post", SUP, pk("appeal_edu")),
    R("assessments:appeal_evidence", "get", SCORES, pk("appeal_edu"), dept="edu", hidden=NO_SCORES),
    R("assessments:events", "get", READ_ALL_SCORES),
    R("assessments:events", "get", READ_ALL_SCORES, query="?department=edu&status=in_force&format=xlsx"),
    R("assessments:events", "post", SUP, data={"year": YEAR}),
    R("assessments:event_evidence", "get", DEPT | READ_ALL_SCORES, pk("event_edu"), dept="edu", hidden=NO_SCORES),
    R("assessments:event_evidence", "get", DEPT | READ_ALL_SCORES, pk("event_water"), dept="water", hidden=NO_SCORES),
    R("assessments:grades", "get", SUP),
    # No assignment named: 404 once the permission has passed.
    R("assessments:grades", "post", SUP, data={"assignment": 0}, ok=frozenset({404})),
    R("assessments:crosscheck", "get", READ_ALL_SCORES),
    # --- Budgets ---------------------------------------------------------------------------
    R("budgets:project_list", "get", BUDGETS),
    R("budgets:project_create", "get", DEPT),
    R("budgets:project_create", "post", DEPT),
    R("budgets:review_queue", "get", FIN),
    R("budgets:import", "get", DEPT | FIN),
    R("budgets:import", "post", DEPT | FIN),
    R("budgets:import_template", "get", DEPT | FIN),
    R("budgets:project_detail", "get", BUDGETS, pk("project_approved"), dept="edu"),
    R("budgets:project_detail", "get", BUDGETS, pk("project_water"), dept="water"),
    R("budgets:project_edit", "get", DEPT, pk("project_draft"), dept="edu"),
    R("budgets:project_edit", "post", DEPT, pk("project_draft"), dept="edu"),
    R("budgets:project_submit", "post", DEPT, pk("project_draft"), dept="edu"),
    R("budgets:project_return", "post", FIN, pk("project_submitted")),
    R("budgets:project_approve", "post", FIN, pk("project_submitted")),
    R("budgets:target_create", "get", DEPT, pk("project_draft"), dept="edu"),
    R("budgets:target_create", "post", DEPT, pk("project_draft"), dept="edu"),
    R("budgets:target_edit", "get", DEPT, lambda w: _target(w, "project_draft", "target"), dept="edu"),
    R("budgets:target_edit", "post", DEPT, lambda w: _target(w, "project_draft", "target"), dept="edu"),
    R("budgets:target_edit", "get", DEPT, lambda w: _target(w, "project_water", "target_water"), dept="water"),
    R("budgets:target_delete", "post", DEPT, lambda w: _target(w, "project_draft", "target"), dept="edu"),
    R(
        "budgets:revision_detail",
        "get",
        BUDGETS,
        lambda w: {"pk": w["project_submitted"].pk, "number": 1},
        dept="edu",
    ),
    R("budgets:spending_create", "post", FIN, pk("project_approved")),
    R("budgets:tranche_create", "get", FIN, pk("project_approved")),
    R("budgets:tranche_create", "post", FIN, pk("project_approved")),
    R("budgets:tranche_release", "post", FIN, lambda w: _target(w, "project_approved", "tranche_held")),
    R("budgets:actuals", "post", FIN, pk("project_approved")),
    R("budgets:evaluate", "post", FIN, pk("project_approved")),
    R(
        "budgets:evaluation_confirm",
        "post",
        FIN,
        lambda w: {"pk": w["project_approved"].pk, "number": w["evaluation"].number},
    ),
    R(
        "budgets:evaluation_publish",
        "post",
        FIN,
        lambda w: {"pk": w["project_approved"].pk, "number": w["evaluation"].number},
    ),
    R("budgets:evaluation_list", "get", BUDGETS),
    R("monitoring:execution", "get", BUDGETS),
    R("monitoring:warning_list", "get", BUDGETS),
    R("monitoring:warning_detail", "get", BUDGETS, pk("warning"), dept="edu"),
    R("monitoring:warning_respond", "post", DEPT, pk("warning"), dept="edu"),
    R("monitoring:pause_lift", "post", FIN, pk("warning")),
    R("monitoring:warning_reallocation", "get", DEPT, pk("warning"), dept="edu"),
    R("monitoring:warning_reallocation", "post", DEPT, pk("warning"), dept="edu"),
    R("budgets:reallocation_list", "get", BUDGETS),
    R("budgets:reallocation_detail", "get", BUDGETS, pk("reallocation"), dept="edu"),
    R("budgets:reallocation_approve", "post", FIN, pk("reallocation")),
    R("budgets:reallocation_return", "post", FIN, pk("reallocation")),
    R("budgets:reallocation_resubmit", "post", DEPT, pk("reallocation"), dept="edu"),
    # --- Rectification ledger ---------------------------------------------------------------
    R("rectification:item_list", "get", RECTIFICATION),
    R("rectification:item_export", "get", RECTIFICATION),
    R("rectification:item_create", "get", ISSUERS),
    R("rectification:item_create", "post", ISSUERS),
    R("rectification:item_create_from", "get", ISSUERS, _from_warning),
    R("rectification:item_create_from", "post", ISSUERS, _from_warning),
    R("rectification:item_detail", "get", RECTIFICATION, pk("rect_edu"), dept="edu"),
    R("rectification:item_detail", "get", RECTIFICATION, pk("rect_water"), dept="water"),
    R("rectification:item_progress", "post", DEPT, pk("rect_edu"), dept="edu"),
    R("rectification:item_evidence", "post", DEPT, pk("rect_edu"), dept="edu"),
    R("rectification:evidence_download", "get", RECTIFICATION, _rect_evidence, dept="edu"),
    R("rectification:item_submit", "post", DEPT, pk("rect_edu"), dept="edu"),
    R("rectification:item_close", "post", ISSUERS, pk("rect_edu")),
    R("rectification:item_reject", "post", ISSUERS, pk("rect_edu")),
    R("budgets:recommendation_list", "get", READ_ALL_BUDGETS),
    R("budgets:recommendation_generate", "post", FIN),
    R("budgets:recommendation_export", "get", READ_ALL_BUDGETS),
    R("budgets:recommendation_decide", "post", FIN, pk("recommendation")),
    # Ex-ante assessments, work packages and key evaluations. The work in the world is the firm's, in
    # progress: departments (who read only concluded work on their own projects) see none of it.
    R("budgets:appraisal_home", "get", WORKERS),
    R("budgets:key_gaps", "get", FIN),
    R("budgets:package_create", "get", FIN),
    R("budgets:package_create", "post", FIN),
    R("budgets:package_detail", "get", WORKERS, pk("package")),
    R("budgets:package_edit", "post", FIN, pk("package")),
    R("budgets:exante_start", "post", WORKERS, pk("project_big"), data={"package": "?"}),
    R("budgets:key_start", "post", WORKERS, pk("project_approved"), data={"package": "?"}),
    R("budgets:exante_detail", "get", APPRAISAL_READERS, pk("exante"), hidden=DEPT),
    R("budgets:exante_report", "get", APPRAISAL_READERS, pk("exante"), hidden=DEPT),
    R("budgets:exante_import", "get", WORKERS, pk("exante")),
    R("budgets:exante_import", "post", WORKERS, pk("exante")),
    R("budgets:exante_import_template", "get", WORKERS, pk("exante")),
    R("budgets:appraisal_evidence", "get", APPRAISAL_READERS, pk("appraisal_evidence"), hidden=DEPT),
    R("budgets:exante_edit", "post", WORKERS, pk("exante")),
    R("budgets:exante_evidence", "post", WORKERS, pk("exante")),
    R("budgets:exante_submit", "post", WORKERS, pk("exante")),
    R("budgets:exante_review", "post", FIN, pk("exante")),
    R("budgets:key_detail", "get", APPRAISAL_READERS, pk("key"), hidden=DEPT),
    R("budgets:key_report", "get", APPRAISAL_READERS, pk("key"), hidden=DEPT),
    R("budgets:appraisal_evidence", "get", APPRAISAL_READERS, pk("key_evidence"), hidden=DEPT),
    R("budgets:key_edit", "post", WORKERS, pk("key")),
    R("budgets:key_evidence", "post", WORKERS, pk("key")),
    R("budgets:key_submit", "post", WORKERS, pk("key")),
    R("budgets:key_review", "post", FIN, pk("key")),
    R("budgets:policy_list", "get", BUDGETS),
    R("budgets:policy_edit", "get", BUDGETS, lambda w: {"year": YEAR}),
    R("budgets:policy_edit", "post", FIN, lambda w: {"year": YEAR}, special={r: {403} for r in BUDGETS - FIN}),
    # Department-wide spending performance and disclosure decisions.
    R("budgets:department_list", "get", BUDGETS),
    R("budgets:department_policy", "get", BUDGETS, lambda w: {"year": YEAR}),
    R("budgets:department_policy", "post", FIN, lambda w: {"year": YEAR}, special={r: {403} for r in BUDGETS - FIN}),
    R("budgets:department_create", "post", DEPT),
    R("budgets:department_detail", "get", BUDGETS, pk("dsheet_approved"), dept="edu"),
    R("budgets:department_detail", "get", BUDGETS, pk("dsheet_water"), dept="water"),
    R("budgets:department_submit", "post", DEPT, pk("dsheet_draft"), dept="edu"),
    R("budgets:department_target_create", "post", DEPT, pk("dsheet_draft"), dept="edu"),
    R(
        "budgets:department_target_delete",
        "post",
        DEPT,
        lambda w: {"pk": w["dsheet_draft"].pk, "tid": w["dtarget"].pk},
        dept="edu",
    ),
    R("budgets:department_return", "post", FIN, pk("dsheet_submitted")),
    R("budgets:department_approve", "post", FIN, pk("dsheet_submitted")),
    R("budgets:department_actuals", "post", FIN, pk("dsheet_approved")),
    R("budgets:department_evaluate", "post", FIN, pk("dsheet_approved")),
    R(
        "budgets:department_evaluation_confirm",
        "post",
        FIN,
        lambda w: {"pk": w["dsheet_approved"].pk, "number": w["devaluation"].number},
    ),
    R(
        "budgets:department_evaluation_publish",
        "post",
        FIN,
        lambda w: {"pk": w["dsheet_approved"].pk, "number": w["devaluation"].number},
    ),
    R("budgets:department_disclosure", "post", FIN, pk("dsheet_approved")),
    R("budgets:disclosure_list", "get", BUDGETS),
    R("budgets:disclosure_list", "post", FIN),
    R("budgets:adjustment_create", "get", DEPT, pk("project_approved"), dept="edu"),
    R("budgets:adjustment_create", "post", DEPT, pk("project_approved"), dept="edu"),
    R("budgets:adjustment_detail", "get", BUDGETS, lambda w: _revision(w), dept="edu"),
    R("budgets:adjustment_approve", "post", FIN, lambda w: _revision(w)),
    R("budgets:adjustment_return", "post", FIN, lambda w: _revision(w)),
    R("budgets:versions", "get", BUDGETS, pk("project_approved"), dept="edu"),
    R("budgets:sheet_quality", "get", BUDGETS, pk("project_submitted"), dept="edu"),
    R("budgets:sheet_quality", "post", FIN, pk("project_submitted")),
    R("budgets:library", "get", BUDGETS),
    R("budgets:library_detail", "get", BUDGETS, pk("library_indicator")),
    R("budgets:library_create", "get", FIN),
    R("budgets:library_import", "get", FIN),
    R("budgets:library_import", "post", FIN),
    R("budgets:library_import_template", "get", FIN),
    R("budgets:library_create", "post", FIN),
    R("budgets:library_edit", "get", FIN, pk("library_indicator")),
    R("budgets:library_edit", "post", FIN, pk("library_indicator")),
    R("budgets:library_retire", "post", FIN, pk("library_indicator")),
    # --- Satisfaction ------------------------------------------------------------------------
    R("satisfaction:survey_list", "get", RESULTS),
    R("satisfaction:survey_create", "get", SURVEY_MANAGERS),
    R("satisfaction:survey_create", "post", SURVEY_MANAGERS),
    R("satisfaction:interview_start", "get", SURVEYOR),
    R("satisfaction:survey_detail", "get", SURVEY_MANAGERS, pk("survey")),
    R("satisfaction:survey_edit", "get", SURVEY_MANAGERS, pk("survey_draft")),
    R("satisfaction:survey_edit", "post", SURVEY_MANAGERS, pk("survey_draft")),
    R("satisfaction:survey_open", "post", SURVEY_MANAGERS, pk("survey_draft")),
    R("satisfaction:survey_close", "post", SURVEY_MANAGERS, pk("survey")),
    R("satisfaction:area_create", "get", SURVEY_MANAGERS, pk("survey_draft")),
    R("satisfaction:area_create", "post", SURVEY_MANAGERS, pk("survey_draft")),
    R("satisfaction:area_standard", "post", SURVEY_MANAGERS, pk("survey_draft")),
    R("satisfaction:area_edit", "get", SURVEY_MANAGERS, lambda w: _area(w)),
    R("satisfaction:area_edit", "post", SURVEY_MANAGERS, lambda w: _area(w)),
    R("satisfaction:area_delete", "post", SURVEY_MANAGERS, lambda w: _area(w)),
    R("satisfaction:question_create", "get", SURVEY_MANAGERS, pk("survey_draft")),
    R("satisfaction:question_create", "post", SURVEY_MANAGERS, pk("survey_draft")),
    R("satisfaction:question_edit", "get", SURVEY_MANAGERS, lambda w: _question(w, "question")),
    R("satisfaction:question_edit", "post", SURVEY_MANAGERS, lambda w: _question(w, "question")),
    R("satisfaction:question_delete", "post", SURVEY_MANAGERS, lambda w: _question(w, "question")),
    R("satisfaction:text_answers", "get", SURVEY_MANAGERS, lambda w: _question(w, "text_question")),
    R("satisfaction:quotas", "get", SURVEY_MANAGERS, pk("survey")),
    R("satisfaction:quotas", "post", SURVEY_MANAGERS, pk("survey")),
    R(
        "satisfaction:region_toggle",
        "post",
        SURVEY_MANAGERS,
        lambda w: {"pk": w["survey"].pk, "sr_id": w["sr_west"].pk},
    ),
    R("satisfaction:codes", "get", SURVEY_MANAGERS, pk("survey")),
    R("satisfaction:codes", "post", SURVEY_MANAGERS, pk("survey")),
    R("satisfaction:batch_void", "post", SURVEY_MANAGERS, lambda w: {"pk": w["survey"].pk, "batch_id": w["batch"].pk}),
    R("satisfaction:quota_board", "get", SURVEY_MANAGERS, pk("survey")),
    R("satisfaction:quota_board_live", "get", SURVEY_MANAGERS, pk("survey")),
    R("satisfaction:interview", "get", SURVEYOR, pk("survey")),
    R("satisfaction:interview", "post", SURVEYOR, pk("survey")),
    R("satisfaction:results", "get", RESULTS, pk("survey")),
    R("satisfaction:results_export", "get", RESULTS, pk("survey")),
    # The public answer pages: no account needed, the same answer for every visitor.
    R("satisfaction:public_survey", "get", PUBLIC, lambda w: {"key": w["survey"].public_key}),
    R(
        "satisfaction:public_survey",
        "post",
        PUBLIC,
        lambda w: {"key": w["survey"].public_key},
        ok=frozenset({404}),  # a survey answered with one-time codes takes answers only under a code's address
    ),
    R("satisfaction:public_thanks", "get", PUBLIC, lambda w: {"key": w["survey"].public_key}),
    R("satisfaction:public_code", "get", PUBLIC, lambda w: {"key": w["survey"].public_key, "code": w["code"]}),
    R(
        "satisfaction:public_code",
        "post",
        PUBLIC,
        lambda w: {"key": w["survey"].public_key, "code": w["code"]},
        ok=frozenset({200, 400}),
    ),
    # --- Audit (the audit administrator; the retention also for the security administrator) ----
    R("audit:event_list", "get", AUDITOR),
    R("audit:event_export", "get", AUDITOR),
    R("audit:event_detail", "get", AUDITOR, pk("audit_event")),
    R("audit:retention", "get", AUDITOR | SEC),
    R("audit:retention", "post", AUDITOR | SEC),
    # --- Dashboards and printable reports ---------------------------------------------------------
    R("dashboards:leader", "get", DASHBOARD, special={r: {302} for r in DEPT}),
    R("dashboards:export", "get", LEADERS, lambda w: {"key": "rankings", "fmt": "xlsx"}),
    R("dashboards:department_home", "get", DASHBOARD, ok=REDIRECT),
    R("dashboards:department", "get", DASHBOARD, lambda w: {"code": "edu"}, dept="edu"),
    R("dashboards:department", "get", DASHBOARD, lambda w: {"code": "water"}, dept="water"),
    R(
        "dashboards:department_export",
        "get",
        DASHBOARD,
        lambda w: {"code": "edu", "key": "radar", "fmt": "csv"},
        dept="edu",
    ),
    R("dashboards:report_index", "get", DASHBOARD),
    R("dashboards:city_report", "get", LEADERS, lambda w: {"year": YEAR}),
    R("dashboards:department_report", "get", DASHBOARD, lambda w: {"year": YEAR, "code": "edu"}, dept="edu"),
    R("dashboards:department_report", "get", DASHBOARD, lambda w: {"year": YEAR, "code": "water"}, dept="water"),
    # --- Public disclosure (no login) ---------------------------------------------------------------
    R("public:index", "get", PUBLIC),
    R("public:year", "get", PUBLIC, lambda w: {"year": YEAR}),
    R("public:method", "get", PUBLIC, lambda w: {"year": YEAR}),
    R("public:download", "get", PUBLIC, lambda w: {"year": YEAR, "key": "scores", "fmt": "xlsx"}),
    R("public:department", "get", PUBLIC, lambda w: {"year": YEAR, "code": "edu"}),
    R(
        "public:department_download",
        "get",
        PUBLIC,
        lambda w: {"year": YEAR, "code": "edu", "key": "targets", "fmt": "csv"},
    ),
    R("public:disclosure", "get", PUBLIC, lambda w: {"year": YEAR, "page": "targets"}),
    R("public:disclosure_download", "get", PUBLIC, lambda w: {"year": YEAR, "page": "self-evaluations"}),
    # --- API: authentication, reference data ---------------------------------------------------------
    R("auth-token", "post", PUBLIC, ok=frozenset({400})),
    R("me", "get", ALL),
    R("department-list", "get", REFERENCE),
    R("department-detail", "get", REFERENCE, lambda w: {"code": "water"}),
    R("group-list", "get", REFERENCE),
    R("group-detail", "get", REFERENCE, lambda w: {"code": "social"}),
    R("region-list", "get", REFERENCE),
    R("region-detail", "get", REFERENCE, lambda w: {"code": "east"}),
    R("token-list", "get", TOKENS),
    R("token-list", "post", TOKENS, ok=frozenset({201, 400})),
    R("token-revoke", "post", TOKENS, pk("token"), special={r: {404} for r in TOKENS - {"filer", "security_admin"}}),
    # --- API: indicator library ---------------------------------------------------------------------
    R("library-list", "get", REFERENCE),
    R("library-detail", "get", REFERENCE, lambda w: {"year": YEAR}),
    R("category-list", "get", REFERENCE),
    R("category-list", "post", SUP, special={r: {403} for r in REFERENCE - SUP}),
    R("category-detail", "get", REFERENCE, lambda w: {"pk": _cat(w).pk}),
    R("category-detail", "put", SUP, lambda w: {"pk": _cat(w).pk}),
    R("category-detail", "patch", SUP, lambda w: {"pk": _cat(w).pk}),
    R("indicator-list", "get", REFERENCE),
    R("indicator-list", "post", SUP),
    R("indicator-detail", "get", REFERENCE, lambda w: {"pk": _ind(w).pk}),
    R("indicator-detail", "put", SUP, lambda w: {"pk": _ind(w).pk}),
    R("indicator-detail", "patch", SUP, lambda w: {"pk": _ind(w).pk}),
    R("indicator-retire", "post", SUP, lambda w: {"pk": _ind(w).pk}),
    R("rule-list", "get", REFERENCE),
    R("rule-list", "post", SUP),
    R("rule-detail", "get", REFERENCE, lambda w: {"pk": _rule(w).pk}),
    R("rule-detail", "put", SUP, lambda w: {"pk": _rule(w).pk}),
    R("rule-detail", "patch", SUP, lambda w: {"pk": _rule(w).pk}),
    R("rule-retire", "post", SUP, lambda w: {"pk": _rule(w).pk}),
    R("grade-band-list", "get", REFERENCE),
    R("grade-band-list", "post", SUP),
    R("grade-band-detail", "get", REFERENCE, lambda w: {"pk": _band(w).pk}),
    R("grade-band-detail", "put", SUP, lambda w: {"pk": _band(w).pk}),
    R("grade-band-detail", "patch", SUP, lambda w: {"pk": _band(w).pk}),
    # --- API: plans, assignments, reports, entries ----------------------------------------------------
    R("plan-list", "get", REFERENCE),
    R("plan-detail", "get", REFERENCE, lambda w: {"year": YEAR}),
    R("assignment-list", "get", REFERENCE),
    R(
        "assignment-detail",
        "get",
        DEPT | READ_ALL_REPORTS,
        pk("assignment_edu"),
        dept="edu",
        hidden=REFERENCE - DEPT - READ_ALL_REPORTS,
    ),
    R("assignment-grade", "post", SUP, pk("assignment_grade")),
    R("report-list", "get", DEPT | READ_ALL_REPORTS),
    R("report-list", "post", DEPT, ok=frozenset({201, 400, 404})),
    R("report-detail", "get", DEPT | READ_ALL_REPORTS, pk("q4_edu"), dept="edu"),
    R("report-detail", "get", DEPT | READ_ALL_REPORTS, pk("q4_water"), dept="water"),
    R("report-submit", "post", DEPT, pk("q4_edu"), dept="edu"),
    R("report-withdraw", "post", DEPT, pk("q4_edu"), dept="edu"),
    R("report-signoff", "post", HEAD, pk("q4_edu"), dept="edu"),
    R("report-approve", "post", SUP, pk("q3_water")),
    R("report-return-report", "post", SUP, pk("q3_water")),
    R("report-complete", "post", SUP, pk("q3_water")),
    R("entry-detail", "get", DEPT | READ_ALL_REPORTS, pk("entry_edu"), dept="edu"),
    R("entry-detail", "get", DEPT | READ_ALL_REPORTS, pk("entry_water"), dept="water"),
    R("entry-detail", "patch", DEPT, pk("entry_edu"), dept="edu"),
    R("entry-evidence", "post", DEPT, pk("entry_edu"), dept="edu"),
    R("entry-review", "post", SUP, lambda w: {"pk": _review_entry(w)["entry_pk"]}),
    R("reporting-health", "get", READ_ALL_REPORTS),
    # --- API: scores, events, appeals -------------------------------------------------------------
    R("score-list", "get", SCORES),
    R("score-detail", "get", SCORES, lambda w: _score(w, "edu")),
    R("score-detail", "get", SCORES, lambda w: _score(w, "edu", "Q3"), dept="edu"),
    R("score-detail", "get", SCORES, lambda w: _score(w, "water", "Q3"), dept="water"),
    R("event-list", "get", SCORES),
    R("event-list", "post", SUP, special={r: {403} for r in SCORES - SUP}),
    R("event-detail", "get", SCORES, pk("event_edu"), dept="edu"),
    R("event-detail", "get", SCORES, pk("event_water"), dept="water"),
    R("event-void", "post", SUP, pk("event_edu")),
    R("appeal-list", "get", SCORES),
    R("appeal-list", "post", DEPT),
    R("appeal-detail", "get", SCORES, pk("appeal_edu"), dept="edu"),
    R("appeal-detail", "get", SCORES, pk("appeal_water"), dept="water"),
    R("appeal-decide", "post", SUP, pk("appeal_edu")),
    R("publication-list", "get", SCORES),
    R("publication-list", "post", SUP, data={"year": YEAR, "period": "Q3"}),
    R("publication-checklist", "get", SUP, query="?year=2026&period=Q3"),
    R("exemption-list", "get", SCORES),
    R("exemption-list", "post", SUP),
    R("exemption-detail", "get", SCORES, pk("exemption_edu"), dept="edu"),
    R("exemption-detail", "get", SCORES, pk("exemption_water"), dept="water"),
    R("exemption-detail", "delete", SUP, pk("exemption_edu")),
    # --- API: budgets ----------------------------------------------------------------------------------
    R("budget-project-list", "get", BUDGETS),
    R("budget-project-list", "post", DEPT),
    R("budget-project-import", "post", DEPT | FIN, fmt="multipart"),
    R("budget-project-detail", "get", BUDGETS, pk("project_approved"), dept="edu"),
    R("budget-project-detail", "get", BUDGETS, pk("project_water"), dept="water"),
    R("budget-project-detail", "put", DEPT, pk("project_draft"), dept="edu"),
    R("budget-project-detail", "patch", DEPT, pk("project_draft"), dept="edu"),
    R("budget-project-submit", "post", DEPT, pk("project_draft"), dept="edu"),
    R("budget-project-return", "post", FIN, pk("project_submitted")),
    R("budget-project-approve", "post", FIN, pk("project_submitted")),
    R("budget-project-revisions", "get", BUDGETS, pk("project_submitted"), dept="edu"),
    R("budget-project-execution", "get", BUDGETS, pk("project_approved"), dept="edu"),
    R("budget-project-actuals", "post", FIN, pk("project_approved")),
    R("budget-project-evaluate", "post", FIN, pk("project_approved")),
    R("budget-target-list", "get", BUDGETS),
    R("budget-target-list", "post", DEPT),
    R("budget-target-detail", "get", BUDGETS, pk("target"), dept="edu"),
    R("budget-target-detail", "get", BUDGETS, pk("target_water"), dept="water"),
    R("budget-target-detail", "put", DEPT, pk("target"), dept="edu"),
    R("budget-target-detail", "patch", DEPT, pk("target"), dept="edu"),
    R("budget-target-detail", "delete", DEPT, pk("target"), dept="edu"),
    R("budget-spending-list", "get", BUDGETS),
    R("budget-spending-list", "post", FIN),
    R("budget-spending-detail", "get", BUDGETS, pk("spending"), dept="edu"),
    R("budget-tranche-list", "get", BUDGETS),
    R("budget-tranche-list", "post", FIN),
    R("budget-tranche-detail", "get", BUDGETS, pk("tranche_held"), dept="edu"),
    R("budget-tranche-release", "post", FIN, pk("tranche_held")),
    R("budget-evaluation-list", "get", BUDGETS),
    R("monitoring-execution", "get", BUDGETS),
    R("monitoring-warning-list", "get", BUDGETS),
    R("monitoring-warning-detail", "get", BUDGETS, pk("warning"), dept="edu"),
    R("monitoring-warning-respond", "post", DEPT, pk("warning"), dept="edu"),
    R("monitoring-warning-lift", "post", FIN, pk("warning")),
    R("monitoring-warning-reallocation", "post", DEPT, pk("warning"), dept="edu"),
    R("budget-reallocation-list", "get", BUDGETS),
    R("budget-reallocation-detail", "get", BUDGETS, pk("reallocation"), dept="edu"),
    R("budget-reallocation-approve", "post", FIN, pk("reallocation")),
    R("budget-reallocation-return", "post", FIN, pk("reallocation")),
    R("budget-reallocation-resubmit", "post", DEPT, pk("reallocation"), dept="edu"),
    R("monitoring-calendar-list", "get", CALENDAR_READ),
    R("monitoring-calendar-list", "post", CALENDAR, data={"date": f"{YEAR}-10-02", "kind": "holiday", "name": "国庆"}),
    R("monitoring-calendar-detail", "get", CALENDAR_READ, pk("calendar_day")),
    R("monitoring-calendar-detail", "put", CALENDAR, pk("calendar_day")),
    R("monitoring-calendar-detail", "patch", CALENDAR, pk("calendar_day")),
    R("monitoring-calendar-detail", "delete", CALENDAR, pk("calendar_day")),
    R("monitoring-calendar-deadline", "get", CALENDAR_READ, query=f"?start={YEAR}-07-01&days=10"),
    R("monitoring-calendar-working-days", "get", CALENDAR_READ, query=f"?start={YEAR}-07-01&end={YEAR}-07-31"),
    R("rectification-item-list", "get", RECTIFICATION),
    R("rectification-item-list", "post", ISSUERS),
    R("rectification-item-detail", "get", RECTIFICATION, pk("rect_edu"), dept="edu"),
    R("rectification-item-detail", "get", RECTIFICATION, pk("rect_water"), dept="water"),
    R("rectification-item-progress", "post", DEPT, pk("rect_edu"), dept="edu"),
    R("rectification-item-evidence", "post", DEPT, pk("rect_edu"), dept="edu"),
    R("rectification-item-submit", "post", DEPT, pk("rect_edu"), dept="edu"),
    R("rectification-item-close", "post", ISSUERS, pk("rect_edu")),
    R("rectification-item-reject", "post", ISSUERS, pk("rect_edu")),
    R("budget-evaluation-detail", "get", BUDGETS, pk("evaluation"), dept="edu"),
    R("budget-evaluation-confirm", "post", FIN, pk("evaluation")),
    R("budget-evaluation-publish", "post", FIN, pk("evaluation")),
    R("budget-recommendation-list", "get", READ_ALL_BUDGETS, query=f"?year={YEAR}"),
    R("budget-recommendation-detail", "get", READ_ALL_BUDGETS, pk("recommendation")),
    R("budget-recommendation-accept", "post", FIN, pk("recommendation")),
    R("budget-recommendation-override", "post", FIN, pk("recommendation")),
    R("budget-recommendation-generate", "post", FIN),
    R("budget-recommendation-summary", "get", READ_ALL_BUDGETS, query=f"?year={YEAR}"),
    R("budget-recommendation-export", "get", READ_ALL_BUDGETS, query=f"?year={YEAR}"),
    R("budget-work-package-list", "get", WORKERS),
    R("budget-work-package-list", "post", FIN),
    R("budget-work-package-detail", "get", WORKERS, pk("package")),
    R("budget-work-package-detail", "patch", FIN, pk("package")),
    R("budget-exante-list", "get", APPRAISAL_READERS),
    R("budget-exante-list", "post", WORKERS),
    R("budget-exante-detail", "get", APPRAISAL_READERS, pk("exante"), hidden=DEPT),
    R("budget-exante-detail", "patch", WORKERS, pk("exante")),
    R("budget-exante-evidence", "post", WORKERS, pk("exante"), fmt="multipart"),
    R("budget-exante-import", "post", WORKERS, pk("exante"), fmt="multipart"),
    R("budget-exante-import-template", "get", WORKERS, pk("exante")),
    R("budget-exante-submit", "post", WORKERS, pk("exante")),
    R("budget-exante-accept", "post", FIN, pk("exante")),
    R("budget-exante-return", "post", FIN, pk("exante")),
    R("budget-key-evaluation-list", "get", APPRAISAL_READERS),
    R("budget-key-evaluation-list", "post", FIN),
    R("budget-key-evaluation-detail", "get", APPRAISAL_READERS, pk("key"), hidden=DEPT),
    R("budget-key-evaluation-detail", "patch", WORKERS, pk("key")),
    R("budget-key-evaluation-evidence", "post", WORKERS, pk("key"), fmt="multipart"),
    R("budget-key-evaluation-submit", "post", WORKERS, pk("key")),
    R("budget-key-evaluation-accept", "post", FIN, pk("key")),
    R("budget-key-evaluation-return", "post", FIN, pk("key")),
    R("budget-key-evaluation-gaps", "get", FIN, query=f"?year={YEAR}"),
    R("department-sheet-list", "get", BUDGETS),
    R("department-sheet-list", "post", DEPT),
    R("department-sheet-detail", "get", BUDGETS, pk("dsheet_approved"), dept="edu"),
    R("department-sheet-detail", "get", BUDGETS, pk("dsheet_water"), dept="water"),
    R("department-sheet-submit", "post", DEPT, pk("dsheet_draft"), dept="edu"),
    R("department-sheet-return", "post", FIN, pk("dsheet_submitted")),
    R("department-sheet-approve", "post", FIN, pk("dsheet_submitted")),
    R("department-sheet-actuals", "post", FIN, pk("dsheet_approved")),
    R("department-sheet-evaluate", "post", FIN, pk("dsheet_approved")),
    R("department-target-list", "get", BUDGETS),
    R("department-target-list", "post", DEPT),
    R("department-target-detail", "get", BUDGETS, pk("dtarget"), dept="edu"),
    R("department-target-detail", "put", DEPT, pk("dtarget"), dept="edu"),
    R("department-target-detail", "patch", DEPT, pk("dtarget"), dept="edu"),
    R("department-target-detail", "delete", DEPT, pk("dtarget"), dept="edu"),
    R("department-evaluation-list", "get", BUDGETS),
    R("department-evaluation-detail", "get", BUDGETS, pk("devaluation"), dept="edu"),
    R("department-evaluation-confirm", "post", FIN, pk("devaluation")),
    R("department-evaluation-publish", "post", FIN, pk("devaluation")),
    R("department-policy-list", "get", BUDGETS),
    R("department-policy-detail", "get", BUDGETS, lambda w: {"year": YEAR}),
    R("department-policy-detail", "put", FIN, lambda w: {"year": YEAR}),
    R("department-policy-detail", "patch", FIN, lambda w: {"year": YEAR}),
    R("budget-disclosure-list", "get", BUDGETS),
    R("budget-disclosure-list", "post", FIN),
    R("budget-disclosure-detail", "get", BUDGETS, pk("disclosure"), dept="edu"),
    R("budget-policy-list", "get", BUDGETS),
    R("budget-policy-detail", "get", BUDGETS, lambda w: {"year": YEAR}),
    R("budget-policy-detail", "put", FIN, lambda w: {"year": YEAR}),
    R("budget-target-revision-list", "get", BUDGETS),
    R("budget-target-revision-list", "post", DEPT),
    R("budget-target-revision-detail", "get", BUDGETS, pk("adjustment"), dept="edu"),
    R("budget-target-revision-approve", "post", FIN, pk("adjustment")),
    R("budget-target-revision-return", "post", FIN, pk("adjustment")),
    R(
        "budget-target-revision-versions",
        "get",
        BUDGETS,
        dept="edu",
        query="?project={project_approved}",
    ),
    R("budget-library-indicator-list", "get", BUDGETS),
    R("budget-library-indicator-detail", "get", BUDGETS, pk("library_indicator")),
    R("budget-library-indicator-sectors", "get", BUDGETS),
    R("budget-library-indicator-list", "post", FIN),
    R("budget-library-indicator-import", "post", FIN, fmt="multipart"),
    R("budget-library-indicator-detail", "put", FIN, pk("library_indicator")),
    R("budget-library-indicator-detail", "patch", FIN, pk("library_indicator")),
    R("budget-library-indicator-retire", "post", FIN, pk("library_indicator")),
    R("budget-library-indicator-reinstate", "post", FIN, pk("library_indicator")),
    R("budget-sheet-review-list", "get", BUDGETS),
    R("budget-sheet-review-list", "post", FIN),
    R("budget-sheet-review-detail", "get", BUDGETS, pk("sheet_review"), dept="edu"),
    R("budget-sheet-review-flags", "get", BUDGETS, dept="edu", query="?project={project_submitted}"),
    R("budget-policy-detail", "patch", FIN, lambda w: {"year": YEAR}),
    # --- API: surveys, notifications, schema and docs -------------------------------------------------
    R("survey-list", "get", RESULTS),
    R("survey-list", "post", SURVEY_MANAGERS),
    R("survey-detail", "get", RESULTS, lambda w: {"code": "s2026"}),
    R("survey-detail", "put", SURVEY_MANAGERS, lambda w: {"code": "draft"}),
    R("survey-detail", "patch", SURVEY_MANAGERS, lambda w: {"code": "draft"}),
    R("survey-open", "post", SURVEY_MANAGERS, lambda w: {"code": "draft"}),
    R("survey-close", "post", SURVEY_MANAGERS, lambda w: {"code": "s2026"}),
    R("survey-codes", "post", SURVEY_MANAGERS, lambda w: {"code": "s2026"}),
    R("survey-quota", "get", RESULTS, lambda w: {"code": "s2026"}),
    R("survey-results", "get", RESULTS, lambda w: {"code": "s2026"}),
    R("survey-question-list", "get", RESULTS),
    R("survey-question-list", "post", SURVEY_MANAGERS),
    R("survey-question-detail", "get", RESULTS, pk("question")),
    R("survey-question-detail", "put", SURVEY_MANAGERS, pk("question")),
    R("survey-question-detail", "patch", SURVEY_MANAGERS, pk("question")),
    R("survey-question-detail", "delete", SURVEY_MANAGERS, pk("question")),
    R("notification-list", "get", NOTIFIED),
    R(
        "notification-detail",
        "get",
        NOTIFIED,
        lambda w: {"pk": _notification(w)},
        special={r: {404} for r in NOTIFIED - SUP},
    ),
    R("notification-mark-read", "post", NOTIFIED),
    R("api-schema", "get", ALL),
    R("api-docs", "get", ALL),
]


# --- Objects named by the rows ---------------------------------------------------------------------


def _ind(w):
    return w.plan.library.indicators.get(code="roads")


def _cat(w):
    return w.plan.library.categories.get(code="central")


def _rule(w):
    return w.plan.library.rules.get(code="criticism")


def _band(w):
    return w.plan.library.grade_bands.get(code="good")


def _entry(w, code):
    return {"pk": w[f"q4_{code}"].pk, "entry_pk": w[f"entry_{code}"].pk}


def _review_entry(w):
    report = w["q3_water"]
    return {"pk": report.pk, "entry_pk": report.entries.order_by("pk").first().pk}


def _score(w, code, period="annual"):
    return {"code": code, "year": YEAR, "period": period}


def _target(w, project, target):
    return {"pk": w[project].pk, "tid": w[target].pk}


def _area(w):
    area = w["survey_draft"].areas.first() or w["area"]
    return {"pk": area.survey_id, "area_id": area.pk}


def _question(w, key):
    q = w[key]
    return {"pk": q.survey_id, "question_id": q.pk}


def _notification(w):
    return w.users["supervisor"].notifications.order_by("pk").first().pk


# --- Running the rows -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once for the module inside a transaction that is rolled back at the end."""
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), transaction.atomic():
        original = settings.MEDIA_ROOT
        settings.MEDIA_ROOT = str(media)
        try:
            w = build_world()
            w.clients = {}
            for role in ROLES:
                if role is None:
                    w.clients[None] = (Client(), APIClient())
                    continue
                html = Client()
                html.force_login(w.users[role])
                api = APIClient()
                api.force_authenticate(w.users[role])
                w.clients[role] = (html, api)
            yield w
        finally:
            settings.MEDIA_ROOT = original
            transaction.set_rollback(True)


def _request(w, row: Row, role):
    html, api = w.clients[role]
    query = row.query
    if "{" in query:  # a query naming an object of the world, e.g. ?project={project_approved}
        query = query.format(**{k: getattr(v, "pk", "") for k, v in w.objects.items()})
    url = reverse(row.name, kwargs=row.kwargs(w)) + query
    cookies = html.cookies.output(header="", sep=";")
    cache.clear()  # flood counters and cached pages start from zero for every request
    with transaction.atomic():
        if row.api:
            kwargs = {"format": row.fmt} if row.method != "get" else {}
            response = getattr(api, row.method)(url, row.data or {}, **kwargs)
        else:
            response = getattr(html, row.method)(url, row.data or {})
        transaction.set_rollback(True)
    html.cookies.load(cookies)  # a logout or a new session must not reach the next request
    return url, response


def _ids(rows):
    seen: dict[str, int] = {}
    out = []
    for r in rows:
        key = f"{r.method.upper()} {r.name}"
        seen[key] = seen.get(key, 0) + 1
        out.append(key if seen[key] == 1 else f"{key} #{seen[key]}")
    return out


@pytest.mark.parametrize("row", MATRIX, ids=_ids(MATRIX))
def test_matrix(world, row):
    wrong = []
    for role in ROLES:
        url, response = _request(world, row, role)
        expected = row.expected(role)
        if response.status_code not in expected:
            who = role or "anonymous"
            wrong.append(f"{who}: {row.method.upper()} {url} → {response.status_code}, expected {sorted(expected)}")
            continue
        login_expected = role is None and not row.api and None not in row.who
        if login_expected and not response["Location"].startswith(reverse("login")):
            wrong.append(f"anonymous: {url} → {response['Location']}, expected the login page")
        is_json = response.get("Content-Type", "").startswith("application/json")
        if row.api and response.status_code >= 400 and is_json and not response.json().get("detail"):
            wrong.append(f"{role}: {url} → {response.status_code} without a message")
    assert not wrong, "\n".join(wrong)


# --- The admin site: one rule for every model page -------------------------------------------------------


def _admin_expected(role, app_label) -> set[int]:
    if role is None:
        return {302}
    if role not in {r.value for r in ROLE_ADMIN_APPS}:
        return {302}  # not staff: the admin site sends to the (shared) login page
    return {200} if app_label in ROLE_ADMIN_APPS[role] else {403}


def test_admin_index_and_every_model_page(world):
    wrong = []
    targets = [("admin:index", None, {})]
    for model in admin.site._registry:
        meta = model._meta
        targets.append((f"admin:{meta.app_label}_{meta.model_name}_changelist", meta.app_label, {}))
    for name, app_label, kwargs in targets:
        url = reverse(name, kwargs=kwargs)
        for role in ROLES:
            html, _api = world.clients[role]
            cookies = html.cookies.output(header="", sep=";")
            with transaction.atomic():
                status = html.get(url).status_code
                transaction.set_rollback(True)
            html.cookies.load(cookies)
            if app_label is None:
                expected = {302} if role is None or role not in {r.value for r in ROLE_ADMIN_APPS} else {200}
            else:
                expected = _admin_expected(role, app_label)
            if status not in expected:
                wrong.append(f"{role or 'anonymous'}: GET {url} → {status}, expected {sorted(expected)}")
    assert not wrong, "\n".join(wrong)


# --- The meta-test: no URL of the project is left out ------------------------------------------------------


def _named_patterns(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _named_patterns(p.url_patterns, f"{prefix}{p.namespace}:" if p.namespace else prefix)
        elif isinstance(p, URLPattern):
            yield prefix + p.name if p.name else f"{prefix}<unnamed {p.pattern}>"


def test_every_url_is_in_the_matrix():
    names = set(_named_patterns(get_resolver().url_patterns))
    admin_pages = {n for n in names if n.startswith("admin:")}
    assert "admin:index" in admin_pages  # covered by test_admin_index_and_every_model_page
    missing = sorted(names - admin_pages - {r.name for r in MATRIX})
    assert not missing, f"URLs missing from the permission matrix: {missing}"
    assert not any(n.startswith("<unnamed") or ":<unnamed" in n for n in names - admin_pages)


def test_every_served_method_of_the_api_is_in_the_matrix():
    """An endpoint that starts serving a new method (say DELETE) must get a row for it too."""
    from rest_framework.viewsets import ViewSetMixin

    covered = {(r.name, r.method) for r in MATRIX}
    missing = []
    for pattern in _api_patterns(get_resolver().url_patterns):
        callback = pattern.callback
        cls = getattr(callback, "cls", None)
        if cls is None:
            continue
        if issubclass(cls, ViewSetMixin):
            methods = set(callback.actions)
        else:
            methods = {m for m in ("get", "post", "put", "patch", "delete") if hasattr(cls, m)}
        methods &= set(cls.http_method_names)
        missing += [
            (pattern.name, m) for m in sorted(methods - {"head", "options"}) if (pattern.name, m) not in covered
        ]
    assert not missing, f"API methods missing from the matrix: {missing}"


def _api_patterns(patterns, under_api=False):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _api_patterns(p.url_patterns, under_api or str(p.pattern).startswith("api/"))
        elif isinstance(p, URLPattern) and under_api and p.name:
            yield p
