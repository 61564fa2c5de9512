"""The report form's autosave swaps its error slots out of band: each one must exist on the page.

Found by the filer's browser journey (tests/e2e): htmx logged ``htmx:oobErrorNoTarget`` as a
console error on every keystroke save, for the value slot an entry does not show (an entry shows
either the cumulative value or the completion percentage).
"""

import datetime as dt
import re

import pytest

from assessments import services

OOB = re.compile(r'<[^>]*\bid="([^"]+)"[^>]*\bhx-swap-oob="true"')


@pytest.fixture
def report(q3, users, departments, freeze):
    freeze(dt.date(2026, 10, 5))
    return services.report_open(quarter=q3, department=departments["edu"])


def test_every_out_of_band_slot_of_the_autosave_is_on_the_report_page(report, client_for):
    client = client_for("filer")
    page = client.get(f"/assessments/reports/{report.pk}/").content.decode()
    on_page = set(re.findall(r'\bid="([^"]+)"', page))
    kinds = set()
    for entry in report.entries.select_related("assignment__indicator"):
        response = client.post(
            f"/assessments/reports/{report.pk}/entries/{entry.pk}/",
            {"narrative": "按计划推进", "version": entry.version},
            HTTP_HX_REQUEST="true",
        )
        assert response.status_code == 200
        targets = OOB.findall(response.content.decode())
        assert f"entry-{entry.pk}-version" in targets
        assert f"entry-{entry.pk}-narrative-error" in targets
        missing = [t for t in targets if t not in on_page]
        assert missing == [], entry.assignment.indicator.code
        kinds.add("value" if f"entry-{entry.pk}-actual_value-error" in targets else "completion")
    assert kinds == {"value", "completion"}  # both kinds of entry were checked
