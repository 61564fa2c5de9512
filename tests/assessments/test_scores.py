"""Scores end to end: events, recomputation, publication, appeals and the scores API (docs/api.md)."""

import datetime as dt
import re
from decimal import Decimal as D

import pytest

from assessments import services
from assessments.models import Appeal, Publication, RecomputeRequest, Score, ScoreRevision
from assessments.recompute import process_recompute_requests, recompute
from assessments.services.publication import scores_publish
from audit.models import AuditEvent
from core.errors import ApplicationError
from notifications.models import Notification

from .test_reports import fill

CONTRACT = {
    "department",
    "year",
    "period",
    "total",
    "grade",
    "grade_code",
    "rank",
    "group",
    "vetoed",
    "published",
    "provisional",
    "inputs",
    "categories",
    "computed_at",
}
# The fixture's year is under way: its annual results are published over open blockers.
WAIVER = "年度中期试公布:第四季度数据尚未报送,按书面说明先行公布。"


@pytest.fixture
def scored(plan, q3, users, departments, freeze, django_capture_on_commit_callbacks):
    """教育局 and 卫生健康委 report Q3 and are approved; scores are computed."""
    freeze(dt.date(2026, 10, 9))
    for dept, user in (("edu", users["filer"]), ("health", users["filer"])):
        report = services.report_open(quarter=q3, department=departments[dept])
        fill(report, user)
        services.report_submit(report=report, actor=user)
        with django_capture_on_commit_callbacks(execute=True):
            services.report_approve(report=report, actor=users["supervisor"])
    freeze(dt.date(2026, 11, 20))
    recompute(plan=plan)  # water too, which has reported nothing
    return plan


def total(plan, code, period="annual"):
    return Score.objects.get(plan=plan, department__code=code, period=period).total


def test_an_accident_lowers_the_total_by_exactly_the_rule(
    scored, users, client_for, django_capture_on_commit_callbacks
):
    before = total(scored, "edu")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("supervisor").post(
            "/assessments/events/",
            {
                "year": 2026,
                "rule": scored.library.rules.get(code="accident").pk,
                "department": users["filer"].department_id,
                "date": "2026-11-02",
                "occurrences": 1,
                "note": "11月2日施工现场安全事故",
            },
        )
    assert response.status_code == 302
    assert total(scored, "edu") == before - D(2)
    score = Score.objects.get(plan=scored, department__code="edu", period="annual")
    line = score.lines.get(kind="deduction", rule__code="accident")
    assert line.points == D("-2.00") and "安全质量事故" in line.detail
    assert sum(ln.points for ln in score.lines.all()) == score.total
    assert AuditEvent.objects.filter(action="assessments.event.recorded").exists()


def test_the_zero_floor_limits_the_drop(scored, users, django_capture_on_commit_callbacks):
    before = total(scored, "edu")
    with django_capture_on_commit_callbacks(execute=True):
        services.event_record(
            plan=scored,
            rule=scored.library.rules.get(code="accident"),
            department=users["filer"].department,
            date=dt.date(2026, 11, 2),
            occurrences=4,
            note="四起事故",
            actor=users["supervisor"],
        )
    assert total(scored, "edu") == before - D(5)  # 4 × 2 = 8, but the indicator has 5 points


def test_events_are_validated(scored, users):
    accident = scored.library.rules.get(code="accident")
    with pytest.raises(ApplicationError) as exc:
        services.event_record(
            plan=scored,
            rule=accident,
            department=users["filer"].department,
            date=dt.date(2027, 1, 5),
            occurrences=1,
            note="x",
            actor=users["supervisor"],
        )
    assert "date" in exc.value.errors


def test_recomputation_is_deterministic(scored):
    first = {(s.department_id, s.period): (s.total, s.inputs_hash) for s in Score.objects.filter(plan=scored)}
    assert recompute(plan=scored) == 0  # nothing changed: nothing written
    again = {(s.department_id, s.period): (s.total, s.inputs_hash) for s in Score.objects.filter(plan=scored)}
    assert first == again


def test_recompute_command(scored, capsys):
    from django.core.management import call_command

    Score.objects.filter(plan=scored).delete()
    call_command("recompute_scores", "--year", "2026", "--department", "edu")
    assert Score.objects.filter(plan=scored, department__code="edu").exists()
    assert not Score.objects.filter(plan=scored, department__code="water").exists()


