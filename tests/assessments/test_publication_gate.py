"""Input states through recomputation, exemptions, veto ranking, and the publication checklist with
its waiver, in the browser and over the API (docs/scoring.md)."""

import datetime as dt
from decimal import Decimal as D

import pytest

from assessments import services
from assessments.jobs import refresh_input_states
from assessments.models import MissingPolicy, Plan, Publication, RecomputeRequest, Score, VetoRanking
from assessments.recompute import process_recompute_requests, recompute, scores_mark_dirty
from assessments.services.publication import PublicationBlocked, publication_checklist, scores_publish
from audit.models import AuditEvent

from .test_reports import fill


def file(plan, number, dept, user, approve_by=None, **overrides):
    quarter = plan.quarters.get(number=number)
    report = services.report_open(quarter=quarter, department=dept)
    fill(report, user, **overrides)
    services.report_submit(report=report, actor=user)
    if approve_by is not None:
        services.report_approve(report=report, actor=approve_by)
    return report


def line(plan, code, period, indicator):
    score = Score.objects.get(plan=plan, department__code=code, period=period)
    return score, score.lines.get(kind="indicator", indicator__code=indicator)


@pytest.fixture
def year(plan, users, departments, freeze):
    """Q2 approved for 教育局 (rate 91.22) and 卫生健康委; in Q3 卫生健康委 filed and is waiting, 水利局
    filed nothing, 教育局 filed nothing either; today is the day after the Q3 deadline."""
    freeze(dt.date(2026, 7, 5))
    file(plan, 2, departments["edu"], users["filer"], users["supervisor"], rate={"actual_value": "91.22"})
    file(plan, 2, departments["health"], users["filer"], users["supervisor"])
    freeze(dt.date(2026, 10, 9))
    file(plan, 3, departments["health"], users["filer"])
    freeze(dt.date(2026, 10, 11))
    recompute(plan=plan)
    return plan


def test_a_quarter_never_uses_an_earlier_quarters_value_silently(year):
    score, rate = line(year, "edu", "Q3", "rate")
    assert rate.points == 0 and "缺少第三季度数据：按本年规则计 0 分" in rate.detail
    assert score.provisional and score.inputs["missing"] == 2  # roads and rate
    assert score.inputs["pending"] == 1  # the ungraded qualitative indicator
    assert sum(ln.points for ln in score.lines.all()) == score.total


def test_carried_over_only_where_the_indicators_rule_says_so(year):
    indicator = year.library.indicators.get(code="rate")
    indicator.params = {**(indicator.params or {}), "carry_over": True}
    indicator.save()
    recompute(plan=year)
    score, rate = line(year, "edu", "Q3", "rate")
    assert "沿用第二季度数值 91.22" in rate.detail and rate.points > 0
    assert score.inputs["carried_over"] == 1 and score.provisional


def test_a_filed_value_awaiting_approval_is_scored_for_now_and_said(year):
    score, roads = line(year, "health", "Q3", "roads")
    assert "第三季度数值 225 待审核" in roads.detail and roads.points > 0
    assert score.inputs["pending"] >= 2 and score.provisional


def test_the_plans_policy_for_missing_inputs(year):
    Plan.objects.filter(pk=year.pk).update(missing_policy=MissingPolicy.EXCLUDE)
    year.refresh_from_db()
    recompute(plan=year)
    score = Score.objects.get(plan=year, department__code="edu", period="Q3")
    assert "折算" in line(year, "edu", "Q3", "rate")[1].detail
    assert sum(ln.points for ln in score.lines.all()) == score.total
    Plan.objects.filter(pk=year.pk).update(missing_policy=MissingPolicy.HOLD)
    year.refresh_from_db()
    recompute(plan=year)
    score.refresh_from_db()
    assert (score.grade_code, score.rank, score.grade_label) == ("held", None, "暂缓评定")
    health = Score.objects.get(plan=year, department__code="health", period="Q3")
    assert health.rank == 1  # the held department is out of the ranking


