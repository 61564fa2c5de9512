"""Import of projects with their target sheets from xlsx: a preview with row errors, then all rows or none."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from audit.models import AuditEvent
from budgets import importing
from budgets.models import BudgetProject, BudgetTarget
from core.errors import ApplicationError

pytestmark = pytest.mark.django_db

PROJECTS = [importing.PROJECT_COLUMNS]
GOOD_PROJECTS = [
    ["edu-2026-101", "edu", 2026, "校园文体活动支持资金", 2396300, "general", "livelihood", ""],
    ["water-2026-101", "water", 2026, "农村饮水工程", "9000000.00", "一般公共预算", "", ""],
]
GOOD_TARGETS = [
    ["edu-2026-101", "cost", "cost", "讲师课时费标准", "≤", 200, "", "元/人·课时", "", ""],
    ["edu-2026-101", "output", "quantity", "组织活动场次", "ge", 50, "", "场", "", ""],
    ["edu-2026-101", "效益", "social", "覆盖学校数", ">=", 120, "", "所", "", ""],
    ["edu-2026-101", "satisfaction", "", "满意度", "ge", 90, "", "%", "", ""],
    ["water-2026-101", "output", "quality", "水质达标率", "range", 95, 100, "%", "", ""],
]


def workbook(projects, targets) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "projects"
    ws.append(importing.PROJECT_COLUMNS)
    for row in projects:
        ws.append(row)
    ws2 = wb.create_sheet("targets")
    ws2.append(importing.TARGET_COLUMNS)
    for row in targets:
        ws2.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_a_good_file_imports_every_row(users, departments):
    result = importing.run(content=workbook(GOOD_PROJECTS, GOOD_TARGETS), actor=users["finance"], dry_run=False)
    assert result.valid, [e.as_json() for e in result.errors]
    edu = BudgetProject.objects.get(code="edu-2026-101")
    assert edu.amount == Decimal("2396300.00") and edu.status == "draft" and edu.department == departments["edu"]
    assert edu.category == "livelihood"
    water = BudgetProject.objects.get(code="water-2026-101")
    assert water.funding_source == "general"  # given by its Chinese label
    assert sorted(edu.targets.values_list("dimension", flat=True)) == ["cost", "effect", "output", "satisfaction"]
    assert edu.targets.get(name="讲师课时费标准").operator == "le"
    assert edu.targets.get(name="满意度").subdimension == "satisfaction"
    event = AuditEvent.objects.get(action="budgets.project.imported")
    assert event.data["projects"] == 2 and event.data["targets"] == 5


def test_a_file_with_one_bad_row_writes_nothing(users, departments):
    targets = [*GOOD_TARGETS, ["edu-2026-101", "output", "quantity", "坏目标", "ge", 0, "", "场", "", ""]]
    preview = importing.run(content=workbook(GOOD_PROJECTS, targets), actor=users["finance"], dry_run=True)
    assert not preview.valid
    assert [(e.sheet, e.row, e.field) for e in preview.errors] == [("targets", 7, "value")]
    result = importing.run(content=workbook(GOOD_PROJECTS, targets), actor=users["finance"], dry_run=False)
    assert not result.valid
    assert not BudgetProject.objects.exists() and not BudgetTarget.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="budgets.").exists()


@pytest.mark.parametrize(
    ("sheet", "row", "column", "value", "field"),
    [
        ("projects", 0, 1, "nowhere", "department"),
        ("projects", 0, 4, "-5", "amount"),
        ("projects", 0, 4, "lots", "amount"),
        ("projects", 0, 2, "20x6", "year"),
        ("projects", 0, 3, "名" * 201, "name"),
        ("projects", 0, 5, "lottery", "funding_source"),
        ("projects", 0, 0, "", "code"),
        ("targets", 0, 1, "happiness", "dimension"),
        ("targets", 0, 0, "no-such-project", "project"),
        ("targets", 4, 6, "", "upper"),
        ("targets", 0, 8, "no_such_indicator", "indicator"),
    ],
)
def test_row_errors_name_the_sheet_row_and_column(users, departments, sheet, row, column, value, field):
    projects = [list(r) for r in GOOD_PROJECTS]
    targets = [list(r) for r in GOOD_TARGETS]
    (projects if sheet == "projects" else targets)[row][column] = value
    result = importing.run(content=workbook(projects, targets), actor=users["finance"], dry_run=False)
    assert not result.valid
    assert any(e.sheet == sheet and e.field == field for e in result.errors), [e.as_json() for e in result.errors]
    assert not BudgetProject.objects.exists()


def test_existing_codes_and_duplicates_are_row_errors(users, departments):
    importing.run(content=workbook(GOOD_PROJECTS[:1], GOOD_TARGETS[:4]), actor=users["finance"], dry_run=False)
    result = importing.run(
        content=workbook([GOOD_PROJECTS[0], GOOD_PROJECTS[1], GOOD_PROJECTS[1]], []), actor=users["finance"]
    )
    fields = [(e.row, e.field) for e in result.errors]
    assert (2, "code") in fields and (4, "code") in fields


def test_department_users_import_their_own_department_only(users, departments):
    result = importing.run(content=workbook(GOOD_PROJECTS, GOOD_TARGETS), actor=users["filer"], dry_run=False)
    assert [(e.row, e.field) for e in result.errors] == [(3, "department")]
    assert not BudgetProject.objects.exists()
    ok = importing.run(content=workbook(GOOD_PROJECTS[:1], GOOD_TARGETS[:4]), actor=users["filer"], dry_run=False)
    assert ok.valid and BudgetProject.objects.get().created_by == users["filer"]


def test_what_is_not_an_xlsx_workbook_is_refused(users):
    with pytest.raises(ApplicationError) as exc:
        importing.run(content=b"%PDF-1.4 not a workbook", actor=users["finance"])
    assert "file" in exc.value.errors
    with pytest.raises(ApplicationError):
        importing.run(content=b"PK\x03\x04garbage", actor=users["finance"])


def test_preview_then_confirm_in_the_browser(client_for, users, departments):
    client = client_for("finance")
    upload = SimpleUploadedFile("projects.xlsx", workbook(GOOD_PROJECTS, GOOD_TARGETS))
    response = client.post(reverse("budgets:import"), {"file": upload})
    assert response.status_code == 200
    token = response.context["token"]
    assert token and not BudgetProject.objects.exists()  # preview only
    # Another user cannot confirm this preview.
    other = client_for("filer")
    response = other.post(reverse("budgets:import"), {"confirm": "1", "token": token})
    assert response.status_code == 302 and not BudgetProject.objects.exists()
    response = client.post(reverse("budgets:import"), {"confirm": "1", "token": token})
    assert response.status_code == 302
    assert BudgetProject.objects.count() == 2


def test_preview_with_errors_offers_no_confirmation(client_for, users, departments):
    projects = [list(GOOD_PROJECTS[0])]
    projects[0][1] = "nowhere"
    upload = SimpleUploadedFile("projects.xlsx", workbook(projects, GOOD_TARGETS[:4]))
    response = client_for("finance").post(reverse("budgets:import"), {"file": upload})
    html = response.content.decode()
    assert response.context["token"] == ""
    assert 'name="confirm"' not in html and "nowhere" in html


def test_template_downloads_and_imports(client_for, users, departments):
    response = client_for("filer").get(reverse("budgets:import_template"))
    assert response.status_code == 200
    result = importing.run(content=response.content, actor=users["filer"], dry_run=True)
    assert result.valid and result.target_count == 4


def test_library_codes_are_imported_and_a_bad_one_is_named_with_nothing_written(users, departments):
    from budgets.models import LibraryIndicator, Sector

    sector = Sector.objects.create(code="edu", name="教育")
    LibraryIndicator.objects.create(
        code="edu-o-01", sector=sector, dimension="output", subdimension="quantity", name="活动场次", unit="场"
    )
    rows = [row + ["", ""] for row in GOOD_TARGETS]
    rows[1][-2] = "edu-o-01"
    rows[1][-1] = "场地改造,场次少于上年"
    bad = [list(r) for r in rows]
    bad[2][-2] = "no-such-code"
    result = importing.run(content=workbook(GOOD_PROJECTS, bad), actor=users["finance"], dry_run=False)
    assert not result.valid
    assert [(e.sheet, e.row, e.field) for e in result.errors] == [("targets", 4, "library")]
    assert not BudgetProject.objects.exists()
    result = importing.run(content=workbook(GOOD_PROJECTS, rows), actor=users["finance"], dry_run=False)
    assert result.valid
    target = BudgetTarget.objects.get(name="组织活动场次")
    assert target.library_indicator.code == "edu-o-01" and target.below_last_year_reason == "场地改造,场次少于上年"