def test_a_write_survives_a_broker_outage_and_the_job_catches_up(
    scored, users, monkeypatch, django_capture_on_commit_callbacks
):
    from assessments.tasks import process_recompute_requests as task

    def down(*args, **kwargs):
        raise OSError("Connection refused")

    monkeypatch.setattr(task, "apply_async", down)
    before = total(scored, "edu")
    with django_capture_on_commit_callbacks(execute=True):
        event = services.event_record(
            plan=scored,
            rule=scored.library.rules.get(code="criticism"),
            department=users["filer"].department,
            date=dt.date(2026, 11, 3),
            occurrences=1,
            note="通报",
            actor=users["supervisor"],
        )
    assert event.pk  # the business write committed
    assert total(scored, "edu") == before  # not yet recomputed
    assert RecomputeRequest.objects.filter(department=users["filer"].department).exists()
    process_recompute_requests()  # the periodic catch-up job
    assert total(scored, "edu") == before - D(1)
    assert not RecomputeRequest.objects.filter(department=users["filer"].department).exists()


def test_publication_then_appeal_upheld_through_a_new_revision(
    scored, users, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        event = services.event_record(
            plan=scored,
            rule=scored.library.rules.get(code="accident"),
            department=users["filer"].department,
            date=dt.date(2026, 11, 2),
            occurrences=1,
            note="事故",
            actor=users["supervisor"],
        )
    supervisor, filer = client_for("supervisor"), client_for("filer")
    assert (
        supervisor.post("/assessments/scores/2026/publish/", {"period": "annual", "waiver": WAIVER}).status_code == 302
    )
    score = Score.objects.get(plan=scored, department__code="edu", period="annual")
    assert score.published
    published_total = score.total
    line = score.lines.get(event=event)
    response = filer.post(
        "/assessments/scores/edu/2026/annual/appeal/",
        {"line_key": line.key, "reason": "该事故系施工单位责任,非我局监管范围。"},
    )
    appeal = Appeal.objects.get()
    assert response.status_code == 302 and appeal.status == "open"
    assert (
        "Appeal open" in supervisor.get("/assessments/scores/?year=2026&period=annual").content.decode()
        or "申诉中" in supervisor.get("/assessments/scores/?year=2026&period=annual").content.decode()
    )
    supervisor.post(f"/assessments/appeals/{appeal.pk}/", {"decision": "upheld", "reason": "经核实,撤销扣分。"})
    appeal.refresh_from_db()
    score.refresh_from_db()
    assert appeal.status == "upheld"
    assert score.total == published_total + D(2)
    assert (appeal.total_before, appeal.total_after) == (published_total, score.total)
    # the published version is kept, readable
    rev = ScoreRevision.objects.get(score=score)
    assert D(rev.snapshot["total"]) == published_total and score.revision == 2
    assert Notification.objects.filter(user=users["filer"], kind="appeal.decided").exists()
    trail = filer.get(f"/assessments/appeals/{appeal.pk}/").content.decode()
    assert "该事故系施工单位责任" in trail and "经核实,撤销扣分。" in trail
    assert AuditEvent.objects.filter(action="assessments.appeal.upheld").exists()


def test_appeal_rejected_needs_a_reason_and_changes_nothing(scored, users):
    scores_publish(plan=scored, period="annual", actor=users["supervisor"], waiver=WAIVER)
    score = Score.objects.get(plan=scored, department__code="edu", period="annual")
    line = score.lines.filter(kind="indicator").first()
    appeal = services.appeals.appeal_file(score=score, line_key=line.key, reason="数据有误", actor=users["filer"])
    with pytest.raises(ApplicationError):
        services.appeals.appeal_decide(appeal=appeal, decision="rejected", reason="", actor=users["supervisor"])
    services.appeals.appeal_decide(
        appeal=appeal, decision="rejected", reason="数据经核实无误", actor=users["supervisor"]
    )
    score.refresh_from_db()
    assert score.revision == 1 and Appeal.objects.get().status == "rejected"


def test_upheld_indicator_appeal_sets_the_points(scored, users):
    party = scored.assignments.get(department__code="edu", indicator__code="party")
    services.grade_assessment_set(assignment=party, grade="D", note="", actor=users["supervisor"])  # 40 %: 4 points
    process_recompute_requests()
    scores_publish(plan=scored, period="Q3", actor=users["supervisor"], waiver=WAIVER)
    score = Score.objects.get(plan=scored, department__code="edu", period="Q3")
    line = score.lines.get(kind="indicator", indicator__code="party")
    assert line.points == D(4)
    appeal = services.appeals.appeal_file(score=score, line_key=line.key, reason="已开展党建工作", actor=users["filer"])
    with pytest.raises(ApplicationError) as exc:
        services.appeals.appeal_decide(
            appeal=appeal, decision="upheld", reason="核实", points=D(11), actor=users["supervisor"]
        )
    assert "points" in exc.value.errors  # more than the indicator's 10 points
    before = score.total
    services.appeals.appeal_decide(
        appeal=appeal, decision="upheld", reason="核实", points=D(8), actor=users["supervisor"]
    )
    score.refresh_from_db()
    assert score.lines.get(key=line.key).points == D(8) and "8" in score.lines.get(key=line.key).detail
    assert score.total == before + D(8) - D(4)
    assert sum(ln.points for ln in score.lines.all()) == score.total


def test_appeals_are_limited(scored, users, freeze):
    score = Score.objects.get(plan=scored, department__code="edu", period="annual")
    line = score.lines.filter(kind="indicator").first()
    with pytest.raises(ApplicationError):  # not published yet
        services.appeals.appeal_file(score=score, line_key=line.key, reason="x", actor=users["filer"])
    scores_publish(plan=scored, period="annual", actor=users["supervisor"], waiver=WAIVER)
    score.refresh_from_db()
    with pytest.raises(ApplicationError):  # another department
        services.appeals.appeal_file(score=score, line_key=line.key, reason="x", actor=users["filer2"])
    freeze(Publication.objects.get().appeal_deadline + dt.timedelta(days=1))
    with pytest.raises(ApplicationError) as exc:  # the window closed
        services.appeals.appeal_file(score=score, line_key=line.key, reason="x", actor=users["filer"])
    assert exc.value.code == "window_closed"


def test_scores_api_contract_and_ledger_sums(scored, api_for):
    body = api_for("api_client").get("/api/v1/scores/", {"year": 2026, "period": "Q3"}).json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 3
    for row in body["results"]:
        assert set(row) == CONTRACT
        assert row["year"] == 2026 and row["period"] == "Q3"
        assert isinstance(row["total"], str) and len(row["total"].split(".")[1]) == 2
        assert row["grade_code"] in {"excellent", "good", "fair", "poor"}
        assert set(row["department"]) == {"code", "name"}
        assert row["computed_at"].endswith("+08:00")
        for c in row["categories"]:
            assert set(c) == {"code", "name", "points", "score"}
            assert re.fullmatch(r"-?\d+\.\d\d", c["points"]) and re.fullmatch(r"-?\d+\.\d\d", c["score"])
        detail = api_for("api_client").get(f"/api/v1/scores/{row['department']['code']}/2026/Q3/").json()
        assert set(detail) == CONTRACT | {"ledger", "outlook"}
        assert set(detail["inputs"]) == {"approved", "pending", "missing", "not_applicable", "carried_over"}
        assert detail["provisional"] is (detail["inputs"]["pending"] + detail["inputs"]["missing"] > 0)
        assert sum(D(ln["points"]) for ln in detail["ledger"]) == D(detail["total"])
        for ln in detail["ledger"]:
            assert set(ln) == {"kind", "indicator", "rule", "points", "detail"}
            assert ln["kind"] in {"indicator", "deduction", "bonus", "cap", "veto"}
    ranks = [r["rank"] for r in body["results"] if r["group"] == "social"]
    assert sorted(ranks)[0] == 1


def test_score_rows_render_as_their_declared_fields(scored):
    """The serializer builds its rows directly (speed); they equal DRF's field-by-field rendering."""
    from rest_framework import serializers as drf

    from assessments import selectors
    from assessments.api.serializers import ScoreDetailSerializer, ScoreSerializer
    from organizations.models import User

    reader = User.objects.get(username="api_client")
    rows = list(selectors.score_rows(selectors.scores_for_user(user=reader, open_appeals=False)))
    scores = list(selectors.scores_for_user(user=reader))
    assert rows and len(rows) == len(scores)
    for serializer_class, objects in ((ScoreSerializer, rows), (ScoreDetailSerializer, scores)):
        for obj in objects:
            if serializer_class is ScoreDetailSerializer:
                obj.ledger_lines = selectors.ledger_of(obj)
                obj.outlook = selectors.score_outlook(obj, obj.ledger_lines)
            direct = serializer_class(obj).data
            generic = drf.ModelSerializer.to_representation(serializer_class(obj), obj)
            assert direct == generic


def test_scores_api_filters_and_errors(scored, api_for):
    client = api_for("leader")
    assert client.get("/api/v1/scores/", {"year": 2026, "period": "annual", "department": "edu"}).json()["count"] == 1
    assert client.get("/api/v1/scores/", {"year": 2026, "period": "annual", "group": "urban"}).json()["count"] == 1
    assert client.get("/api/v1/scores/", {"year": 2026, "published": "true"}).json()["count"] == 0
    bad = client.get("/api/v1/scores/", {"period": "Q5"})
    assert bad.status_code == 400 and "period" in bad.json()["errors"]
    assert client.get("/api/v1/scores/nope/2026/annual/").status_code == 404
    assert api_for(None).get("/api/v1/scores/").status_code == 401
    assert api_for("auditor").get("/api/v1/scores/").status_code == 403


def test_department_users_see_their_own_until_publication(scored, api_for, users):
    client = api_for("filer")
    codes = {r["department"]["code"] for r in client.get("/api/v1/scores/", {"period": "annual"}).json()["results"]}
    assert codes == {"edu"}
    assert client.get("/api/v1/scores/health/2026/annual/").status_code == 404
    scores_publish(plan=scored, period="annual", actor=users["supervisor"], waiver=WAIVER)
    codes = {r["department"]["code"] for r in client.get("/api/v1/scores/", {"period": "annual"}).json()["results"]}
    assert codes == {"edu", "health", "water"}


def test_events_and_appeals_over_the_api(scored, api_for, users, django_capture_on_commit_callbacks):
    sup = api_for("supervisor")
    with django_capture_on_commit_callbacks(execute=True):
        response = sup.post(
            "/api/v1/events/",
            {
                "year": 2026,
                "rule": "accident",
                "department": "edu",
                "date": "2026-11-02",
                "occurrences": 1,
                "note": "事故",
            },
            format="json",
        )
    assert response.status_code == 201, response.content
    assert (
        api_for("filer")
        .post(
            "/api/v1/events/",
            {"year": 2026, "rule": "accident", "department": "edu", "date": "2026-11-02"},
            format="json",
        )
        .status_code
        == 403
    )
    bad = sup.post(
        "/api/v1/events/", {"year": 2026, "rule": "nope", "department": "edu", "date": "2026-11-02"}, format="json"
    )
    assert bad.status_code == 400 and "rule" in bad.json()["errors"]
    scores_publish(plan=scored, period="annual", actor=users["supervisor"], waiver=WAIVER)
    detail = api_for("filer").get("/api/v1/scores/edu/2026/annual/").json()
    key = Score.objects.get(plan=scored, department__code="edu", period="annual").lines.get(kind="deduction").key
    response = api_for("filer").post(
        "/api/v1/appeals/", {"year": 2026, "period": "annual", "line_key": key, "reason": "非我局责任"}, format="json"
    )
    assert response.status_code == 201, response.content
    appeal_id = response.json()["id"]
    assert (
        api_for("filer")
        .post(f"/api/v1/appeals/{appeal_id}/decide/", {"decision": "upheld", "reason": "x"}, format="json")
        .status_code
        == 403
    )
    response = sup.post(f"/api/v1/appeals/{appeal_id}/decide/", {"decision": "upheld", "reason": "核实"}, format="json")
    assert response.status_code == 200
    assert D(response.json()["total_after"]) == D(detail["total"]) + D(2)


def test_migration_stores_category_subtotals_with_two_decimals(scored):
    """Scores computed before 0004 kept str(Decimal); the migration rewrites them in the contract's form."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("assessments.migrations.0004_score_categories_two_places")
    score = Score.objects.filter(plan=scored).exclude(categories=[]).first()
    canonical = score.categories
    score.categories = [{**c, "points": str(D(c["points"]).normalize()), "score": "0"} for c in canonical]
    score.save(update_fields=["categories"])
    migration.forwards(apps, None)
    score.refresh_from_db()
    assert score.categories == [{**c, "score": "0.00"} for c in canonical]


def test_approving_a_rank_value_recomputes_every_department_ranked_on_it(plan, q3, users, departments, freeze):
    """A rank is relative: one department's approved value moves the others' rank scores too."""
    from assessments.services.plan import assign_all
    from indicators.models import Indicator

    Indicator.objects.create(
        library=plan.library,
        code="speed",
        name="平均审批时限",
        category=plan.library.categories.get(code="central"),
        method="rank",
        direction="le",
        points=D(5),
        unit="天",
        value_type="level",
        order=5,
    )
    assign_all(plan=plan, actor=users["supervisor"])
    freeze(dt.date(2026, 10, 5))
    report = services.report_open(quarter=q3, department=departments["edu"])
    fill(report, users["filer"], speed={"actual_value": "3", "completion_pct": ""})
    services.report_submit(report=report, actor=users["filer"])
    RecomputeRequest.objects.all().delete()
    services.report_approve(report=report, actor=users["supervisor"])
    marked = set(RecomputeRequest.objects.values_list("department__code", flat=True))
    assert marked == {"edu", "health", "water"}


def standings(plan):
    """Every stored score's group, rank and grade, with whether it carries the top-share cap line."""
    return {
        (s.department.code, s.period): (s.group_id, s.total, s.rank, s.grade_code, s.lines.filter(kind="cap").exists())
        for s in Score.objects.filter(plan=plan).select_related("department")
    }


def criticise(plan, department, actor):
    """One department-wide deduction from the first day of the year: the two social departments differ."""
    services.event_record(
        plan=plan,
        rule=plan.library.rules.get(code="criticism"),
        department=department,
        date=dt.date(2026, 1, 2),
        occurrences=1,
        note="通报批评",
        actor=actor,
    )
    recompute(plan=plan)


def test_one_department_recomputed_alone_ranks_like_its_whole_group(scored, departments, users):
    """Standings are computed for the groups concerned only; they equal those of a full recomputation."""
    scored.top_grade_share = D(50)
    scored.save()
    criticise(scored, departments["edu"], users["supervisor"])
    before = standings(scored)
    assert (before[("edu", "Q3")][2], before[("health", "Q3")][2]) == (2, 1)
    Score.objects.filter(plan=scored, department=departments["edu"]).update(total=D(99), inputs_hash="")
    recompute(plan=scored, department_ids=[departments["health"].pk])  # edu's stored total is used as is
    partial = standings(scored)
    assert (partial[("edu", "Q3")][2], partial[("health", "Q3")][2]) == (1, 2)
    recompute(plan=scored)
    assert standings(scored) == before


def test_a_department_that_changed_group_is_ranked_in_its_new_group_and_leaves_its_old_one(scored, departments, users):
    criticise(scored, departments["edu"], users["supervisor"])
    before = standings(scored)
    assert before[("edu", "Q3")][2] == 2
    moved = departments["health"]
    moved.group = departments["water"].group
    moved.save()
    recompute(plan=scored, department_ids=[moved.pk])
    partial = standings(scored)
    # The periods with a rank (a period resting on too little is held without one: docs/scoring.md).
    for period in {p for (_d, p), row in partial.items() if row[2] is not None}:
        assert partial[("edu", period)][2] == 1  # alone in its group now
        assert partial[("health", period)][0] == moved.group_id
        assert {partial[(d, period)][2] for d in ("health", "water")} <= {1, 2}
    recompute(plan=scored)
    assert standings(scored) == partial


def test_the_scores_written_send_scores_changed_once_and_bump_the_public_cache_once(
    scored, django_capture_on_commit_callbacks
):
    """Scores are written in bulk (no post_save); the recomputation says so once with the domain
    signal, and the public pages' cache (which listens) bumps its version once."""
    from assessments.signals import scores_changed
    from dashboards.signals import _bump, public_version

    told = []

    def receiver(sender, plan_id, count, **kwargs):
        told.append((plan_id, count))

    Score.objects.filter(plan=scored).update(inputs_hash="")
    before = public_version()
    scores_changed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks() as callbacks:
            written = recompute(plan=scored)
    finally:
        scores_changed.disconnect(receiver)
    assert written == Score.objects.filter(plan=scored).count() > 1
    assert told == [(scored.pk, written)]
    assert public_version() == before + 1
    assert callbacks.count(_bump) == 1
    assert recompute(plan=scored) == 0 and len(told) == 1  # nothing changed: nothing said
