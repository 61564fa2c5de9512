"""Unusual values on the report form: flagged against the department's history and its peers,
explained before submission, shown to reviewers on the page and over the API."""

import datetime as dt
import re

import pytest

from assessments import outliers, services
from assessments.models import Report
from core.errors import ApplicationError
from tests.factories import DepartmentFactory, UserFactory

from .test_reports import fill, report  # noqa: F401  (the report fixture)

PEER_RATES = ["93", "94", "95", "96", "92"]  # the other departments' 办结率 this quarter
NOTE = "本季度集中清理历史积案，办结率短期下降。"
LOW = {"actual_value": "40", "explanation": "积案集中办理，下季度恢复。"}  # behind plan as well


@pytest.fixture
def peers(plan, q3, departments, users):
    """Five more departments that filed 办结率 for the quarter, around 94 %."""
    out = []
    for i, rate in enumerate(PEER_RATES):
        dept = DepartmentFactory(code=f"peer{i}", name=f"同类部门{i}", group=departments["edu"].group)
        filer = UserFactory(username=f"peer{i}", role="filer", department=dept)
        out.append((dept, filer, rate))
    services.assign_all(plan=plan, actor=users["supervisor"])
    for dept, filer, rate in out:
        r = services.report_open(quarter=q3, department=dept)
        fill(r, filer, rate={"actual_value": rate})
        services.report_submit(report=r, actor=filer)
    return out


def rate_entry(report):  # noqa: F811
    return report.entries.select_related("assignment__indicator", "report__quarter__plan").get(
        assignment__indicator__code="rate"
    )


def test_a_value_far_from_its_peers_is_flagged_and_still_saved(report, peers, users):  # noqa: F811
    entry = services.entry_save(entry=rate_entry(report), data={"actual_value": "40"}, actor=users["filer"])
    assert entry.actual_value == 40  # autosave keeps what was typed
    assert entry.outlier["peers"]["n"] == 5 and float(entry.outlier["peers"]["z"]) < -3.5
    assert "own" not in entry.outlier  # no history of five quarters yet
    entry = services.entry_save(entry=entry, data={"actual_value": "95"}, actor=users["filer"])
    assert entry.outlier == {}


def test_submission_asks_for_the_explanation_then_keeps_it(report, peers, users):  # noqa: F811
    fill(report, users["filer"], rate=LOW)
    entry = rate_entry(report)
    with pytest.raises(ApplicationError) as exc:
        services.report_submit(report=report, actor=users["filer"])
    assert list(exc.value.errors) == [f"entry-{entry.pk}-outlier_note"]
    assert Report.objects.get(pk=report.pk).status == "draft" and not report.revisions.exists()
    services.entry_save(entry=entry, data={"outlier_note": NOTE}, actor=users["filer"])
    report = services.report_submit(report=Report.objects.get(pk=report.pk), actor=users["filer"])
    snapshot = report.revisions.get().entries[str(entry.assignment_id)]
    assert snapshot["outlier_note"] == NOTE and snapshot["outlier"]["peers"]["n"] == 5


def test_drafts_of_other_departments_are_not_peers(report, q3, plan, users, departments):  # noqa: F811
    for i, rate in enumerate(PEER_RATES):
        dept = DepartmentFactory(code=f"draft{i}", name=f"草稿部门{i}")
        services.assign_all(plan=plan, actor=users["supervisor"])
        r = services.report_open(quarter=q3, department=dept)
        services.entry_save(entry=rate_entry(r), data={"actual_value": rate}, actor=users["filer"])
    entry = services.entry_save(entry=rate_entry(report), data={"actual_value": "40"}, actor=users["filer"])
    assert entry.outlier == {}


def test_the_departments_own_history_counts(report, q3, plan, users, departments, freeze, monkeypatch):  # noqa: F811
    # Two earlier quarters stand in for the history (the minimum is lowered for the test only).
    monkeypatch.setattr(outliers, "MIN_SAMPLE", 2)
    for number, day, rate in ((1, dt.date(2026, 4, 5), "95"), (2, dt.date(2026, 7, 5), "96")):
        freeze(day)
        r = services.report_open(quarter=plan.quarters.get(number=number), department=departments["edu"])
        fill(r, users["filer"], rate={"actual_value": rate})
        services.report_submit(report=r, actor=users["filer"])
    freeze(dt.date(2026, 10, 5))
    entry = services.entry_save(entry=rate_entry(report), data={"actual_value": "60"}, actor=users["filer"])
    assert entry.outlier["own"]["n"] == 2 and "peers" not in entry.outlier
    entry = services.entry_save(entry=entry, data={"actual_value": "95.5"}, actor=users["filer"])
    assert entry.outlier == {}


def test_the_form_shows_the_box_as_soon_as_the_value_turns_unusual(report, peers, users, client_for):  # noqa: F811
    entry = rate_entry(report)
    client = client_for("filer")
    response = client.post(
        f"/assessments/reports/{report.pk}/entries/{entry.pk}/",
        {"actual_value": "40%", "explanation": LOW["explanation"], "version": entry.version},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert f'id="entry-{entry.pk}-outlier"' in html and 'hx-swap-oob="true"' in html
    assert 'name="outlier_note"' in html and "异常值说明" in html
    # Submitting without it: the error beside the box and a link to it in the summary
    version = Report.objects.get(pk=report.pk).version
    page = client.post(f"/assessments/reports/{report.pk}/submit/", {"version": version})
    html = page.content.decode()
    assert page.status_code == 400
    assert re.search(rf'id="entry-{entry.pk}-outlier_note-error"\s*>\s*办结率', html)
    assert html.count("差异较大，请简要说明原因") == 2  # beside the box and in the summary
    assert f'href="#e{entry.pk}-outlier"' in html


def test_reviewers_see_the_flag_and_the_explanation(report, peers, users, client_for, api_for):  # noqa: F811
    fill(report, users["filer"], rate=LOW)
    services.entry_save(entry=rate_entry(report), data={"outlier_note": NOTE}, actor=users["filer"])
    services.report_submit(report=Report.objects.get(pk=report.pk), actor=users["filer"])
    html = client_for("supervisor").get(f"/assessments/reports/{report.pk}/").content.decode()
    assert "数值异常" in html and NOTE in html
    data = api_for("supervisor").get(f"/api/v1/reports/{report.pk}/").json()
    rate = next(e for e in data["entries"] if e["indicator"]["code"] == "rate")
    assert rate["outlier_note"] == NOTE and rate["outlier"]["peers"]["n"] == 5
    print_html = client_for("supervisor").get(f"/assessments/reports/{report.pk}/print/").content.decode()
    assert NOTE in print_html
