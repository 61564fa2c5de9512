"""The disclosure pages (预算绩效信息公开): anonymous pages with their xlsx downloads; an item finance
withholds shows its reason in its place, and none of its values reaches the page or the xlsx."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from budgets import services
from budgets.models import Disclosure, SpendingRecord
from core.errors import ApplicationError, ConflictError
from tests.budgets.department_helpers import approved_sheet, record_all
from tests.budgets.factories import approved_project, key_lines

from .helpers import xlsx_rows

YEAR = 2026
REASON = "涉及国家秘密,依法不予公开"


@pytest.fixture
def disclosed(departments, users):
    """教育局: an approved department-wide sheet and two projects, all evaluated and published;
    水利局: one project whose targets and self-evaluation are withheld."""
    finance = users["finance"]
    edu, water = departments["edu"], departments["water"]
    open_project = approved_project(edu, name="学生资助项目", amount="2396300.00", code="edu-1")
    secret = approved_project(water, name="防汛应急物资储备", amount="8765432.10", code="water-1")
    for p in (open_project, secret):
        SpendingRecord.objects.create(project=p, amount=D("1000000.00"), date=dt.date(YEAR, 6, 1))
        services.actuals_record(project=p, actor=finance, values={t.pk: (t.value, "自评报告") for t in p.targets.all()})
        e = services.evaluation_compute(project=p, actor=finance)
        services.evaluation_confirm(evaluation=e, actor=finance)
        services.evaluation_publish(evaluation=e, actor=finance)
    sheet = approved_sheet(edu)
    record_all(sheet, finance)
    e = services.department_evaluation_compute(sheet=sheet, actor=finance)
    services.department_evaluation_confirm(evaluation=e, actor=finance)
    services.department_evaluation_publish(evaluation=e, actor=finance)
    for part in ("targets", "self_evaluation"):
        services.disclosure_set(project=secret, part=part, withheld=True, reason=REASON, actor=finance)
    return {"open": open_project, "secret": secret, "sheet": sheet, "evaluation": e}


def page(key, year=YEAR):
    return Client().get(reverse("public:disclosure", args=[year, key]))


def download(key, year=YEAR):
    return Client().get(reverse("public:disclosure_download", args=[year, key]))


def test_targets_page_is_anonymous_and_lists_department_wide_and_project_targets(disclosed):
    response = page("targets")
    assert response.status_code == 200
    html = response.content.decode()
    assert "学生资助项目" in html and "义务教育巩固率" in html and "组织活动场次" in html
    assert "239.63" in html  # the project's budget in 10k yuan


def test_a_withheld_item_shows_its_reason_and_none_of_its_values(disclosed):
    secret = disclosed["secret"]
    for key in ("targets", "self-evaluations"):
        html = page(key).content.decode()
        assert "防汛应急物资储备" in html and REASON in html
        assert "876.54" not in html and "876.5" not in html  # its budget in 10k yuan
    rows = xlsx_rows(download("targets").content)
    withheld = [r for r in rows if r[1] == "防汛应急物资储备"]
    assert len(withheld) == 1 and withheld[0][-1] == REASON
    assert all(v is None for v in withheld[0][2:-1])
    # None of its targets' names reaches the xlsx (its sheet shares names with 教育局's: count them).
    shown_targets = [r[4] for r in rows if r[1] == "学生资助项目"]
    assert len(shown_targets) == 4
    assert sum(1 for r in rows if r[4] == "组织活动场次") == 1
    eval_rows = xlsx_rows(download("self-evaluations").content)
    withheld = [r for r in eval_rows if r[1] == "防汛应急物资储备"]
    assert len(withheld) == 1 and withheld[0][-1] == REASON and all(v is None for v in withheld[0][2:-1])
    # The results page leaves the withheld project's targets and evaluation out as well.
    year_page = Client().get(reverse("public:download", args=[YEAR, "budget_targets", "xlsx"]))
    assert "防汛应急物资储备" not in [r[1] for r in xlsx_rows(year_page.content)]
    budget = xlsx_rows(Client().get(reverse("public:download", args=[YEAR, "budget", "xlsx"])).content)
    row = next(r for r in budget if r[1] == "防汛应急物资储备")
    assert row[3] is None  # no evaluation score
    assert secret.evaluations.get().total is not None  # (it has one: it is only withheld)


def test_self_evaluations_page_lists_the_department_wide_result(disclosed):
    html = page("self-evaluations").content.decode()
    total = disclosed["evaluation"].total
    assert "教育局" in html and f"{total:.2f}" in html
    rows = xlsx_rows(download("self-evaluations").content)
    assert rows[0][-1]  # the reason column has a header
    dept_row = next(r for r in rows if r[0] == "教育局" and r[4] is not None and D(str(r[4])) == total)
    assert dept_row[-1] in (None, "")


def test_disclosing_again_shows_the_values(disclosed, users):
    services.disclosure_set(
        project=disclosed["secret"], part="targets", withheld=False, reason="", actor=users["finance"]
    )
    html = page("targets").content.decode()
    assert "876.54" in html and REASON not in html.split("自评")[0]


def test_an_unpublished_evaluation_is_not_disclosed(departments, users):
    p = approved_project(departments["edu"], name="未公开项目", code="edu-9")
    services.actuals_record(project=p, actor=users["finance"], values={t.pk: (t.value, "") for t in p.targets.all()})
    services.evaluation_compute(project=p, actor=users["finance"])
    assert "未公开项目" not in page("self-evaluations").content.decode()
    assert "未公开项目" in page("targets").content.decode()  # approved targets are public


def test_key_evaluation_page_is_public_and_says_when_there_is_none(disclosed):
    response = page("key-evaluations")
    assert response.status_code == 200
    assert download("key-evaluations").status_code == 200
    assert page("nothing").status_code == 404
    assert page("targets", year=1999).status_code == 404


def test_withholding_needs_a_reason_is_audited_and_refuses_a_stale_page(disclosed, users):
    p = disclosed["open"]
    with pytest.raises(ApplicationError) as refused:
        services.disclosure_set(project=p, part="targets", withheld=True, reason="  ", actor=users["finance"])
    assert "reason" in refused.value.errors
    assert not Disclosure.objects.filter(project=p).exists()
    decision = services.disclosure_set(project=p, part="targets", withheld=True, reason="涉密", actor=users["finance"])
    with pytest.raises(ConflictError):
        services.disclosure_set(
            project=p, part="targets", withheld=False, reason="", actor=users["finance"], expected_version=0
        )
    event = AuditEvent.objects.filter(action="budgets.disclosure.withheld", object_id=str(decision.pk)).get()
    assert event.after["reason"] == "涉密"


def test_disclosure_api_is_finance_only(disclosed, api_for):
    body = {"project": disclosed["open"].pk, "part": "self_evaluation", "withheld": True, "reason": ""}
    assert api_for("filer").post("/api/v1/budget-disclosures/", body, format="json").status_code == 403
    answer = api_for("finance").post("/api/v1/budget-disclosures/", body, format="json")
    assert answer.status_code == 400 and "reason" in answer.json()["errors"]
    body["reason"] = "正在整改,整改后公开"
    answer = api_for("finance").post("/api/v1/budget-disclosures/", body, format="json")
    assert answer.status_code == 200 and answer.json()["withheld"] is True
    listed = api_for("supervisor").get("/api/v1/budget-disclosures/?year=2026").json()
    assert {r["reason"] for r in listed["results"]} >= {REASON, "正在整改,整改后公开"}
    assert "学生资助项目" not in [r[1] for r in xlsx_rows(download("self-evaluations").content) if r[-1] in (None, "")]


def test_a_withheld_department_wide_sheet_shows_only_its_reason(disclosed, users):
    sheet = disclosed["sheet"]
    reason = "部门整体绩效目标涉及未公开的机构改革事项,暂不公开"
    for part in ("targets", "self_evaluation"):
        services.disclosure_set(department_sheet=sheet, part=part, withheld=True, reason=reason, actor=users["finance"])
    for key in ("targets", "self-evaluations"):
        html = page(key).content.decode()
        assert reason in html and "义务教育巩固率" not in html
        rows = xlsx_rows(download(key).content)
        dept_rows = [r for r in rows if r[0] == "教育局" and r[-1] == reason]
        assert len(dept_rows) == 1 and all(v is None for v in dept_rows[0][2:-1])
        assert "义务教育巩固率" not in [r[4] for r in rows]
    # The project of 教育局 happens to score the same as the department (same money, same targets):
    # the figure shows once, for the project only.
    total = disclosed["evaluation"].total
    assert page("self-evaluations").content.decode().count(f">{total:.2f}<") == 1


def test_an_accepted_key_evaluation_is_disclosed_and_a_withheld_one_shows_only_its_reason(disclosed, users):
    finance = users["finance"]
    open_project, secret = disclosed["open"], disclosed["secret"]
    for project, total in ((open_project, "71.50"), (secret, "64.25")):
        key = services.key_start(project=project, actor=finance)
        services.key_save(key=key, actor=finance, data={"lines": key_lines(total), "findings": "抽查核实"})
        services.key_submit(key=key, actor=finance)  # finance's own: accepted when submitted
    draft = approved_project(disclosed["open"].department, name="重点评价草稿项目", code="edu-8")
    services.key_start(project=draft, actor=finance)  # a draft key evaluation is never shown
    services.disclosure_set(project=secret, part="key_evaluation", withheld=True, reason=REASON, actor=finance)
    html = page("key-evaluations").content.decode()
    assert "学生资助项目" in html and "71.50" in html
    assert "防汛应急物资储备" in html and REASON in html and "64.25" not in html
    assert "重点评价草稿项目" not in html
    rows = xlsx_rows(download("key-evaluations").content)
    shown = next(r for r in rows if r[1] == "学生资助项目")
    assert any(v is not None and str(v) in ("71.5", "71.50") for v in shown)
    withheld = next(r for r in rows if r[1] == "防汛应急物资储备")
    assert withheld[-1] == REASON and all(v is None for v in withheld[2:-1])
