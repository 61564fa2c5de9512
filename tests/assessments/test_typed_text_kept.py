"""Validation keeps what was typed and shows the error once, beside its field."""

import re

from assessments import services
from assessments.models import Appeal, Score
from assessments.services.publication import scores_publish

from .test_reports import fill, report  # noqa: F401  (the report fixture)
from .test_scores import WAIVER, scored  # noqa: F401  (the scored fixture)


def open_appeal(plan, users):
    scores_publish(plan=plan, period="annual", actor=users["supervisor"], waiver=WAIVER)
    score = Score.objects.get(plan=plan, department__code="edu", period="annual")
    line = score.lines.get(kind="indicator", indicator__code="party")
    return services.appeals.appeal_file(score=score, line_key=line.key, reason="已开展党建工作", actor=users["filer"])


def test_an_out_of_range_score_keeps_the_reason_and_says_so_once(scored, users, client_for):  # noqa: F811
    appeal = open_appeal(scored, users)
    reason = "经核实,该局已按要求开展党建工作,予以调整。"
    response = client_for("supervisor").post(
        f"/assessments/appeals/{appeal.pk}/", {"decision": "upheld", "points": "99", "reason": reason}
    )
    assert response.status_code == 400
    html = response.content.decode()
    # the typed reason and points are still there
    assert f">{reason}</textarea>" in html and 'value="99"' in html
    # the error once, in the slot under the points field
    slot = re.search(r'<div class="invalid-feedback d-block mb-2" id="ad-points-error">\s*([^<]+?)\s*</div>', html)
    assert slot and "请填写调整后的分数" in slot.group(1)
    assert html.count(slot.group(1)) == 1
    assert 'aria-invalid="true" aria-describedby="ad-points-error"' in html
    assert Appeal.objects.get(pk=appeal.pk).status == "open"


def test_a_missing_reason_is_shown_beside_the_reason_box(scored, users, client_for):  # noqa: F811
    appeal = open_appeal(scored, users)
    html = (
        client_for("supervisor")
        .post(f"/assessments/appeals/{appeal.pk}/", {"decision": "rejected", "reason": ""})
        .content.decode()
    )
    slot = re.search(r'id="ad-reason-error">\s*([^<]+?)\s*</div>', html)
    assert slot and "理由" in slot.group(1) and html.count(slot.group(1)) == 1


def test_points_typed_not_as_a_number_keep_the_reason(scored, users, client_for):  # noqa: F811
    appeal = open_appeal(scored, users)
    html = (
        client_for("supervisor")
        .post(f"/assessments/appeals/{appeal.pk}/", {"decision": "upheld", "points": "八分", "reason": "核实"})
        .content.decode()
    )
    assert ">核实</textarea>" in html and 'value="八分"' in html and "请用数字填写调整后的分数" in html


def test_returning_without_a_reason_shows_the_error_at_the_reason_box(report, users, client_for):  # noqa: F811
    fill(report, users["filer"])
    services.report_submit(report=report, actor=users["filer"])
    response = client_for("supervisor").post(
        f"/assessments/reports/{report.pk}/decision/", {"action": "return", "reason": "  "}
    )
    assert response.status_code == 400
    html = response.content.decode()
    slot = re.search(r'id="decision-reason-error"\s*role="alert">([^<]+)</div>', html)
    assert slot and "退回" in slot.group(1)
    assert html.count(slot.group(1)) == 1  # not again at the top of the page
    assert "autofocus" in html  # the browser takes her to the box
    report.refresh_from_db()
    assert report.status == "submitted"


def test_a_typed_comment_survives_a_refused_decision(report, users, client_for):  # noqa: F811
    fill(report, users["filer"])
    services.report_submit(report=report, actor=users["filer"])
    # someone else changed the report since the page was opened: the comment is kept
    html = (
        client_for("supervisor")
        .post(
            f"/assessments/reports/{report.pk}/decision/",
            {"action": "return", "reason": "请补充佐证材料。", "version": report.version - 1},
        )
        .content.decode()
    )
    assert ">请补充佐证材料。</textarea>" in html
