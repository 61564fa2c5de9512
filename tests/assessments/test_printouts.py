"""Print and export one thing: a quarterly report, a score with its ledger, the results notice;
the events list's filters and export. Who may open each URL is in tests/test_permission_matrix.py."""

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.test import Client
from openpyxl import load_workbook

from assessments import services
from assessments.models import Evidence
from tests.security.world import YEAR, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def login(world, role):
    c = Client()
    c.force_login(world.users[role])
    return c


def sheets(response) -> dict:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(response.content))
    return {ws.title: list(ws.values) for ws in wb.worksheets}


def test_report_printout_has_entries_evidence_and_review_history(world):
    report = world["q3_edu"]
    html = login(world, "filer").get(f"/assessments/reports/{report.pk}/print/").content.decode()
    assert 'class="pg-sheet"' in html and "data-print-page" in html
    assert "2026年第3季度" in html or "Q3" in html
    for entry in report.entries.select_related("assignment__indicator"):
        assert entry.assignment.indicator.name in html
    assert "按计划推进" in html  # the narrative
    assert "审核记录" in html and "已通过" in html  # revision 1, approved
    # The evidence list names each file attached to the report's entries
    q4 = world["q4_edu"]
    html = login(world, "filer").get(f"/assessments/reports/{q4.pk}/print/").content.decode()
    assert "evidence.pdf" in html


def test_report_workbook_has_an_entries_and_a_history_sheet(world):
    report = world["q3_edu"]
    book = sheets(login(world, "supervisor").get(f"/assessments/reports/{report.pk}/print/?format=xlsx"))
    entries, history = book["填报内容"], book["审核记录"]
    header = entries[3]
    assert header[1] == "指标" and header[9] == "进度"
    names = {row[1] for row in entries[4:]}
    assert names == {e.assignment.indicator.name for e in report.entries.select_related("assignment__indicator")}
    assert history[0][0] == "版本" and history[1][0] == 1 and history[1][4] == "已通过"


def test_evidence_removed_from_the_working_copy_is_not_listed(world):
    q4 = world["q4_edu"]
    Evidence.objects.filter(entry__report=q4).update(removed_at=dt.datetime(YEAR, 10, 1, tzinfo=dt.UTC))
    html = login(world, "filer").get(f"/assessments/reports/{q4.pk}/print/").content.decode()
    assert "evidence.pdf" not in html and "未附证明材料" in html


def test_score_printout_lists_every_ledger_line_and_the_total(world):
    score = world["score_edu"]
    html = login(world, "leader").get(f"/assessments/scores/edu/{YEAR}/annual/print/").content.decode()
    for line in score.lines.all():
        assert str(line.detail).split("。")[0][:20] in html
    assert f"{score.total:.2f}" in html
    assert "pg-sidenav" in html  # on screen the navigation stays; print.css hides it on paper


def test_score_workbook_lines_add_up_to_the_total(world):
    score = world["score_edu"]
    rows = sheets(login(world, "filer").get(f"/assessments/scores/edu/{YEAR}/annual/print/?format=xlsx"))["计分明细"]
    assert rows[1][0] == "合计" and Decimal(str(rows[1][1])) == score.total
    lines = [r for r in rows[5:] if r[1]]  # kind set: a ledger line (subtotals and total have none)
    assert len(lines) == score.lines.count()
    assert sum(Decimal(str(r[3])) for r in lines) == score.total


def ranked(world):
    """Ranks as a finished year has them (the small world's scores are held without a rank)."""
    scores = world.plan.scores.filter(period="annual")
    for code, rank in (("edu", 2), ("health", 1), ("water", 1)):
        scores.filter(department__code=code).update(rank=rank)


def test_notice_ranks_each_group_with_a_formal_heading_and_date(world):
    plan = world.plan
    ranked(world)
    publication = plan.publications.get(period="annual")
    html = login(world, "filer2").get(f"/assessments/scores/{YEAR}/notice/?period=annual").content.decode()
    assert f"{YEAR}年度绩效考核结果通报" in html
    assert "绩效考核办公室" in html
    day = publication.published_at.astimezone(dt.timezone(dt.timedelta(hours=8))).date()
    assert f"{day.year}年{day.month:02d}月{day.day:02d}日" in html
    # Each ranking group with its departments in rank order
    social = html.index("社会事业类")
    urban = html.index("城乡建设类")
    assert social < urban
    edu, health = html.index("教育局", social), html.index("卫生健康委", social)
    assert health < edu  # 卫生健康委 ranks first in its group
    assert html.index("水利局", urban) > urban


