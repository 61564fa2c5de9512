"""Each role's home is a to-do list: what waits, how many, and a link to where it is done."""

import datetime as dt
import re

from assessments import services
from assessments.models import Publication

from .test_reports import fill, report  # noqa: F401  (the report fixture)


def todo(client) -> dict[str, dict]:
    """The home page's to-do lines: label → {count, url, note}."""
    html = client.get("/").content.decode()
    out = {}
    for m in re.finditer(
        r'data-todo-count>(\d+)</span>\s*<div class="flex-grow-1">\s*<a href="([^"]+)" class="fw-semibold">([^<]+)</a>'
        r'(?:\s*<div class="small text-muted">([^<]*)</div>)?',
        html,
    ):
        url = m.group(2).replace("&amp;", "&")
        out[m.group(3).strip()] = {"count": int(m.group(1)), "url": url, "note": m.group(4)}
    return out


def test_the_supervisor_sees_reports_to_review_and_departments_overdue(report, users, client_for, freeze):  # noqa: F811
    supervisor = client_for("supervisor")
    lines = todo(supervisor)
    assert lines["待审核的报告"]["count"] == 0
    # before Q3's deadline (2026-10-10) only Q2 can be overdue: nobody filed it
    assert lines["2026 Q2 逾期未报的部门"]["count"] == 3
    fill(report, users["filer"])
    services.report_submit(report=report, actor=users["filer"])
    freeze(dt.date(2026, 10, 12))
    supervisor = client_for("supervisor")  # a fresh sign-in: the idle session of 10-05 has expired
    lines = todo(supervisor)
    assert lines["待审核的报告"]["count"] == 1
    overdue = lines["2026 Q3 逾期未报的部门"]
    # 卫生健康委 and 水利局 have not submitted; 教育局 has
    assert overdue["count"] == 2 and "lateness=missing" in overdue["url"]
    assert "2026-10-10" in overdue["note"]
    queue = supervisor.get(overdue["url"]).content.decode()
    assert "卫生健康委" in queue and "水利局" in queue


def test_the_supervisor_sees_results_waiting_for_publication(plan, users, client_for, freeze):
    freeze(dt.date(2026, 7, 25))  # Q1 closed (deadline 04-10 + 10 days), Q2 (07-10) closed on 07-20
    lines = todo(client_for("supervisor"))
    assert lines["待发布的考核结果"]["count"] == 2
    assert "period=Q1" in lines["待发布的考核结果"]["url"]
    Publication.objects.create(
        plan=plan,
        period="Q1",
        published_at=dt.datetime(2026, 4, 25, tzinfo=dt.UTC),
        published_by=users["supervisor"],
        appeal_deadline=dt.date(2026, 5, 5),
    )
    assert todo(client_for("supervisor"))["待发布的考核结果"]["count"] == 1


def test_the_filer_sees_the_report_due_returned_items_and_appeals(report, users, client_for):  # noqa: F811
    filer, supervisor = client_for("filer"), client_for("supervisor")
    due = todo(filer)["2026 Q3 季度报告待提交"]
    assert due["count"] == 1 and "剩 5 天" in due["note"]  # 2026-10-05, deadline 10-10
    assert filer.get(due["url"]).status_code == 302
    fill(report, users["filer"])
    services.report_submit(report=report, actor=users["filer"])
    lines = todo(filer)
    assert lines["2026 Q3 季度报告待提交"]["count"] == 0 and lines["待修改的退回事项"]["count"] == 0
    rate = report.entries.get(assignment__indicator__code="rate")
    supervisor.post(
        f"/assessments/reports/{report.pk}/entries/{rate.pk}/review/",
        {"decision": "returned", "comment": "办结率与台账不一致,请核实。"},
    )
    for e in report.entries.exclude(pk=rate.pk):
        supervisor.post(f"/assessments/reports/{report.pk}/entries/{e.pk}/review/", {"decision": "approved"})
    supervisor.post(f"/assessments/reports/{report.pk}/decision/", {"action": "complete"})
    lines = todo(filer)
    assert lines["待修改的退回事项"] == {"count": 1, "url": f"/assessments/reports/{report.pk}/", "note": None}
    assert lines["2026 Q3 季度报告待提交"]["count"] == 1
    assert lines["待处理的申诉"]["count"] == 0
    # another department's filer sees none of it
    assert todo(client_for("filer2"))["待修改的退回事项"]["count"] == 0
