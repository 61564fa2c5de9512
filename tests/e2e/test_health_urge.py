"""The supervision office reminds (催报) a department that has not submitted its quarterly report.

赵敏 opens reporting health: 教育局 has submitted this quarter's report (a green cell that opens it),
水利局 has not. She ticks 水利局 and clicks 催报所选部门; a second click the same day is refused.
林水利, 水利局's filer, finds the reminder in her notification centre.
"""

import pytest
from playwright.sync_api import expect

from audit.models import AuditEvent
from notifications.models import Notification

from . import world
from .browser import journey
from .steps import go, message

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_supervisor_reminds_a_department_that_has_not_submitted(live_server, people, departments):
    year = world.build_year(people, departments)
    report = world.file_report(year, departments["edu"], people["filer"])
    phone = world.authenticator_for(people["supervisor"])

    with journey("09-health-urge", live_server.url) as j:
        office = j.desk("supervisor", authenticator=phone)
        go(office, "填报情况")
        edu = office.locator("tr").filter(has_text="教育局")
        cell = edu.locator("td.pg-health-on_time").last
        expect(cell.get_by_role("link")).to_have_attribute("href", f"/assessments/reports/{report.pk}/")
        water = office.locator("tr").filter(has_text="水利局")
        expect(water.locator("td.pg-health-pending")).to_contain_text("尚未报送")
        j.shot(office, "health")

        water.get_by_role("checkbox").check()
        office.get_by_role("button", name="催报所选部门").click()
        expect(message(office)).to_contain_text("已向 1 个部门催报：水利局。")
        j.shot(office, "reminded")

        # The same department again on the same day: refused, said once.
        office.locator("tr").filter(has_text="水利局").get_by_role("checkbox").check()
        office.get_by_role("button", name="催报所选部门").click()
        expect(message(office)).to_have_text("所选部门今天已催报过，请明天再催。")

        filer = j.desk("filer2")
        filer.locator(".pg-bell").click()
        notice = filer.locator(".list-group-item").filter(has_text="督查室催报")
        expect(notice).to_contain_text(f"{year.year} Q{year.quarter}")
        j.shot(filer, "reminder-received")

    assert Notification.objects.filter(user=people["filer2"], kind="report.urged").count() == 1
    assert AuditEvent.objects.filter(action="assessments.report.urged").count() == 1
