"""Who may use each budget page and endpoint: role × URL × method → expected status.

A meta-test fails when a budget URL is missing from the matrices below.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from budgets import services
from budgets.models import Evaluation, Recommendation
from core.roles import Role

from .department_helpers import approved_sheet, draft_sheet, record_all
from .factories import ProjectFactory, add_targets, approved_project, revision_objects

pytestmark = pytest.mark.django_db

ROLES = [r.value for r in Role] + ["filer2", None]

# Who may do what. Department users (filer, head of 教育局; filer2 of 水利局) act on their own department.
READERS = {"filer", "dept_head", "filer2", "supervisor", "finance", "leader", "api_client"}
READ_ALL = {"supervisor", "finance", "leader", "api_client"}
EDITORS = {"filer", "dept_head", "filer2"}
FINANCE = {"finance"}
IMPORTERS = EDITORS | FINANCE
# Objects below belong to 教育局: filer2 holds the permission but gets 404 (existence not revealed).
OTHER_DEPARTMENT = {"filer2"}


@pytest.fixture
def world(departments, users, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2026, 12, 31))
    draft = ProjectFactory(department=departments["edu"], name="草稿项目")
    targets = add_targets(draft)
    submitted = ProjectFactory(department=departments["edu"], name="已提交项目")
    add_targets(submitted)
    services.project_submit(project=submitted, actor=users["filer"])
    approved = approved_project(departments["edu"], amount="2396300.00")
    held = services.tranche_create(
        project=approved,
        actor=users["finance"],
        name="第二批",
        amount=Decimal("1000"),
        condition_targets=[approved.targets.first()],
    )
    open_tranche = services.tranche_create(
        project=approved, actor=users["finance"], name="第一批", amount=Decimal("5000")
    )
    spending = services.spending_record(
        project=approved, actor=users["finance"], date=dt.date(2026, 3, 1), amount="100", tranche=open_tranche
    )
    services.actuals_record(
        project=approved, actor=users["finance"], values={t.pk: (t.value, "") for t in approved.targets.all()}
    )
    evaluation = services.evaluation_compute(project=approved, actor=users["finance"])
    last_year = approved_project(departments["edu"], year=2025)
    Evaluation.objects.create(
        project=last_year,
        number=1,
        total=Decimal("92"),
        grade="excellent",
        amount=last_year.amount,
        spent=last_year.amount,
        execution_rate=Decimal(100),
        weights={},
        ledger=[],
        status="confirmed",
        confirmed_at=timezone.now(),
    )
    services.recommendations_generate(year=2026, actor=users["finance"], department_grades={})
    dsheet = approved_sheet(departments["edu"], year=2026)
    record_all(dsheet, users["finance"])
    devaluation = services.department_evaluation_compute(sheet=dsheet, actor=users["finance"])
    dsubmitted = draft_sheet(departments["edu"], year=2025)
    services.department_sheet_submit(sheet=dsubmitted, actor=users["filer"])
    ddraft = draft_sheet(departments["edu"], year=2027)
    disclosure = services.disclosure_set(
        project=approved, part="targets", withheld=True, reason="涉密", actor=users["finance"]
    )
    extra = revision_objects(approved=approved, submitted=submitted, filer=users["filer"], finance=users["finance"])
    from budgets.models import Reallocation

    extra["reallocation"] = Reallocation.objects.create(
        department=approved.department,
        year=approved.year,
        source=approved,
        amount=Decimal("1.00"),
        reason="结余调剂",
        requested_by=users["filer"],
    )
    return extra | {
        "dsheet": dsheet,
        "devaluation": devaluation,
        "dsubmitted": dsubmitted,
        "ddraft": ddraft,
        "dtarget": ddraft.targets.order_by("order").first(),
        "disclosure": disclosure,
        "draft": draft,
        "target": targets[0],
        "submitted": submitted,
        "approved": approved,
        "held": held,
        "spending": spending,
        "evaluation": evaluation,
        "recommendation": Recommendation.objects.get(project=last_year),
    }


# (url name, kwargs from the world, method, who may, whether the object is 教育局's)
PAGES = [
    ("budgets:project_list", lambda w: {}, "get", READERS, False),
    ("budgets:project_create", lambda w: {}, "get", EDITORS, False),
    ("budgets:project_create", lambda w: {}, "post", EDITORS, False),
    ("budgets:review_queue", lambda w: {}, "get", FINANCE, False),
    ("budgets:import", lambda w: {}, "get", IMPORTERS, False),
    ("budgets:import", lambda w: {}, "post", IMPORTERS, False),
    ("budgets:import_template", lambda w: {}, "get", IMPORTERS, False),
    ("budgets:project_detail", lambda w: {"pk": w["approved"].pk}, "get", READERS, True),
    ("budgets:project_edit", lambda w: {"pk": w["draft"].pk}, "get", EDITORS, True),
    ("budgets:project_edit", lambda w: {"pk": w["draft"].pk}, "post", EDITORS, True),
    ("budgets:project_submit", lambda w: {"pk": w["draft"].pk}, "post", EDITORS, True),
    ("budgets:project_return", lambda w: {"pk": w["submitted"].pk}, "post", FINANCE, True),
    ("budgets:project_approve", lambda w: {"pk": w["submitted"].pk}, "post", FINANCE, True),
    ("budgets:target_create", lambda w: {"pk": w["draft"].pk}, "get", EDITORS, True),
    ("budgets:target_create", lambda w: {"pk": w["draft"].pk}, "post", EDITORS, True),
    ("budgets:target_edit", lambda w: {"pk": w["draft"].pk, "tid": w["target"].pk}, "get", EDITORS, True),
    ("budgets:target_edit", lambda w: {"pk": w["draft"].pk, "tid": w["target"].pk}, "post", EDITORS, True),
    ("budgets:target_delete", lambda w: {"pk": w["draft"].pk, "tid": w["target"].pk}, "post", EDITORS, True),
    ("budgets:revision_detail", lambda w: {"pk": w["submitted"].pk, "number": 1}, "get", READERS, True),
    ("budgets:spending_create", lambda w: {"pk": w["approved"].pk}, "post", FINANCE, True),
    ("budgets:tranche_create", lambda w: {"pk": w["approved"].pk}, "get", FINANCE, True),
    ("budgets:tranche_create", lambda w: {"pk": w["approved"].pk}, "post", FINANCE, True),
    ("budgets:tranche_release", lambda w: {"pk": w["approved"].pk, "tid": w["held"].pk}, "post", FINANCE, True),
    ("budgets:actuals", lambda w: {"pk": w["approved"].pk}, "post", FINANCE, True),
    ("budgets:evaluate", lambda w: {"pk": w["approved"].pk}, "post", FINANCE, True),
    (
        "budgets:evaluation_confirm",
        lambda w: {"pk": w["approved"].pk, "number": w["evaluation"].number},
        "post",
        FINANCE,
        True,
    ),
    (
        "budgets:evaluation_publish",
        lambda w: {"pk": w["approved"].pk, "number": w["evaluation"].number},
        "post",
        FINANCE,
        True,
    ),
    ("budgets:evaluation_list", lambda w: {}, "get", READERS, False),
    ("budgets:recommendation_list", lambda w: {}, "get", READ_ALL, False),
    ("budgets:recommendation_generate", lambda w: {}, "post", FINANCE, False),
    ("budgets:recommendation_export", lambda w: {}, "get", READ_ALL, False),
    ("budgets:recommendation_decide", lambda w: {"pk": w["recommendation"].pk}, "post", FINANCE, False),
    ("budgets:policy_list", lambda w: {}, "get", READERS, False),
    ("budgets:policy_edit", lambda w: {"year": 2026}, "get", READERS, False),
    ("budgets:policy_edit", lambda w: {"year": 2026}, "post", FINANCE, False),
    ("budgets:department_list", lambda w: {}, "get", READERS, False),
    ("budgets:department_policy", lambda w: {"year": 2026}, "get", READERS, False),
    ("budgets:department_policy", lambda w: {"year": 2026}, "post", FINANCE, False),
    ("budgets:department_create", lambda w: {}, "post", EDITORS, False),
    ("budgets:department_detail", lambda w: {"pk": w["dsheet"].pk}, "get", READERS, True),
    ("budgets:department_submit", lambda w: {"pk": w["ddraft"].pk}, "post", EDITORS, True),
    ("budgets:department_target_create", lambda w: {"pk": w["ddraft"].pk}, "post", EDITORS, True),
    (
        "budgets:department_target_delete",
        lambda w: {"pk": w["ddraft"].pk, "tid": w["dtarget"].pk},
        "post",
        EDITORS,
        True,
    ),
    ("budgets:department_return", lambda w: {"pk": w["dsubmitted"].pk}, "post", FINANCE, True),
    ("budgets:department_approve", lambda w: {"pk": w["dsubmitted"].pk}, "post", FINANCE, True),
    ("budgets:department_actuals", lambda w: {"pk": w["dsheet"].pk}, "post", FINANCE, True),
    ("budgets:department_evaluate", lambda w: {"pk": w["dsheet"].pk}, "post", FINANCE, True),
    (
        "budgets:department_evaluation_confirm",
        lambda w: {"pk": w["dsheet"].pk, "number": w["devaluation"].number},
        "post",
        FINANCE,
        True,
    ),
    (
        "budgets:department_evaluation_publish",
        lambda w: {"pk": w["dsheet"].pk, "number": w["devaluation"].number},
        "post",
        FINANCE,
        True,
    ),
    ("budgets:department_disclosure", lambda w: {"pk": w["dsheet"].pk}, "post", FINANCE, True),
    ("budgets:disclosure_list", lambda w: {}, "get", READERS, False),
    ("budgets:disclosure_list", lambda w: {}, "post", FINANCE, False),
    ("budgets:adjustment_create", lambda w: {"pk": w["approved"].pk}, "get", EDITORS, True),
    ("budgets:adjustment_create", lambda w: {"pk": w["approved"].pk}, "post", EDITORS, True),
    ("budgets:adjustment_detail", lambda w: {"pk": w["approved"].pk, "number": 1}, "get", READERS, True),
    ("budgets:adjustment_approve", lambda w: {"pk": w["approved"].pk, "number": 1}, "post", FINANCE, True),
    ("budgets:adjustment_return", lambda w: {"pk": w["approved"].pk, "number": 1}, "post", FINANCE, True),
    ("budgets:versions", lambda w: {"pk": w["approved"].pk}, "get", READERS, True),
    ("budgets:reallocation_list", lambda w: {}, "get", READERS, False),
    ("budgets:reallocation_detail", lambda w: {"pk": w["reallocation"].pk}, "get", READERS, True),
    ("budgets:reallocation_approve", lambda w: {"pk": w["reallocation"].pk}, "post", FINANCE, True),
    ("budgets:reallocation_return", lambda w: {"pk": w["reallocation"].pk}, "post", FINANCE, True),
    ("budgets:reallocation_resubmit", lambda w: {"pk": w["reallocation"].pk}, "post", EDITORS, True),
    ("budgets:sheet_quality", lambda w: {"pk": w["submitted"].pk}, "get", READERS, True),
    ("budgets:sheet_quality", lambda w: {"pk": w["submitted"].pk}, "post", FINANCE, True),
    ("budgets:library", lambda w: {}, "get", READERS, False),
    ("budgets:library_detail", lambda w: {"pk": w["library_indicator"].pk}, "get", READERS, False),
    ("budgets:library_create", lambda w: {}, "get", FINANCE, False),
    ("budgets:library_create", lambda w: {}, "post", FINANCE, False),
    ("budgets:library_edit", lambda w: {"pk": w["library_indicator"].pk}, "get", FINANCE, False),
    ("budgets:library_edit", lambda w: {"pk": w["library_indicator"].pk}, "post", FINANCE, False),
    ("budgets:library_retire", lambda w: {"pk": w["library_indicator"].pk}, "post", FINANCE, False),
    ("budgets:library_import", lambda w: {}, "get", FINANCE, False),
    ("budgets:library_import", lambda w: {}, "post", FINANCE, False),
    ("budgets:library_import_template", lambda w: {}, "get", FINANCE, False),
]

API = "/api/v1/"
# (route name, path from the world, method, who may, whether the object is 教育局's)
ENDPOINTS = [
    ("budget-project-list", lambda w: "budget-projects/", "get", READERS, False),
    ("budget-project-list", lambda w: "budget-projects/", "post", EDITORS, False),
    ("budget-project-detail", lambda w: f"budget-projects/{w['approved'].pk}/", "get", READERS, True),
    ("budget-project-detail", lambda w: f"budget-projects/{w['draft'].pk}/", "patch", EDITORS, True),
    ("budget-project-detail", lambda w: f"budget-projects/{w['draft'].pk}/", "put", EDITORS, True),
    ("budget-project-submit", lambda w: f"budget-projects/{w['draft'].pk}/submit/", "post", EDITORS, True),
    ("budget-project-return", lambda w: f"budget-projects/{w['submitted'].pk}/return/", "post", FINANCE, True),
    ("budget-project-approve", lambda w: f"budget-projects/{w['submitted'].pk}/approve/", "post", FINANCE, True),
    ("budget-project-revisions", lambda w: f"budget-projects/{w['submitted'].pk}/revisions/", "get", READERS, True),
    ("budget-project-execution", lambda w: f"budget-projects/{w['approved'].pk}/execution/", "get", READERS, True),
    ("budget-project-actuals", lambda w: f"budget-projects/{w['approved'].pk}/actuals/", "post", FINANCE, True),
    ("budget-project-evaluate", lambda w: f"budget-projects/{w['approved'].pk}/evaluate/", "post", FINANCE, True),
    ("budget-project-import", lambda w: "budget-projects/import/", "post", IMPORTERS, False),
    ("budget-target-list", lambda w: "budget-targets/", "get", READERS, False),
    ("budget-target-list", lambda w: "budget-targets/", "post", EDITORS, False),
    ("budget-target-detail", lambda w: f"budget-targets/{w['target'].pk}/", "get", READERS, True),
    ("budget-target-detail", lambda w: f"budget-targets/{w['target'].pk}/", "patch", EDITORS, True),
    ("budget-target-detail", lambda w: f"budget-targets/{w['target'].pk}/", "put", EDITORS, True),
    ("budget-target-detail", lambda w: f"budget-targets/{w['target'].pk}/", "delete", EDITORS, True),
    ("budget-spending-list", lambda w: "budget-spending/", "get", READERS, False),
    ("budget-spending-list", lambda w: "budget-spending/", "post", FINANCE, False),
    ("budget-spending-detail", lambda w: f"budget-spending/{w['spending'].pk}/", "get", READERS, True),
    ("budget-tranche-list", lambda w: "budget-tranches/", "get", READERS, False),
    ("budget-tranche-list", lambda w: "budget-tranches/", "post", FINANCE, False),
    ("budget-tranche-detail", lambda w: f"budget-tranches/{w['held'].pk}/", "get", READERS, True),
    ("budget-tranche-release", lambda w: f"budget-tranches/{w['held'].pk}/release/", "post", FINANCE, True),
    ("budget-evaluation-list", lambda w: "budget-evaluations/", "get", READERS, False),
    ("budget-evaluation-detail", lambda w: f"budget-evaluations/{w['evaluation'].pk}/", "get", READERS, True),
    ("budget-evaluation-confirm", lambda w: f"budget-evaluations/{w['evaluation'].pk}/confirm/", "post", FINANCE, True),
    ("budget-evaluation-publish", lambda w: f"budget-evaluations/{w['evaluation'].pk}/publish/", "post", FINANCE, True),
    ("budget-recommendation-list", lambda w: "budget-recommendations/?year=2026", "get", READ_ALL, False),
    (
        "budget-recommendation-detail",
        lambda w: f"budget-recommendations/{w['recommendation'].pk}/",
        "get",
        READ_ALL,
        False,
    ),
    (
        "budget-recommendation-accept",
        lambda w: f"budget-recommendations/{w['recommendation'].pk}/accept/",
        "post",
        FINANCE,
        False,
    ),
    (
        "budget-recommendation-override",
        lambda w: f"budget-recommendations/{w['recommendation'].pk}/override/",
        "post",
        FINANCE,
        False,
    ),
    ("budget-recommendation-generate", lambda w: "budget-recommendations/generate/", "post", FINANCE, False),
    ("budget-recommendation-summary", lambda w: "budget-recommendations/summary/?year=2026", "get", READ_ALL, False),
    ("budget-recommendation-export", lambda w: "budget-recommendations/export/?year=2026", "get", READ_ALL, False),
    ("budget-policy-list", lambda w: "budget-policies/", "get", READERS, False),
    ("budget-policy-detail", lambda w: "budget-policies/2026/", "get", READERS, False),
    ("budget-policy-detail", lambda w: "budget-policies/2026/", "put", FINANCE, False),
    ("budget-policy-detail", lambda w: "budget-policies/2026/", "patch", FINANCE, False),
    ("budget-disclosure-list", lambda w: "budget-disclosures/", "get", READERS, False),
    ("budget-disclosure-list", lambda w: "budget-disclosures/", "post", FINANCE, False),
    ("budget-disclosure-detail", lambda w: f"budget-disclosures/{w['disclosure'].pk}/", "get", READERS, True),
    ("department-sheet-list", lambda w: "department-sheets/", "get", READERS, False),
    ("department-sheet-list", lambda w: "department-sheets/", "post", EDITORS, False),
    ("department-sheet-detail", lambda w: f"department-sheets/{w['dsheet'].pk}/", "get", READERS, True),
    ("department-sheet-submit", lambda w: f"department-sheets/{w['ddraft'].pk}/submit/", "post", EDITORS, True),
    ("department-sheet-return", lambda w: f"department-sheets/{w['dsubmitted'].pk}/return/", "post", FINANCE, True),
    ("department-sheet-approve", lambda w: f"department-sheets/{w['dsubmitted'].pk}/approve/", "post", FINANCE, True),
    ("department-sheet-actuals", lambda w: f"department-sheets/{w['dsheet'].pk}/actuals/", "post", FINANCE, True),
    ("department-sheet-evaluate", lambda w: f"department-sheets/{w['dsheet'].pk}/evaluate/", "post", FINANCE, True),
    ("department-target-list", lambda w: "department-targets/", "get", READERS, False),
    ("department-target-list", lambda w: "department-targets/", "post", EDITORS, False),
    ("department-target-detail", lambda w: f"department-targets/{w['dtarget'].pk}/", "get", READERS, True),
    ("department-target-detail", lambda w: f"department-targets/{w['dtarget'].pk}/", "patch", EDITORS, True),
    ("department-target-detail", lambda w: f"department-targets/{w['dtarget'].pk}/", "delete", EDITORS, True),
    ("department-evaluation-list", lambda w: "department-evaluations/", "get", READERS, False),
    (
        "department-evaluation-detail",
        lambda w: f"department-evaluations/{w['devaluation'].pk}/",
        "get",
        READERS,
        True,
    ),
    (
        "department-evaluation-confirm",
        lambda w: f"department-evaluations/{w['devaluation'].pk}/confirm/",
        "post",
        FINANCE,
        True,
    ),
    ("department-policy-list", lambda w: "department-policies/", "get", READERS, False),
    ("department-policy-detail", lambda w: "department-policies/2026/", "patch", FINANCE, False),
    ("budget-target-revision-list", lambda w: "budget-target-revisions/", "get", READERS, False),
    ("budget-target-revision-list", lambda w: "budget-target-revisions/", "post", EDITORS, False),
    (
        "budget-target-revision-detail",
        lambda w: f"budget-target-revisions/{w['adjustment'].pk}/",
        "get",
        READERS,
        True,
    ),
    (
        "budget-target-revision-approve",
        lambda w: f"budget-target-revisions/{w['adjustment'].pk}/approve/",
        "post",
        FINANCE,
        True,
    ),
    (
        "budget-target-revision-return",
        lambda w: f"budget-target-revisions/{w['adjustment'].pk}/return/",
        "post",
        FINANCE,
        True,
    ),
    (
        "budget-target-revision-versions",
        lambda w: f"budget-target-revisions/versions/?project={w['approved'].pk}",
        "get",
        READERS,
        True,
    ),
    ("budget-reallocation-list", lambda w: "budget-reallocations/", "get", READERS, False),
    ("budget-reallocation-detail", lambda w: f"budget-reallocations/{w['reallocation'].pk}/", "get", READERS, True),
    (
        "budget-reallocation-approve",
        lambda w: f"budget-reallocations/{w['reallocation'].pk}/approve/",
        "post",
        FINANCE,
        True,
    ),
    (
        "budget-reallocation-return",
        lambda w: f"budget-reallocations/{w['reallocation'].pk}/return/",
        "post",
        FINANCE,
        True,
    ),
    (
        "budget-reallocation-resubmit",
        lambda w: f"budget-reallocations/{w['reallocation'].pk}/resubmit/",
        "post",
        EDITORS,
        True,
    ),
    ("budget-library-indicator-list", lambda w: "budget-library-indicators/", "get", READERS, False),
    (
        "budget-library-indicator-detail",
        lambda w: f"budget-library-indicators/{w['library_indicator'].pk}/",
        "get",
        READERS,
        False,
    ),
    ("budget-library-indicator-sectors", lambda w: "budget-library-indicators/sectors/", "get", READERS, False),
    ("budget-library-indicator-list", lambda w: "budget-library-indicators/", "post", FINANCE, False),
    (
        "budget-library-indicator-detail",
        lambda w: f"budget-library-indicators/{w['library_indicator'].pk}/",
        "patch",
        FINANCE,
        False,
    ),
    (
        "budget-library-indicator-retire",
        lambda w: f"budget-library-indicators/{w['library_indicator'].pk}/retire/",
        "post",
        FINANCE,
        False,
    ),
    (
        "budget-library-indicator-reinstate",
        lambda w: f"budget-library-indicators/{w['library_indicator'].pk}/reinstate/",
        "post",
        FINANCE,
        False,
    ),
    ("budget-library-indicator-import", lambda w: "budget-library-indicators/import/", "post", FINANCE, False),
    ("budget-sheet-review-list", lambda w: "budget-sheet-reviews/", "get", READERS, False),
    ("budget-sheet-review-list", lambda w: "budget-sheet-reviews/", "post", FINANCE, False),
    ("budget-sheet-review-detail", lambda w: f"budget-sheet-reviews/{w['sheet_review'].pk}/", "get", READERS, True),
    (
        "budget-sheet-review-flags",
        lambda w: f"budget-sheet-reviews/flags/?project={w['submitted'].pk}",
        "get",
        READERS,
        True,
    ),
]

ALLOWED_WRITE = {200, 201, 204, 302, 400}


def expected(role, method, who, owned_by_edu, *, api):
    if role is None:
        return {401} if api else {302}
    if role not in who:
        return {403}
    if owned_by_edu and role in OTHER_DEPARTMENT:
        return {404}
    return {200} if method == "get" else ALLOWED_WRITE


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "kwargs", "method", "who", "owned"), PAGES, ids=[f"{p[0]}-{p[2]}" for p in PAGES])
def test_pages(client, client_for, world, role, name, kwargs, method, who, owned):
    http = client_for(role) if role else client
    url = reverse(name, kwargs=kwargs(world))
    response = getattr(http, method)(url)
    assert response.status_code in expected(role, method, who, owned, api=False), (role, url, response.status_code)
    if role is None:
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("name", "path", "method", "who", "owned"), ENDPOINTS, ids=[f"{e[0]}-{e[2]}" for e in ENDPOINTS]
)
def test_endpoints(api_for, world, role, name, path, method, who, owned):
    fmt = "multipart" if name in ("budget-project-import", "budget-library-indicator-import") else "json"
    response = getattr(api_for(role), method)(API + path(world), {}, format=fmt)
    assert response.status_code in expected(role, method, who, owned, api=True), (role, path(world), response.content)
    if response.status_code >= 400 and response["Content-Type"].startswith("application/json"):
        assert response.json().get("detail")


def _names(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{prefix}{p.namespace}:" if p.namespace else prefix
            yield from _names(p.url_patterns, ns)
        elif isinstance(p, URLPattern) and p.name:
            yield prefix + p.name


def test_every_budget_url_is_in_a_matrix():
    names = set(_names(get_resolver().url_patterns))
    pages = {n for n in names if n.startswith("budgets:")}
    endpoints = {n for n in names if n.startswith("budget-")}
    assert pages and endpoints
    # Ex-ante assessments, work packages and key evaluations: tests/budgets/test_appraisal_permissions.py.
    from .test_appraisal_permissions import APPRAISAL_ENDPOINTS, APPRAISAL_PAGES

    assert pages - {p[0] for p in PAGES} - {p[0] for p in APPRAISAL_PAGES} == set()
    assert endpoints - {e[0] for e in ENDPOINTS} - {e[0] for e in APPRAISAL_ENDPOINTS} == set()


def test_another_departments_project_is_404_in_lists_too(api_for, client_for, world):
    water = ProjectFactory(department=world["draft"].department.__class__.objects.get(code="water"), name="水利项目")
    body = api_for("filer").get(API + "budget-projects/").json()
    assert water.pk not in [p["id"] for p in body["results"]]
    assert world["draft"].pk in [p["id"] for p in body["results"]]
    assert "水利项目" not in client_for("filer").get(reverse("budgets:project_list")).content.decode()
    assert api_for("filer2").get(API + f"budget-projects/{water.pk}/").status_code == 200
