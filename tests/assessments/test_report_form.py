"""The report form a filer can finish: 已填 n/N, 已填报 on entries without a numeric target,
error-summary links to the fields, "95.5%" accepted, a breadcrumb and a submit bar in view."""

import re

import pytest

from assessments import services
from core.errors import ApplicationError
from core.numbers import typed_number

from .test_reports import report  # noqa: F401  (the report fixture)


@pytest.mark.parametrize(
    ("raw", "percent", "value"),
    [
        ("95.5%", True, "95.5"),
        (" 95.5 % ", True, "95.5"),
        ("９５．５％", True, "95.5"),  # full-width, as a Chinese input method types it
        ("1,250", False, "1250"),
        ("12,345.5", False, "12345.5"),
        ("95.5%", False, None),  # a % where the quantity is not a percentage
        ("1,25", False, None),  # not a thousands separator
        ("abc", True, None),
    ],
)
def test_numbers_as_people_type_them(raw, percent, value):
    result = typed_number(raw, percent=percent)
    assert (str(result) if result is not None else None) == value


def entry(report, code):  # noqa: F811
    return report.entries.get(assignment__indicator__code=code)


def test_a_percentage_with_its_sign_is_accepted_where_the_unit_is_percent(report, users):  # noqa: F811
    rate = services.entry_save(entry=entry(report, "rate"), data={"actual_value": "95.5%"}, actor=users["filer"])
    assert str(rate.actual_value) == "95.5"
    roads = entry(report, "roads")  # measured in 公里: a % sign there is a mistake
    with pytest.raises(ApplicationError) as exc:
        services.entry_save(entry=roads, data={"actual_value": "95%"}, actor=users["filer"])
    assert "actual_value" in exc.value.errors
    done = services.entry_save(entry=entry(report, "safe"), data={"completion_pct": "80%"}, actor=users["filer"])
    assert str(done.completion_pct) == "80.00"


def test_the_form_counts_what_is_filled_and_marks_filled_entries(report, users, client_for):  # noqa: F811
    filer = client_for("filer")
    html = filer.get(f"/assessments/reports/{report.pk}/").content.decode()
    assert 'data-filled="0/4"' in html and "已填 0/4" in html
    assert 'class="pg-card pg-submit-bar' in html  # the submit bar stays in view
    assert re.search(r'<ol class="breadcrumb[^"]*">\s*<li class="breadcrumb-item">\s*<a href="/">首页</a>', html)
    # 党建 (定性评价) has no numeric target: a written account fills it, and it says so
    party = entry(report, "party")
    response = filer.post(
        f"/assessments/reports/{report.pk}/entries/{party.pk}/",
        {"narrative": "按计划召开专题会议", "version": party.version},
        HTTP_HX_REQUEST="true",
    )
    fragment = response.content.decode()
    assert "已填报" in fragment and "未填报" not in fragment
    # the count beside the submit button follows the autosave
    assert re.search(r'<span id="report-filled" hx-swap-oob="true">\s*<span[^>]*data-filled="1/4"', fragment)
    html = filer.get(f"/assessments/reports/{report.pk}/").content.decode()
    assert 'data-filled="1/4"' in html
    assert html.count("未填报") == 3


def test_the_error_summary_links_to_each_field(report, client_for):  # noqa: F811
    filer = client_for("filer")
    page = filer.post(f"/assessments/reports/{report.pk}/submit/", follow=True).content.decode()
    roads = entry(report, "roads")
    assert f'<a href="#e{roads.pk}-actual" class="alert-link">' in page
    assert page.count("alert-link") >= 4  # every unfilled entry's message is a link
    assert f'id="e{roads.pk}-actual"' in page  # the link has somewhere to land
