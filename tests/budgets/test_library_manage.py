"""Finance keeps the shared indicator library: add, change, retire, bring back; pages and API."""

from decimal import Decimal

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from budgets import importing, services
from budgets.models import BudgetTarget, LibraryIndicator, Sector
from core.errors import ApplicationError

from .factories import ProjectFactory, TargetFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/budget-library-indicators/"


@pytest.fixture
def sectors(db):
    return {
        "edu": Sector.objects.create(code="edu", name="教育", order=1),
        "health": Sector.objects.create(code="health", name="卫生健康", order=2),
    }


@pytest.fixture
def beds(sectors):
    return LibraryIndicator.objects.create(
        code="hl-out-01",
        sector=sectors["health"],
        dimension="output",
        subdimension="quantity",
        name="新增床位数",
        unit="张",
        operator="ge",
    )


FORM = {
    "code": "edu-out-09",
    "sector": "",
    "dimension": "output",
    "subdimension": "quantity",
    "name": "新建校舍面积",
    "unit": "平方米",
    "operator": "ge",
    "definition": "当年竣工验收的校舍建筑面积。",
}


def test_finance_adds_an_indicator_on_the_page_and_it_is_audited(client_for, sectors):
    data = FORM | {"sector": sectors["edu"].pk}
    response = client_for("finance").post(reverse("budgets:library_create"), data)
    assert response.status_code == 302
    ind = LibraryIndicator.objects.get(code="edu-out-09")
    assert (ind.sector, ind.name, ind.unit, ind.is_active, ind.version) == (
        sectors["edu"],
        "新建校舍面积",
        "平方米",
        True,
        1,
    )
    event = AuditEvent.objects.get(action="budgets.library.created")
    assert event.before is None and event.after["name"] == "新建校舍面积"


def test_bad_fields_are_each_named_and_nothing_is_written(client_for, sectors, beds):
    data = FORM | {"sector": sectors["edu"].pk, "code": "hl-out-01", "subdimension": "social", "name": ""}
    response = client_for("finance").post(reverse("budgets:library_create"), data)
    assert response.status_code == 400
    form = response.context["form"]
    assert "name" in form.errors
    # a sub-dimension of another level 1 and a code already taken, both named at once
    response = client_for("finance").post(reverse("budgets:library_create"), data | {"name": "新建校舍面积"})
    errors = response.context["form"].errors
    assert "subdimension" in errors and "code" in errors
    assert LibraryIndicator.objects.count() == 1


def test_a_department_user_and_the_supervision_office_get_403(client_for, api_for, beds):
    for role in ("filer", "dept_head", "supervisor", "leader", "evaluator"):
        assert client_for(role).get(reverse("budgets:library_create")).status_code == 403
        assert client_for(role).post(reverse("budgets:library_retire", args=[beds.pk]), {}).status_code == 403
        assert api_for(role).patch(f"{API}{beds.pk}/", {"name": "x"}, format="json").status_code == 403
    assert api_for("filer").get(f"{API}{beds.pk}/").status_code == 200  # reading stays open
    beds.refresh_from_db()
    assert beds.is_active and beds.name == "新增床位数"


def test_duplicate_name_within_the_same_sector_and_levels_is_refused(sectors, beds, users):
    data = {k: v for k, v in FORM.items() if k != "code"} | {"sector": sectors["health"], "name": "新增床位数"}
    with pytest.raises(ApplicationError) as exc:
        services.library_indicator_save(actor=users["finance"], data=data | {"code": "hl-out-02"})
    assert exc.value.code == "duplicate" and "name" in exc.value.errors
    # the same name in another sector, or under another level 2, is a different indicator
    services.library_indicator_save(actor=users["finance"], data=data | {"code": "edu-x", "sector": sectors["edu"]})
    services.library_indicator_save(actor=users["finance"], data=data | {"code": "hl-y", "subdimension": "quality"})
    # a retired indicator frees its name; bringing it back while the name is taken is refused
    services.library_indicator_retire(indicator=beds, actor=users["finance"])
    again = services.library_indicator_save(actor=users["finance"], data=data | {"code": "hl-out-02"})
    with pytest.raises(ApplicationError) as exc:
        services.library_indicator_retire(indicator=beds, actor=users["finance"], retire=False)
    assert exc.value.code == "duplicate"
    assert again.is_active and not LibraryIndicator.objects.get(pk=beds.pk).is_active


