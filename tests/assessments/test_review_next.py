"""The reviewer's "下一份": the next report awaiting review in the queue's order, and how many are left."""

import re

from assessments import services

from .test_reports import fill, report  # noqa: F401  (the report fixture)


def next_bar(client, pk) -> tuple[str, str | None]:
    html = client.get(f"/assessments/reports/{pk}/").content.decode()
    remaining = re.search(r"data-review-remaining>\s*([^<]+?)\s*</span>", html).group(1)
    link = re.search(r'<a class="btn btn-sm btn-outline-primary"\s*href="([^"]+)"\s*rel="next">', html)
    return remaining, link.group(1) if link else None


def test_next_follows_the_queue_and_counts_what_is_left(report, q3, users, departments, client_for):  # noqa: F811
    supervisor = client_for("supervisor")
    fill(report, users["filer"])
    services.report_submit(report=report, actor=users["filer"])
    water = services.report_open(quarter=q3, department=departments["water"])
    fill(water, users["filer2"])
    services.report_submit(report=water, actor=users["filer2"])

    # 教育局 submitted first: from it, 水利局 is next and one more waits
    assert next_bar(supervisor, report.pk) == ("还有 1 份报告待审核", f"/assessments/reports/{water.pk}/")
    # from the last one, the queue wraps round to the first still waiting
    assert next_bar(supervisor, water.pk) == ("还有 1 份报告待审核", f"/assessments/reports/{report.pk}/")

    # after approving 教育局 the page offers 水利局 straight away
    page = supervisor.post(f"/assessments/reports/{report.pk}/decision/", {"action": "approve"}, follow=True)
    assert re.search(rf'href="/assessments/reports/{water.pk}/"\s*rel="next"', page.content.decode())
    # 水利局 is the last: nothing left, back to the queue
    remaining, link = next_bar(supervisor, water.pk)
    assert remaining == "还有 0 份报告待审核" and link is None


def test_department_users_see_no_review_bar(report, client_for):  # noqa: F811
    assert "data-review-remaining" not in client_for("filer").get(f"/assessments/reports/{report.pk}/").content.decode()
