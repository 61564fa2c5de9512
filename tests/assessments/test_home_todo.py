"""The supervisor's home counts the reports waiting for review."""

import re

from assessments import services

from .test_reports import fill, report  # noqa: F401  (the report fixture)


def waiting(html: str) -> int:
    match = re.search(r"待审核的报告</div>\s*<div class=\"value\">(\d+)</div>", html)
    return int(match.group(1))


def test_reports_awaiting_review_are_counted(report, users, client_for):  # noqa: F811
    assert waiting(client_for("supervisor").get("/").content.decode()) == 0
    fill(report, users["filer"])
    services.report_submit(report=report, actor=users["filer"])
    assert waiting(client_for("supervisor").get("/").content.decode()) == 1