def test_stale_edit_is_refused_on_the_page_and_in_the_api(client_for, api_for, sectors, beds):
    url = reverse("budgets:library_edit", args=[beds.pk])
    data = FORM | {"sector": sectors["health"].pk, "name": "新增床位", "version": 1}
    assert client_for("finance").post(url, data).status_code == 302
    beds.refresh_from_db()
    assert (beds.name, beds.version) == ("新增床位", 2)
    stale = client_for("finance").post(url, data | {"name": "床位数"})  # opened at version 1
    assert stale.status_code == 400 and stale.context["form"].non_field_errors()
    response = api_for("finance").patch(f"{API}{beds.pk}/", {"name": "床位数", "version": 1}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "conflict"
    response = api_for("finance").post(f"{API}{beds.pk}/retire/", {"version": 1}, format="json")
    assert response.status_code == 409
    beds.refresh_from_db()
    assert (beds.name, beds.is_active, beds.code) == ("新增床位", True, "hl-out-01")
    event = AuditEvent.objects.get(action="budgets.library.updated")
    assert event.before["name"] == "新增床位数" and event.after["name"] == "新增床位"


def test_the_code_never_changes_and_levels_stay_while_targets_use_it(beds, users):
    TargetFactory(name="新增床位数", library_indicator=beds)
    with pytest.raises(ApplicationError) as exc:
        services.library_indicator_save(actor=users["finance"], indicator=beds, data={"code": "other"})
    assert "code" in exc.value.errors
    with pytest.raises(ApplicationError) as exc:
        services.library_indicator_save(actor=users["finance"], indicator=beds, data={"subdimension": "quality"})
    assert exc.value.code == "in_use" and "dimension" in exc.value.errors
    done = services.library_indicator_save(actor=users["finance"], indicator=beds, data={"unit": "床"})
    assert done.unit == "床" and done.subdimension == "quantity"


def test_api_create_change_retire_reinstate(api_for, sectors, beds):
    body = FORM | {"sector": "edu"}
    created = api_for("finance").post(API, body, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["code"] == "edu-out-09" and created.json()["version"] == 1
    dup = api_for("finance").post(API, body, format="json")
    assert dup.status_code == 400 and dup.json()["code"] == "duplicate"
    assert set(dup.json()["errors"]) >= {"code", "name"}
    unknown = api_for("finance").post(API, body | {"code": "z-1", "sector": "nope"}, format="json")
    assert unknown.status_code == 400 and "sector" in unknown.json()["errors"]
    pk = created.json()["id"]
    changed = api_for("finance").patch(f"{API}{pk}/", {"definition": "新口径", "version": 1}, format="json")
    assert changed.status_code == 200 and changed.json()["definition"] == "新口径"
    retired = api_for("finance").post(f"{API}{pk}/retire/", {"version": 2}, format="json")
    assert retired.status_code == 200 and retired.json()["is_active"] is False
    again = api_for("finance").post(f"{API}{pk}/retire/", {}, format="json")
    assert again.status_code == 400 and again.json()["code"] == "invalid_state"
    listed = api_for("filer").get(API).json()
    assert [r["code"] for r in listed["results"]] == ["hl-out-01"]
    assert [r["code"] for r in api_for("filer").get(API + "?state=retired").json()["results"]] == ["edu-out-09"]
    assert api_for("filer").get(f"{API}{pk}/").json()["is_active"] is False
    back = api_for("finance").post(f"{API}{pk}/reinstate/", {"version": 3}, format="json")
    assert back.status_code == 200 and back.json()["is_active"] is True
    actions = list(
        AuditEvent.objects.filter(action__startswith="budgets.library.").order_by("pk").values_list("action", flat=True)
    )
    assert actions == [
        "budgets.library.created",
        "budgets.library.updated",
        "budgets.library.retired",
        "budgets.library.reinstated",
    ]


def test_a_retired_indicator_stays_on_old_sheets_but_cannot_be_newly_chosen(
    client_for, api_for, departments, beds, users
):
    old = ProjectFactory(department=departments["edu"])
    kept = TargetFactory(project=old, name="新增床位数", library_indicator=beds, value=Decimal(20))
    services.library_indicator_retire(indicator=beds, actor=users["finance"])
    # the old target keeps it and can still be changed with it
    services.target_save(project=old, actor=users["filer"], target=kept, data={"value": Decimal(25)})
    kept.refresh_from_db()
    assert kept.library_indicator_id == beds.pk and kept.value == Decimal(25)
    edit = client_for("filer").get(reverse("budgets:target_edit", args=[old.pk, kept.pk])).content.decode()
    assert f'value="{beds.pk}" selected' in edit
    # a new target (service, page, API, import) cannot choose it
    new = ProjectFactory(department=departments["edu"])
    with pytest.raises(ApplicationError) as exc:
        services.target_save(
            project=new,
            actor=users["filer"],
            data={
                "dimension": "output",
                "subdimension": "quantity",
                "name": "床位",
                "value": Decimal(1),
                "library_indicator": beds,
            },
        )
    assert "library_indicator" in exc.value.errors
    form = client_for("filer").get(reverse("budgets:target_create", args=[new.pk])).content.decode()
    assert f'value="{beds.pk}"' not in form
    picked = client_for("filer").get(reverse("budgets:target_create", args=[new.pk]) + f"?library={beds.pk}")
    assert 'value="新增床位数"' not in picked.content.decode()
    response = api_for("filer").post(
        "/api/v1/budget-targets/",
        {
            "project": new.pk,
            "dimension": "output",
            "subdimension": "quantity",
            "name": "床位",
            "operator": "ge",
            "value": "1",
            "library_indicator": "hl-out-01",
        },
        format="json",
    )
    assert response.status_code == 400 and "library_indicator" in response.json()["errors"]
    assert not BudgetTarget.objects.filter(project=new).exists()
    # the library page no longer offers it to a sheet
    page = client_for("filer").get(reverse("budgets:library") + f"?project={new.pk}").content.decode()
    assert "新增床位数" not in page


def test_import_names_a_retired_library_indicator(departments, beds, users):
    import io

    from openpyxl import Workbook

    services.library_indicator_retire(indicator=beds, actor=users["finance"])
    wb = Workbook()
    ws = wb.active
    ws.title = "projects"
    ws.append(importing.PROJECT_COLUMNS)
    ws.append(["edu-2026-201", "edu", 2026, "床位", 1000000, "general", "livelihood", ""])
    ws2 = wb.create_sheet("targets")
    ws2.append(importing.TARGET_COLUMNS)
    ws2.append(["edu-2026-201", "output", "quantity", "新增床位数", "ge", 20, "", "张", "", "", "hl-out-01", ""])
    buf = io.BytesIO()
    wb.save(buf)
    result = importing.run(content=buf.getvalue(), actor=users["finance"], dry_run=False)
    assert not result.valid and [(e.sheet, e.row, e.field) for e in result.errors] == [("targets", 2, "library")]
    assert not result.created


def test_retired_filter_and_buttons_on_the_pages(client_for, beds, users):
    services.library_indicator_retire(indicator=beds, actor=users["finance"])
    assert "新增床位数" not in client_for("filer").get(reverse("budgets:library")).content.decode()
    retired = client_for("filer").get(reverse("budgets:library") + "?state=retired").content.decode()
    assert "新增床位数" in retired
    detail = client_for("finance").get(reverse("budgets:library_detail", args=[beds.pk])).content.decode()
    assert reverse("budgets:library_retire", args=[beds.pk]) in detail
    assert (
        reverse("budgets:library_edit", args=[beds.pk])
        not in client_for("filer").get(reverse("budgets:library_detail", args=[beds.pk])).content.decode()
    )
    response = client_for("finance").post(
        reverse("budgets:library_retire", args=[beds.pk]), {"retire": "0", "version": beds.version + 1}
    )
    assert response.status_code == 302
    beds.refresh_from_db()
    assert beds.is_active


def _library_workbook(rows) -> bytes:
    import io

    from openpyxl import Workbook

    from budgets import library_import

    wb = Workbook()
    ws = wb.active
    ws.title = "indicators"
    ws.append(library_import.COLUMNS)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


GOOD_ROWS = [
    ["edu-out-10", "edu", "产出", "数量", "新建校舍面积", "平方米", "≥", "当年竣工验收的校舍建筑面积。"],
    ["hl-eff-01", "卫生健康", "effect", "social", "急救反应时间", "分钟", "≤", ""],
]


def test_library_import_all_or_nothing_with_each_bad_cell_named(sectors, beds, users):
    from budgets import library_import

    bad = [
        *GOOD_ROWS,
        ["hl-out-01", "health", "output", "quantity", "床位使用率", "%", "ge", ""],  # code taken
        ["x-1", "nope", "产出", "social", "新增病床", "张", "≥", ""],  # unknown sector, level 2 of another level 1
        ["x-2", "edu", "产出", "数量", "新建校舍面积", "平方米", "≥", ""],  # same name as row 2 above
    ]
    result = library_import.run(content=_library_workbook(bad), actor=users["finance"], dry_run=False)
    cells = sorted((e.row, e.field) for e in result.errors)
    assert cells == [(4, "code"), (5, "sector"), (5, "subdimension"), (6, "name")]
    assert not result.created and LibraryIndicator.objects.count() == 1
    assert not AuditEvent.objects.filter(action__startswith="budgets.library.").exists()
    ok = library_import.run(content=_library_workbook(GOOD_ROWS), actor=users["finance"], dry_run=False)
    assert ok.valid and [i.code for i in ok.created] == ["edu-out-10", "hl-eff-01"]
    made = LibraryIndicator.objects.get(code="hl-eff-01")
    assert (made.sector.code, made.dimension, made.subdimension, made.operator) == ("health", "effect", "social", "le")
    assert AuditEvent.objects.filter(action="budgets.library.imported").count() == 1


def test_library_import_page_and_api(client_for, api_for, sectors):
    from django.core.files.uploadedfile import SimpleUploadedFile

    def upload(rows):
        return SimpleUploadedFile("lib.xlsx", _library_workbook(rows), content_type="application/octet-stream")

    assert client_for("filer").get(reverse("budgets:library_import")).status_code == 403
    template = client_for("finance").get(reverse("budgets:library_import_template"))
    assert template.status_code == 200 and template.content.startswith(b"PK")
    bad = client_for("finance").post(reverse("budgets:library_import"), {"file": upload([GOOD_ROWS[0], GOOD_ROWS[0]])})
    assert bad.status_code == 400 and 'data-cell="3!code"' in bad.content.decode()
    dry = api_for("finance").post(API + "import/", {"file": upload(GOOD_ROWS)}, format="multipart")
    assert dry.status_code == 200 and dry.json()["created"] == ["edu-out-10", "hl-eff-01"]
    assert not LibraryIndicator.objects.exists()
    denied = api_for("supervisor").post(API + "import/", {"file": upload(GOOD_ROWS)}, format="multipart")
    assert denied.status_code == 403
    done = client_for("finance").post(reverse("budgets:library_import"), {"file": upload(GOOD_ROWS)})
    assert done.status_code == 302 and LibraryIndicator.objects.count() == 2