def test_an_exemption_makes_an_input_not_applicable_with_its_reason(year, client_for, users):
    assignment = year.assignments.get(department__code="edu", indicator__code="roads")
    back = "/assessments/scores/edu/2026/Q3/"
    response = client_for("supervisor").post(
        "/assessments/exemptions/",
        {"assignment": assignment.pk, "period": "Q3", "reason": "道路项目已整体移交交通局", "next": back},
    )
    assert response.status_code == 302 and response["Location"] == back
    process_recompute_requests(plan_id=year.pk)
    score, roads = line(year, "edu", "Q3", "roads")
    assert roads.points == 0 and "不适用（道路项目已整体移交交通局）" in roads.detail
    assert score.inputs["not_applicable"] == 1
    assert AuditEvent.objects.filter(action="assessments.exemption.granted").exists()
    refused = client_for("filer").post("/assessments/exemptions/", {"assignment": assignment.pk, "reason": "x"})
    assert refused.status_code == 403


def test_a_vetoed_department_ranks_last_in_its_group(year, users, departments):
    recompute(plan=year)
    before = {s.department.code: s.rank for s in Score.objects.filter(plan=year, period="Q2")}
    top = min(("edu", "health"), key=lambda c: before[c])
    services.event_record(
        plan=year,
        rule=year.library.rules.get(code="veto"),
        department=departments[top],
        date=dt.date(2026, 5, 2),
        occurrences=1,
        note="5月2日发生重大安全生产责任事故。",
        actor=users["supervisor"],
    )
    recompute(plan=year)
    vetoed = Score.objects.get(plan=year, department__code=top, period="Q2")
    assert vetoed.vetoed and vetoed.rank == 2 and vetoed.grade_code == "poor"
    assert "排在本组未被否决的部门之后" in vetoed.lines.get(kind="veto").detail
    Plan.objects.filter(pk=year.pk).update(veto_ranking=VetoRanking.EXCLUDE)
    year.refresh_from_db()
    recompute(plan=year)
    vetoed.refresh_from_db()
    assert vetoed.rank is None and "不参与排名" in vetoed.lines.get(kind="veto").detail


def codes(blockers):
    return {b.code: b.count for b in blockers}


def test_the_checklist_names_every_blocker_with_counts(year):
    RecomputeRequest.objects.all().delete()
    found = codes(publication_checklist(plan=year, period="Q3"))
    assert found["reports_not_approved"] == 1  # 卫生健康委 waits for review
    assert found["reports_missing"] == 2  # 教育局 and 水利局
    assert found["ungraded"] == 3  # 党建工作成效 of every department
    assert found["provisional"] == 3
    assert found["recompute"] == 0 and found["appeals"] == 0


def test_publishing_is_refused_over_blockers_without_a_written_waiver(year, users):
    RecomputeRequest.objects.all().delete()
    with pytest.raises(PublicationBlocked) as refused:
        scores_publish(plan=year, period="Q3", actor=users["supervisor"])
    assert "waiver" in refused.value.errors and not Publication.objects.exists()
    pub = scores_publish(
        plan=year, period="Q3", actor=users["supervisor"], waiver="  第三季度先行通报,缺报部门另行督办。 "
    )
    assert pub.waiver == "第三季度先行通报,缺报部门另行督办。"
    assert {b["code"] for b in pub.blockers} >= {"reports_missing", "ungraded", "provisional"}
    audit = AuditEvent.objects.get(action="assessments.scores.published")
    assert "第三季度先行通报" in str(audit.data) or "第三季度先行通报" in str(audit.after)


def test_a_waiting_recomputation_cannot_be_waived(year, users):
    scores_mark_dirty(plan=year)
    with pytest.raises(PublicationBlocked) as refused:
        scores_publish(plan=year, period="Q3", actor=users["supervisor"], waiver="照常公布")
    assert any(b.code == "recompute" and not b.waivable for b in refused.value.blockers)
    process_recompute_requests(plan_id=year.pk)
    assert scores_publish(plan=year, period="Q3", actor=users["supervisor"], waiver="照常公布")


