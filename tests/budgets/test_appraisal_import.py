"""The ex-ante assessment's score sheet from xlsx: all cells or none, each bad cell named, the
stale-page check and the firm's scope, on the page and through the API."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import Workbook, load_workbook

from audit.models import AuditEvent
from budgets import appraisal_import, services
from core.errors import ConflictError

from .appraisal_world import TODAY, large_project, package

pytestmark = pytest.mark.django_db

API = "/api/v1/budget-exante-assessments/"

GOOD_LINES = [
    ["立项必要性", "项目符合城市规划。", 25, 22, "需求调查充分"],
    ["economy", "成本测算依据充分。", 20, 16.5, "单价参照市场价"],
    ["绩效目标合理性", "目标可衡量。", 20, 17, ""],
    ["feasibility", "实施方案可行。", 20, 18, "进度安排合理"],
    ["筹资合规性", "资金来源合规。", 15, 14, ""],
]
GOOD_CONCLUSION = [["调整后支持", "压减设备购置预算20%。", "立项依据充分，但设备配置标准偏高。"]]


def workbook(lines=GOOD_LINES, conclusion=GOOD_CONCLUSION) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "lines"
    ws.append(appraisal_import.LINE_COLUMNS)
    for row in lines:
        ws.append(row)
    if conclusion is not None:
        ws2 = wb.create_sheet("conclusion")
        ws2.append(appraisal_import.CONCLUSION_COLUMNS)
        for row in conclusion:
            ws2.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)


@pytest.fixture
def assessment(departments, users):
    project = large_project(departments["edu"])
    return services.exante_start(project=project, actor=users["evaluator"], package=package(users, [project]))


def _upload(content=None, name="sheet.xlsx"):
    return SimpleUploadedFile(name, content or workbook(), content_type="application/octet-stream")


def test_a_good_file_writes_every_line_and_the_conclusion(assessment, users):
    result = appraisal_import.run(
        assessment=assessment, content=workbook(), actor=users["evaluator"], expected_version=1
    )
    assert result.valid and result.written
    assessment.refresh_from_db()
    lines = {line.dimension: line for line in assessment.lines.all()}
    assert lines["economy"].score == Decimal("16.50") and lines["economy"].criteria == "成本测算依据充分。"
    assert lines["necessity"].comment == "需求调查充分"
    assert assessment.total == Decimal("87.50")
    assert (assessment.conclusion, assessment.required_changes) == ("adjust", "压减设备购置预算20%。")
    assert assessment.version == 2
    saved = AuditEvent.objects.get(action="budgets.exante.saved")
    assert saved.before["lines"][0]["score"] is None and saved.after["total"] == "87.50"
    assert AuditEvent.objects.filter(action="budgets.exante.imported").count() == 1


def test_two_bad_cells_are_both_named_in_chinese_and_nothing_is_written(assessment, users):
    lines = [list(r) for r in GOOD_LINES]
    lines[1][3] = 21  # economy: above its 20 points
    lines[3][3] = "很好"  # feasibility: not a number
    with translation.override("zh-hans"):
        result = appraisal_import.run(
            assessment=assessment, content=workbook(lines), actor=users["evaluator"], expected_version=1
        )
        cells = [(e.sheet, e.row, e.field) for e in result.errors]
        messages = [e.message for e in result.errors]
    assert cells == [("lines", 3, "score"), ("lines", 5, "score")]
    assert "20" in messages[0] and any("\u4e00" <= ch <= "\u9fff" for ch in messages[0] + messages[1])
    assert not result.written
    assessment.refresh_from_db()
    assert assessment.version == 1 and assessment.conclusion == ""
    assert all(line.score is None for line in assessment.lines.all())
    assert not AuditEvent.objects.filter(action__in=["budgets.exante.saved", "budgets.exante.imported"]).exists()


def test_other_bad_cells_are_named_too(assessment, users):
    lines = [list(r) for r in GOOD_LINES]
    lines[0][2] = 30  # the year's weight changed
    lines[2][1] = ""  # criteria left empty
    lines.append(["立项必要性", "重复", 25, 20, ""])  # a dimension twice
    lines.append(["效益", "x", 10, 1, ""])  # no such dimension
    result = appraisal_import.run(
        assessment=assessment,
        content=workbook(lines, [["调整后支持", "", ""], ["支持", "", ""]]),
        actor=users["evaluator"],
    )
    assert [(e.sheet, e.row, e.field) for e in result.errors] == [
        ("lines", 2, "points"),
        ("lines", 4, "criteria"),
        ("lines", 7, "dimension"),
        ("lines", 8, "dimension"),
        ("conclusion", 3, "conclusion"),
        ("conclusion", 2, "required_changes"),
    ]
    assert assessment.lines.filter(score__isnull=False).count() == 0


def test_a_stale_assessment_is_refused(assessment, users):
    services.exante_save(assessment=assessment, actor=users["evaluator"], data={"summary": "先存一稿"})
    with pytest.raises(ConflictError):
        appraisal_import.run(assessment=assessment, content=workbook(), actor=users["evaluator"], expected_version=1)
    assessment.refresh_from_db()
    assert assessment.summary == "先存一稿" and assessment.version == 2


def test_the_page_imports_and_names_bad_cells(client_for, assessment):
    url = reverse("budgets:exante_import", args=[assessment.pk])
    page = client_for("evaluator").get(url)
    assert page.status_code == 200 and reverse("budgets:exante_import_template", args=[assessment.pk]) in (
        page.content.decode()
    )
    lines = [list(r) for r in GOOD_LINES]
    lines[0][3] = -1
    lines[4][3] = "1.234"
    bad = client_for("evaluator").post(url, {"file": _upload(workbook(lines)), "version": 1})
    assert bad.status_code == 400
    html = bad.content.decode()
    assert 'data-cell="lines!2!score"' in html and 'data-cell="lines!6!score"' in html
    # a stale page
    stale = client_for("evaluator").post(url, {"file": _upload(), "version": 0})
    assert stale.status_code == 409 and stale.context["form"].non_field_errors()
    assert assessment.lines.filter(score__isnull=False).count() == 0
    ok = client_for("evaluator").post(url, {"file": _upload(), "version": 1})
    assert ok.status_code == 302 and ok["Location"] == reverse("budgets:exante_detail", args=[assessment.pk])
    assessment.refresh_from_db()
    assert assessment.total == Decimal("87.50")
    not_xlsx = client_for("evaluator").post(url, {"file": _upload(b"%PDF-1.4 x"), "version": 2})
    assert not_xlsx.status_code == 400 and "file" in not_xlsx.context["form"].errors


def test_the_template_is_the_sheet_as_it_is_and_imports_back(client_for, assessment, users):
    services.exante_save(
        assessment=assessment, actor=users["evaluator"], data={"lines": {"necessity": {"score": "20.5"}}}
    )
    response = client_for("evaluator").get(reverse("budgets:exante_import_template", args=[assessment.pk]))
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in wb["lines"][1]] == appraisal_import.LINE_COLUMNS
    assert wb["lines"].max_row == 6 and wb["conclusion"].max_row == 2
    result = appraisal_import.run(assessment=assessment, content=response.content, actor=users["evaluator"])
    assert result.valid, result.errors
    assessment.refresh_from_db()
    assert assessment.lines.get(dimension="necessity").score == Decimal("20.50")


def test_the_api_imports_names_bad_cells_and_refuses_stale(api_for, assessment):
    url = f"{API}{assessment.pk}/import/"
    lines = [list(r) for r in GOOD_LINES]
    lines[1][3] = 21
    lines[3][3] = "很好"
    bad = api_for("evaluator").post(url, {"file": _upload(workbook(lines)), "version": 1}, format="multipart")
    assert bad.status_code == 400
    body = bad.json()
    assert body["detail"] and body["code"] == "invalid" and body["written"] is False
    assert set(body["errors"]) == {"lines.3.score", "lines.5.score"}
    assert [(c["row"], c["field"]) for c in body["cells"]] == [(3, "score"), (5, "score")]
    dry = api_for("evaluator").post(url, {"file": _upload(), "version": 1, "dry_run": "true"}, format="multipart")
    assert dry.status_code == 200 and dry.json()["valid"] and not dry.json()["written"]
    ok = api_for("evaluator").post(url, {"file": _upload(), "version": 1}, format="multipart")
    assert ok.status_code == 200 and ok.json()["written"] is True
    stale = api_for("evaluator").post(url, {"file": _upload(), "version": 1}, format="multipart")
    assert stale.status_code == 409 and stale.json()["code"] == "conflict"
    template = api_for("finance").get(f"{API}{assessment.pk}/import-template/")
    assert template.status_code == 200 and template.content.startswith(b"PK")


def test_scope_an_evaluator_not_assigned_gets_404_and_finance_cannot_import_the_firms_work(
    client_for, api_for, departments, users, assessment
):
    other = large_project(departments["edu"])
    finance_own = services.exante_start(project=other, actor=users["finance"])
    assert client_for("evaluator").get(reverse("budgets:exante_import", args=[finance_own.pk])).status_code == 404
    posted = client_for("evaluator").post(
        reverse("budgets:exante_import", args=[finance_own.pk]), {"file": _upload(), "version": 1}
    )
    assert posted.status_code == 404
    response = api_for("evaluator").post(
        f"{API}{finance_own.pk}/import/", {"file": _upload(), "version": 1}, format="multipart"
    )
    assert response.status_code == 404
    # Finance reviews the firm's work and does not change it: the page offers no form, the API refuses.
    page = client_for("finance").get(reverse("budgets:exante_import", args=[assessment.pk]))
    assert page.status_code == 200 and 'enctype="multipart/form-data"' not in page.content.decode()
    refused = api_for("finance").post(
        f"{API}{assessment.pk}/import/", {"file": _upload(), "version": 1}, format="multipart"
    )
    assert refused.status_code == 400 and refused.json()["code"] == "not_yours"
    # Departments have no use of it at all; finance imports its own.
    assert client_for("filer").get(reverse("budgets:exante_import", args=[assessment.pk])).status_code == 403
    own = api_for("finance").post(
        f"{API}{finance_own.pk}/import/", {"file": _upload(), "version": 1}, format="multipart"
    )
    assert own.status_code == 200
    for a in (assessment, finance_own):
        a.refresh_from_db()
    assert assessment.total is None and finance_own.total == Decimal("87.50")


def test_after_the_period_the_firm_gets_403(client_for, api_for, assessment, monkeypatch):
    import datetime as dt

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY + dt.timedelta(days=31))
    url = reverse("budgets:exante_import", args=[assessment.pk])
    assert client_for("evaluator").post(url, {"file": _upload(), "version": 1}).status_code == 403
    response = api_for("evaluator").post(
        f"{API}{assessment.pk}/import/", {"file": _upload(), "version": 1}, format="multipart"
    )
    assert response.status_code == 403 and response.json()["code"] == "assignment_closed"
    assessment.refresh_from_db()
    assert assessment.total is None
