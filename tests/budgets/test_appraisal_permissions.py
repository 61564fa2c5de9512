"""Who may use each appraisal page and endpoint, and the evaluation firm's scope through both doors:
work it is not assigned answers 404, work whose period has ended answers 403."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from budgets import services
from core.roles import Role

from .appraisal_world import TODAY, concluded, large_project, package
from .factories import approved_project

pytestmark = pytest.mark.django_db

ROLES = [r.value for r in Role] + ["filer2", None]
DEPT = {"filer", "dept_head", "filer2"}
READ_ALL = {"supervisor", "finance", "leader", "api_client"}
EVAL = {"evaluator"}
FIN = {"finance"}
WORKERS = FIN | EVAL
READERS = DEPT | READ_ALL | EVAL


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)


@pytest.fixture
def world(departments, users, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    from django.core.files.uploadedfile import SimpleUploadedFile

    big = large_project(departments["edu"])
    pkg = package(users, [big])
    exante = services.exante_start(project=big, actor=users["evaluator"], package=pkg)
    evidence = services.exante_evidence_add(
        line=exante.lines.first(),
        upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"),
        actor=users["evaluator"],
    )
    # A concluded assessment of 教育局's: its department reads it, 水利局's filer does not.
    done = concluded(large_project(departments["edu"]), users)
    approved = approved_project(departments["edu"])
    key_pkg = package(users, [approved], kind="key")
    key = services.key_start(project=approved, actor=users["evaluator"], package=key_pkg)
    key_evidence = services.key_evidence_add(
        line=key.lines.first(),
        upload=SimpleUploadedFile("b.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"),
        actor=users["evaluator"],
    )
    return {
        "big": big,
        "package": pkg,
        "exante": exante,
        "evidence": evidence,
        "done": done,
        "key": key,
        "key_evidence": key_evidence,
    }


# (url name, kwargs, method, who may, roles that may but see no such object → 404)
APPRAISAL_PAGES = [
    ("budgets:appraisal_home", lambda w: {}, "get", WORKERS, set()),
    ("budgets:key_gaps", lambda w: {}, "get", FIN, set()),
    ("budgets:package_create", lambda w: {}, "get", FIN, set()),
    ("budgets:package_create", lambda w: {}, "post", FIN, set()),
    ("budgets:package_detail", lambda w: {"pk": w["package"].pk}, "get", WORKERS, set()),
    ("budgets:package_edit", lambda w: {"pk": w["package"].pk}, "post", FIN, set()),
    ("budgets:exante_start", lambda w: {"pk": w["big"].pk}, "post", WORKERS, {"evaluator"}),
    ("budgets:key_start", lambda w: {"pk": w["key"].project_id}, "post", WORKERS, {"evaluator"}),
    ("budgets:exante_detail", lambda w: {"pk": w["exante"].pk}, "get", READERS, DEPT),
    ("budgets:exante_detail", lambda w: {"pk": w["done"].pk}, "get", READERS, {"filer2"}),
    ("budgets:exante_report", lambda w: {"pk": w["done"].pk}, "get", READERS, {"filer2"}),
    ("budgets:appraisal_evidence", lambda w: {"pk": w["evidence"].pk}, "get", READERS, DEPT),
    ("budgets:exante_edit", lambda w: {"pk": w["exante"].pk}, "post", WORKERS, set()),
    ("budgets:exante_evidence", lambda w: {"pk": w["exante"].pk}, "post", WORKERS, set()),
    ("budgets:exante_submit", lambda w: {"pk": w["exante"].pk}, "post", WORKERS, set()),
    ("budgets:exante_review", lambda w: {"pk": w["exante"].pk}, "post", FIN, set()),
    ("budgets:exante_import", lambda w: {"pk": w["exante"].pk}, "get", WORKERS, set()),
    ("budgets:exante_import", lambda w: {"pk": w["exante"].pk}, "post", WORKERS, set()),
    ("budgets:exante_import_template", lambda w: {"pk": w["exante"].pk}, "get", WORKERS, set()),
    ("budgets:key_detail", lambda w: {"pk": w["key"].pk}, "get", READERS, DEPT),
    ("budgets:key_report", lambda w: {"pk": w["key"].pk}, "get", READERS, DEPT),
    ("budgets:appraisal_evidence", lambda w: {"pk": w["key_evidence"].pk}, "get", READERS, DEPT),
    ("budgets:key_edit", lambda w: {"pk": w["key"].pk}, "post", WORKERS, set()),
    ("budgets:key_evidence", lambda w: {"pk": w["key"].pk}, "post", WORKERS, set()),
    ("budgets:key_submit", lambda w: {"pk": w["key"].pk}, "post", WORKERS, set()),
    ("budgets:key_review", lambda w: {"pk": w["key"].pk}, "post", FIN, set()),
]

API = "/api/v1/"
APPRAISAL_ENDPOINTS = [
    ("budget-work-package-list", lambda w: "budget-work-packages/", "get", WORKERS, set()),
    ("budget-work-package-list", lambda w: "budget-work-packages/", "post", FIN, set()),
    ("budget-work-package-detail", lambda w: f"budget-work-packages/{w['package'].pk}/", "get", WORKERS, set()),
    ("budget-work-package-detail", lambda w: f"budget-work-packages/{w['package'].pk}/", "patch", FIN, set()),
    ("budget-exante-list", lambda w: "budget-exante-assessments/", "get", READERS, set()),
    ("budget-exante-list", lambda w: "budget-exante-assessments/", "post", WORKERS, set()),
    ("budget-exante-detail", lambda w: f"budget-exante-assessments/{w['exante'].pk}/", "get", READERS, DEPT),
    ("budget-exante-detail", lambda w: f"budget-exante-assessments/{w['exante'].pk}/", "patch", WORKERS, set()),
    (
        "budget-exante-evidence",
        lambda w: f"budget-exante-assessments/{w['exante'].pk}/evidence/",
        "post",
        WORKERS,
        set(),
    ),
    (
        "budget-exante-import",
        lambda w: f"budget-exante-assessments/{w['exante'].pk}/import/",
        "post",
        WORKERS,
        set(),
    ),
    (
        "budget-exante-import-template",
        lambda w: f"budget-exante-assessments/{w['exante'].pk}/import-template/",
        "get",
        WORKERS,
        set(),
    ),
    ("budget-exante-submit", lambda w: f"budget-exante-assessments/{w['exante'].pk}/submit/", "post", WORKERS, set()),
    ("budget-exante-accept", lambda w: f"budget-exante-assessments/{w['exante'].pk}/accept/", "post", FIN, set()),
    ("budget-exante-return", lambda w: f"budget-exante-assessments/{w['exante'].pk}/return/", "post", FIN, set()),
    ("budget-key-evaluation-list", lambda w: "budget-key-evaluations/", "get", READERS, set()),
    ("budget-key-evaluation-list", lambda w: "budget-key-evaluations/", "post", FIN, set()),
    ("budget-key-evaluation-detail", lambda w: f"budget-key-evaluations/{w['key'].pk}/", "get", READERS, DEPT),
    ("budget-key-evaluation-detail", lambda w: f"budget-key-evaluations/{w['key'].pk}/", "patch", WORKERS, set()),
    (
        "budget-key-evaluation-evidence",
        lambda w: f"budget-key-evaluations/{w['key'].pk}/evidence/",
        "post",
        WORKERS,
        set(),
    ),
    ("budget-key-evaluation-submit", lambda w: f"budget-key-evaluations/{w['key'].pk}/submit/", "post", WORKERS, set()),
    ("budget-key-evaluation-accept", lambda w: f"budget-key-evaluations/{w['key'].pk}/accept/", "post", FIN, set()),
    ("budget-key-evaluation-return", lambda w: f"budget-key-evaluations/{w['key'].pk}/return/", "post", FIN, set()),
    ("budget-key-evaluation-gaps", lambda w: "budget-key-evaluations/gaps/?year=2026", "get", FIN, set()),
]

WRITE_OK = {200, 201, 204, 302, 400, 409}


def expected(role, method, who, hidden, *, api):
    if role is None:
        return {401} if api else {302}
    if role not in who:
        return {403}
    if role in hidden:
        return {404}
    return {200} if method == "get" else WRITE_OK


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("name", "kwargs", "method", "who", "hidden"), APPRAISAL_PAGES, ids=[f"{p[0]}-{p[2]}" for p in APPRAISAL_PAGES]
)
def test_pages(client, client_for, world, role, name, kwargs, method, who, hidden):
    http = client_for(role) if role else client
    url = reverse(name, kwargs=kwargs(world))
    response = getattr(http, method)(url)
    assert response.status_code in expected(role, method, who, hidden, api=False), (role, url, response.status_code)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("name", "path", "method", "who", "hidden"),
    APPRAISAL_ENDPOINTS,
    ids=[f"{e[0]}-{e[2]}" for e in APPRAISAL_ENDPOINTS],
)
def test_endpoints(api_for, world, role, name, path, method, who, hidden):
    multipart = ("budget-exante-evidence", "budget-exante-import", "budget-key-evaluation-evidence")
    fmt = "multipart" if name in multipart else "json"
    response = getattr(api_for(role), method)(API + path(world), {}, format=fmt)
    assert response.status_code in expected(role, method, who, hidden, api=True), (role, path(world), response.content)
    if response.status_code >= 400:
        assert response.json().get("detail")


# --- the firm's scope through the pages and the API ------------------------------------------------------------


def test_a_project_not_assigned_is_not_found_for_the_firm(client_for, api_for, departments, users, world):
    other = large_project(departments["edu"])
    theirs = services.exante_start(project=other, actor=users["finance"])
    assert client_for("evaluator").get(reverse("budgets:exante_detail", args=[theirs.pk])).status_code == 404
    assert api_for("evaluator").get(f"{API}budget-exante-assessments/{theirs.pk}/").status_code == 404
    response = api_for("evaluator").post(
        f"{API}budget-exante-assessments/", {"project": other.pk, "package": world["package"].pk}, format="json"
    )
    assert response.status_code == 404
    assert response.json()["detail"]
    # Nor do its lists show it; the firm cannot open the project's own pages at all.
    listed = api_for("evaluator").get(f"{API}budget-exante-assessments/").json()
    assert theirs.pk not in [a["id"] for a in listed["results"]]
    assert world["exante"].pk in [a["id"] for a in listed["results"]]
    assert client_for("evaluator").get(reverse("budgets:project_detail", args=[other.pk])).status_code == 403


def test_after_the_period_the_firm_is_refused_on_both_doors(client_for, api_for, world, monkeypatch):
    pk = world["exante"].pk
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY + dt.timedelta(days=31))
    assert client_for("evaluator").get(reverse("budgets:exante_detail", args=[pk])).status_code == 403
    response = api_for("evaluator").patch(f"{API}budget-exante-assessments/{pk}/", {"summary": "迟交"}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "assignment_closed"
    posted = client_for("evaluator").post(reverse("budgets:exante_edit", args=[pk]), {"summary": "迟交"})
    assert posted.status_code == 403
    world["exante"].refresh_from_db()
    assert world["exante"].summary == ""


def test_the_api_carries_the_whole_journey(api_for, departments, users, world):
    firm, finance = api_for("evaluator"), api_for("finance")
    pk = world["exante"].pk
    url = f"{API}budget-exante-assessments/{pk}/"
    lines = {d: {"score": s} for d, s in {"necessity": "20", "economy": "15", "targets": "15"}.items()}
    lines |= {"feasibility": {"score": "18"}, "funding": {"score": "14"}}
    body = {"lines": lines, "conclusion": "adjust", "summary": "调整后支持。", "version": 2}
    refused = firm.patch(url, body, format="json")
    assert refused.status_code == 400
    assert "required_changes" in refused.json()["errors"]
    saved = firm.patch(url, body | {"required_changes": "压减设备购置费 10%。"}, format="json")
    assert saved.status_code == 200, saved.content
    assert saved.json()["total"] == "82.00"
    stale = firm.patch(url, {"summary": "旧页面", "version": 2}, format="json")
    assert stale.status_code == 409
    submitted = firm.post(f"{url}submit/", {}, format="json")
    assert submitted.json()["status"] == "submitted"
    returned = finance.post(f"{url}return/", {}, format="json")
    assert returned.status_code == 400 and "reason" in returned.json()["errors"]
    accepted = finance.post(f"{url}accept/", {}, format="json")
    assert accepted.json()["status"] == "accepted"
    # The department's project now goes to finance; its detail shows the conclusion.
    filer = api_for("filer")
    project = filer.get(f"{API}budget-projects/{world['big'].pk}/").json()
    submit = filer.post(
        f"{API}budget-projects/{world['big'].pk}/submit/", {"version": project["version"]}, format="json"
    )
    assert submit.status_code == 200, submit.content
    assert filer.get(url).json()["conclusion"] == "adjust"


def test_the_api_refuses_submission_without_an_assessment_naming_the_field(api_for, departments):
    project = large_project(departments["edu"], amount="5000000.00")
    response = api_for("filer").post(f"{API}budget-projects/{project.pk}/submit/", {}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "exante_required"
    assert "exante" in body["errors"]
    under = large_project(departments["edu"], amount="4999999.99")
    assert api_for("filer").post(f"{API}budget-projects/{under.pk}/submit/", {}, format="json").status_code == 200


def test_the_project_page_shows_the_conclusion_and_the_refusal(client_for, departments, users):
    project = large_project(departments["edu"], name="智慧校园")
    concluded(project, users, conclusion="reject", summary="重复建设,不予支持。")
    page = client_for("filer").get(reverse("budgets:project_detail", args=[project.pk])).content.decode()
    assert "Not supported" in page or "不予支持" in page
    response = client_for("filer").post(reverse("budgets:project_submit", args=[project.pk]), {"version": 1})
    assert response.status_code == 400
    assert "重复建设,不予支持。" in response.content.decode()


def test_finance_assigns_work_on_the_page_with_field_errors(client_for, users, departments):
    big = large_project(departments["edu"])
    page = client_for("finance").post(
        reverse("budgets:package_create") + "?year=2026",
        {
            "evaluator": users["evaluator"].pk,
            "kind": "ex_ante",
            "year": 2026,
            "name": "任务",
            "starts_on": "2026-06-01",
        },
    )
    assert page.status_code == 400
    assert 'id="id_ends_on_error"' in page.content.decode()
    ok = client_for("finance").post(
        reverse("budgets:package_create") + "?year=2026",
        {
            "evaluator": users["evaluator"].pk,
            "kind": "ex_ante",
            "year": 2026,
            "name": "任务",
            "projects": [big.pk],
            "starts_on": "2026-06-01",
            "ends_on": "2026-07-01",
        },
    )
    assert ok.status_code == 302


def test_the_firm_fills_and_submits_on_the_page(client_for, users, world):
    http = client_for("evaluator")
    pk = world["exante"].pk
    data = {"version": 2, "conclusion": "support", "summary": "支持。"}
    for dim, score in {
        "necessity": "20",
        "economy": "15",
        "targets": "15",
        "feasibility": "18",
        "funding": "14",
    }.items():
        data |= {f"criteria_{dim}": "标准", f"score_{dim}": score, f"comment_{dim}": "说明"}
    too_high = http.post(reverse("budgets:exante_edit", args=[pk]), data | {"score_funding": "16"})
    assert too_high.status_code == 400
    assert 'id="id_score_funding_error"' in too_high.content.decode()
    assert http.post(reverse("budgets:exante_edit", args=[pk]), data).status_code == 302
    stale = http.post(reverse("budgets:exante_edit", args=[pk]), data)
    assert stale.status_code == 409
    assert http.post(reverse("budgets:exante_submit", args=[pk]), {"version": 3}).status_code == 302
    world["exante"].refresh_from_db()
    assert world["exante"].status == "submitted"