def test_a_clear_checklist_publishes_without_a_waiver(plan, users, departments, freeze):
    freeze(dt.date(2026, 7, 5))
    for code in ("edu", "health", "water"):
        file(plan, 2, departments[code], users["filer"], users["supervisor"])
    for assignment in plan.assignments.filter(indicator__method="grade"):
        services.grade_assessment_set(assignment=assignment, grade="B", note="", actor=users["supervisor"])
    process_recompute_requests(plan_id=plan.pk)
    assert not any(b.count for b in publication_checklist(plan=plan, period="Q2"))
    assert not Score.objects.filter(plan=plan, period="Q2", provisional=True).exists()
    pub = scores_publish(plan=plan, period="Q2", actor=users["supervisor"])
    assert pub.waiver == "" and pub.blockers == []


def test_the_checklist_page_and_the_api_answer_409_with_the_list(year, client_for, api_for):
    RecomputeRequest.objects.all().delete()
    page = client_for("supervisor").get("/assessments/scores/2026/publish/?period=Q3").content.decode()
    assert "已报送未审核通过的报告：1 份" in page and "未报送的报告：2 份" in page
    refused = client_for("supervisor").post("/assessments/scores/2026/publish/", {"period": "Q3", "waiver": ""})
    assert refused.status_code == 409
    body = refused.content.decode()
    assert body.count("请逐项处理，或填写书面说明后公布") == 1  # beside the waiver box, once
    api = api_for("supervisor")
    checklist = api.get("/api/v1/publications/checklist/", {"year": 2026, "period": "Q3"}).json()
    assert checklist["clear"] is False and {b["code"] for b in checklist["blockers"] if b["count"]} >= {
        "reports_missing",
        "ungraded",
    }
    response = api.post("/api/v1/publications/", {"year": 2026, "period": "Q3"}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "blocked" and response.json()["blockers"]
    ok = api.post("/api/v1/publications/", {"year": 2026, "period": "Q3", "waiver": "先行公布"}, format="json")
    assert ok.status_code == 201 and ok.json()["waiver"] == "先行公布"
    shown = client_for("filer").get("/assessments/scores/?year=2026&period=Q3").content.decode()
    assert "先行公布" in shown


def test_the_api_says_provisional_inputs_and_what_it_would_take(year, api_for):
    row = api_for("api_client").get("/api/v1/scores/", {"year": 2026, "period": "Q3", "department": "edu"}).json()
    result = row["results"][0]
    assert result["provisional"] is True and result["inputs"]["missing"] == 2
    detail = api_for("api_client").get("/api/v1/scores/edu/2026/Q3/").json()
    nxt = detail["outlook"]["next_grade"]
    assert D(nxt["distance"]) == D(nxt["min_score"]) - D(detail["total"])
    opened = detail["outlook"]["open_points"]
    assert opened and [D(o["open"]) for o in opened] == sorted((D(o["open"]) for o in opened), reverse=True)


def test_the_calendar_marks_the_scores_once_when_a_deadline_passes(plan, freeze):
    RecomputeRequest.objects.all().delete()
    Plan.objects.filter(pk=plan.pk).update(states_as_of=dt.date(2026, 10, 10))
    assert refresh_input_states(dt.date(2026, 10, 10)) == 0
    assert refresh_input_states(dt.date(2026, 10, 11)) == 1  # the Q3 deadline passed yesterday
    assert refresh_input_states(dt.date(2026, 10, 11)) == 0
    assert refresh_input_states(dt.date(2026, 10, 12)) == 0
    assert RecomputeRequest.objects.filter(plan=plan).count() == 1


def test_the_recompute_button_queues_and_the_page_shows_the_progress(year, client_for):
    RecomputeRequest.objects.all().delete()
    office = client_for("supervisor")
    response = office.post("/assessments/scores/2026/actions/", {"action": "recompute", "period": "Q3"})
    assert response.status_code == 302
    assert RecomputeRequest.objects.filter(plan=year, department=None).count() == 1  # queued, not computed here
    page = office.get("/assessments/scores/?year=2026&period=Q3").content.decode()
    assert "成绩正在重新计算" in page and 'hx-get="/assessments/scores/2026/recompute-status/"' in page
    assert "成绩正在重新计算" in office.get("/assessments/scores/2026/recompute-status/").content.decode()
    process_recompute_requests()
    done = office.get("/assessments/scores/2026/recompute-status/").content.decode()
    assert "重新计算已完成" in done and "hx-get" not in done
