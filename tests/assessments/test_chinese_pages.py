"""Every user-facing word of the Chinese interface is Chinese: the rendered main pages of each role
are scanned for Latin-only words (English or raw codes) outside a short allow-list."""

import html as H
import re

import pytest

from assessments import services
from assessments.models import Score
from assessments.services.publication import scores_publish

from .test_scores import WAIVER, scored  # noqa: F401  (the scored fixture)

# Abbreviations a Chinese civil servant reads as they are, file formats, and quarter names.
ALLOWED = {"API", "xlsx", "csv", "PDF", "Q1", "Q2", "Q3", "Q4", "English", "TOTP", "ID", "IP", "URL", "JSON"}
WORD = re.compile(r"(?<![A-Za-z0-9_.@/#-])[A-Za-z][A-Za-z_]+(?:\.[a-z_]+)*(?![A-Za-z0-9_])")


def latin_words(page: str, usernames: set[str]) -> set[str]:
    page = re.sub(r"(?is)<(script|style|code)[^>]*>.*?</\1>", " ", page)
    page = re.sub(r"(?s)<[^>]+>", " ", page)
    # Account names are identifiers people type to log in, shown as "李晓梅 (filer)".
    return {w for w in WORD.findall(H.unescape(page)) if w not in ALLOWED and w not in usernames}


PAGES = {
    "supervisor": [
        "/",
        "/assessments/review/",
        "/assessments/health/?year=2026",
        "/assessments/scores/?year=2026",
        "/assessments/appeals/",
        "/assessments/events/",
        "/notifications/",
        "/assessments/reports/{report}/",
        "/assessments/reports/{report}/revisions/1/",
    ],
    "filer": ["/", "/assessments/", "/assessments/appeals/", "/notifications/"],
    "leader": ["/dashboards/", "/assessments/scores/?year=2026"],
    "finance": ["/", "/budgets/projects/", "/budgets/recommendations/"],
    "surveyor": ["/", "/satisfaction/"],
}


@pytest.mark.parametrize("role", sorted(PAGES))
def test_the_main_pages_of_each_role_speak_chinese(role, scored, users, client_for):  # noqa: F811
    scores_publish(plan=scored, period="annual", actor=users["supervisor"], waiver=WAIVER)
    score = Score.objects.get(plan=scored, department__code="edu", period="annual")
    line = score.lines.filter(kind="indicator").first()
    services.appeals.appeal_file(score=score, line_key=line.key, reason="数据有误", actor=users["filer"])
    report = score.department.reports.get(quarter__number=3)
    client = client_for(role)
    usernames = {u.username for u in users.values()}
    found = {}
    for path in PAGES[role]:
        response = client.get(path.format(report=report.pk))
        assert response.status_code == 200, path
        words = latin_words(response.content.decode(), usernames)
        if words:
            found[path] = sorted(words)
    assert found == {}


def test_the_survey_list_headers_say_what_the_columns_hold(client_for, db):
    from tests.satisfaction.factories import SurveyFactory

    SurveyFactory(code="s2026", title="2026年度群众满意度调查")
    html = client_for("surveyor").get("/satisfaction/").content.decode()
    headers = re.findall(r"<th[^>]*>([^<]+)</th>", html)
    assert "调查时间" in headers and "相关页面" in headers
    assert "分页" not in headers and "进行中" not in headers  # the dates are not a status, the links not pages


def test_api_validation_messages_are_chinese(api_for, db):
    response = api_for("supervisor").get("/api/v1/reports/", {"year": "二〇二六"})
    assert response.status_code == 400
    assert "请输入整数。" in str(response.json()) and "Enter" not in str(response.json())


def test_rule_pickers_show_names_and_points_not_codes(scored, client_for):  # noqa: F811
    supervisor = client_for("supervisor")
    plan = supervisor.get(f"/assessments/plans/{scored.year}/").content.decode()
    options = re.findall(r"<option value=\"\d+\"[^>]*>([^<]+)</option>", plan)
    assert "季度报告逾期 · 每次扣 0.50 分" in options
    events = supervisor.get("/assessments/events/").content.decode()
    options = re.findall(r"<option value=\"\d+\"[^>]*>([^<]+)</option>", events)
    assert "扣分 · 季度报告逾期 · 每次扣 0.50 分" in options
    assert not any(o.startswith(("late", "accident")) for o in options)
