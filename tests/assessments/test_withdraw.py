"""撤回: a department takes back its submitted report until the supervision office begins reviewing it."""

import pytest

from assessments import services
from assessments.models import ReportRevision
from audit.models import AuditEvent
from core.errors import ApplicationError

from .test_reports import fill, report  # noqa: F401  (the report fixture)


@pytest.fixture
def submitted(report, users):  # noqa: F811
    fill(report, users["filer"])
    return services.report_submit(report=report, actor=users["filer"])


def test_the_filer_withdraws_before_review_and_edits_again(submitted, users, client_for):
    filer = client_for("filer")
    page = filer.get(f"/assessments/reports/{submitted.pk}/").content.decode()
    assert "撤回报告" in page
    response = filer.post(f"/assessments/reports/{submitted.pk}/withdraw/", {"version": submitted.version}, follow=True)
    assert "报告已撤回" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == "draft" and submitted.revision == 0 and submitted.first_submitted_at is None
    assert not ReportRevision.objects.filter(report=submitted).exists()
    assert AuditEvent.objects.filter(action="assessments.report.withdrawn", object_id=str(submitted.pk)).exists()
    # the draft is editable again, and goes out again as revision 1
    rate = submitted.entries.get(assignment__indicator__code="rate")
    services.entry_save(entry=rate, data={"actual_value": "96"}, actor=users["filer"])
    again = services.report_submit(report=submitted, actor=users["filer"])
    assert again.status == "submitted" and again.revision == 1


def test_no_withdrawal_once_review_has_begun(submitted, users, client_for):
    rate = submitted.entries.get(assignment__indicator__code="rate")
    services.entry_review(entry=rate, decision="approved", comment="", actor=users["supervisor"])
    filer = client_for("filer")
    assert "撤回报告" not in filer.get(f"/assessments/reports/{submitted.pk}/").content.decode()
    page = filer.post(f"/assessments/reports/{submitted.pk}/withdraw/", follow=True).content.decode()
    assert page.count("督查室已开始审核") == 1
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


def test_another_department_cannot_withdraw(submitted, users):
    with pytest.raises(ApplicationError):
        services.report_withdraw(report=submitted, actor=users["filer2"])


def test_the_api_withdraws_too(submitted, api_for):
    response = api_for("filer").post(f"/api/v1/reports/{submitted.pk}/withdraw/", {"version": submitted.version})
    assert response.status_code == 200 and response.json()["status"] == "draft"
    again = api_for("filer").post(f"/api/v1/reports/{submitted.pk}/withdraw/", {})
    assert again.status_code == 400 and "撤回" in str(again.json())