def test_notice_workbook_and_no_notice_before_publication(world):
    ranked(world)
    client = login(world, "supervisor")
    rows = sheets(client.get(f"/assessments/scores/{YEAR}/notice/?period=annual&format=xlsx"))["考核结果"]
    assert "结果通报" in rows[0][0]
    departments = {r[1] for r in rows if r and r[0] is not None and isinstance(r[0], int)}
    assert departments == {"教育局", "卫生健康委", "水利局"}
    assert client.get(f"/assessments/scores/{YEAR}/notice/?period=Q3").status_code == 404
    assert client.get(f"/assessments/scores/{YEAR}/notice/?period=Q9").status_code == 404


def test_links_to_the_printouts(world):
    client = login(world, "supervisor")
    report = world["q3_edu"]
    page = client.get(f"/assessments/reports/{report.pk}/").content.decode()
    assert f"/assessments/reports/{report.pk}/print/" in page
    assert (
        f"/assessments/scores/edu/{YEAR}/annual/print/"
        in client.get(f"/assessments/scores/edu/{YEAR}/annual/").content.decode()
    )
    assert (
        f"/assessments/scores/{YEAR}/notice/?period=annual"
        in client.get(f"/assessments/scores/?year={YEAR}&period=annual").content.decode()
    )


# --- Events: filters and export -----------------------------------------------------------------


@pytest.fixture
def events(world):
    plan, sup = world.plan, world.users["supervisor"]
    lib = plan.library
    bonus = lib.rules.filter(kind="bonus").first()
    extra = services.event_record(
        plan=plan,
        rule=bonus,
        department=world.departments["health"],
        date=dt.date(YEAR, 2, 10),
        occurrences=1,
        note='=HYPERLINK("http://x")',
        actor=sup,
    )
    services.event_void(event=world["event_water"], actor=sup, reason="重复登记")
    return {"bonus": extra, "bonus_rule": bonus}


def listed(html: str) -> set[str]:
    body = html.split("<tbody>", 1)[1]
    return {name for name in ("教育局", "卫生健康委", "水利局") if name in body}


def test_events_filter_by_department_rule_period_dates_and_status(world, events):
    client = login(world, "supervisor")
    url = "/assessments/events/"
    get = lambda **q: client.get(url, {"year": YEAR, **q}).content.decode()  # noqa: E731
    assert listed(get()) == {"教育局", "卫生健康委", "水利局"}
    assert listed(get(department="edu")) == {"教育局"}
    assert listed(get(rule=events["bonus_rule"].pk)) == {"卫生健康委"}
    assert listed(get(period="Q1")) == {"卫生健康委"}
    assert listed(get(period="Q4")) == {"教育局", "水利局"}
    assert listed(get(date_from=f"{YEAR}-11-01", date_to=f"{YEAR}-11-30")) == {"教育局", "水利局"}
    assert listed(get(status="withdrawn")) == {"水利局"}
    assert listed(get(status="in_force", period="Q4")) == {"教育局"}


def test_a_bad_filter_is_an_error_beside_its_field(world, events):
    html = (
        login(world, "supervisor")
        .get("/assessments/events/", {"year": YEAR, "date_from": f"{YEAR}-12-01", "date_to": f"{YEAR}-01-01"})
        .content.decode()
    )
    assert re.search(r'id="evf-date_to_error">\s*结束日期不能早于开始日期', html)
    assert html.count("结束日期不能早于开始日期") == 1
    html = login(world, "supervisor").get("/assessments/events/", {"year": YEAR, "date_from": "明天"}).content.decode()
    assert 'id="evf-date_from_error"' in html


def test_events_export_is_the_filtered_list_and_never_a_formula(world, events):
    client = login(world, "finance")
    rows = sheets(client.get("/assessments/events/", {"year": YEAR, "format": "xlsx"}))[str(YEAR)]
    assert rows[0][:4] == ("日期", "部门", "类型", "规则")
    assert len(rows) == 4
    by_dept = {r[1]: r for r in rows[1:]}
    assert by_dept["水利局"][8] == "已撤销" and by_dept["水利局"][9] == "重复登记"
    assert by_dept["卫生健康委"][6].startswith("'=")  # made inert
    rows = sheets(client.get("/assessments/events/", {"year": YEAR, "status": "withdrawn", "format": "xlsx"}))[
        str(YEAR)
    ]
    assert [r[1] for r in rows[1:]] == ["水利局"]
