"""Who may open each dashboard, report and download: role × URL → expected status.

The city-wide pages are for the leader, the supervision office and finance; department users
get their own department's view and report (another department's answers 404); the audit and
security administrators, the survey firm, the system administrator and API clients get 403.
The public pages need no login. A meta-test fails when a dashboards URL is missing here.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from core.roles import Role

pytestmark = pytest.mark.django_db

LEADERS = {"leader", "supervisor", "finance"}
OWN = {"filer", "dept_head"}  # of 教育局 (edu)
OTHERS = {"auditor", "security_admin", "surveyor", "admin", "api_client"}
ROLES = [r.value for r in Role] + ["filer2"]

CITY_PAGES = [
    "/dashboards/?year=2025",
    "/dashboards/export/rankings.xlsx?year=2025",
    "/dashboards/export/radar.csv?year=2025",
    "/dashboards/reports/2025/",
]
EDU_PAGES = [
    "/dashboards/department/edu/?year=2025",
    "/dashboards/department/edu/export/radar.xlsx?year=2025",
    "/dashboards/department/edu/export/trend.csv?year=2025",
    "/dashboards/reports/2025/edu/",
]
WATER_PAGES = [
    "/dashboards/department/water/?year=2025",
    "/dashboards/department/water/export/radar.xlsx?year=2025",
    "/dashboards/reports/2025/water/",
]


def expected_city(role):
    return 200 if role in LEADERS else 403


def expected_department(role, own_code, code):
    if role in LEADERS:
        return 200
    if role in OWN or role == "filer2":
        return 200 if own_code == code else 404
    return 403


OWN_CODE = {"filer": "edu", "dept_head": "edu", "filer2": "water"}


@pytest.mark.parametrize("role", ROLES)
def test_city_wide_pages(city, client_for, role):
    client = client_for(role)
    for url in CITY_PAGES:
        status = client.get(url).status_code
        if url.startswith("/dashboards/?") and role in OWN_CODE:
            # The leader dashboard sends a department user to their own department's view.
            assert status == 302, (role, url)
        else:
            assert status == expected_city(role), (role, url, status)


@pytest.mark.parametrize("role", ROLES)
def test_department_pages(city, client_for, role):
    client = client_for(role)
    for code, urls in (("edu", EDU_PAGES), ("water", WATER_PAGES)):
        for url in urls:
            status = client.get(url).status_code
            assert status == expected_department(role, OWN_CODE.get(role), code), (role, url, status)


def test_a_department_user_is_sent_to_their_own_view(city, client_for):
    response = client_for("filer").get("/dashboards/")
    assert response.status_code == 302 and response["Location"] == "/dashboards/department/edu/"
    response = client_for("filer2").get("/dashboards/department/")
    assert response["Location"] == "/dashboards/department/water/"


def test_the_report_index_lists_only_what_one_may_print(city, client_for):
    html = client_for("filer").get("/dashboards/reports/").content.decode()
    assert "/dashboards/reports/2025/edu/" in html
    assert "/dashboards/reports/2025/water/" not in html and 'href="/dashboards/reports/2025/"' not in html
    html = client_for("leader").get("/dashboards/reports/").content.decode()
    assert "/dashboards/reports/2025/water/" in html and 'href="/dashboards/reports/2025/"' in html
    assert client_for("auditor").get("/dashboards/reports/").status_code == 403


def test_finance_sees_no_reporting_panels(city, client_for):
    """Finance reads scores, budgets and survey results, but not the departments' reports."""
    response = client_for("finance").get("/dashboards/?year=2025")
    keys = [p.key for p in response.context["panels"]]
    assert "budget" in keys and "rankings" in keys
    assert "health" not in keys and "progress" not in keys
    assert client_for("finance").get("/dashboards/export/health.xlsx?year=2025").status_code == 403
    assert client_for("leader").get("/dashboards/export/health.xlsx?year=2025").status_code == 200


def test_signed_out_visitors_go_to_the_login_page_but_read_the_public_pages(city, client):
    for url in CITY_PAGES + EDU_PAGES:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    for url in ("/public/", "/public/2025/", "/public/2025/edu/", "/public/2025/download/scores.xlsx"):
        assert client.get(url).status_code == 200, url


def test_unknown_exports_and_years_answer_404(city, client_for, client):
    leader = client_for("leader")
    assert leader.get("/dashboards/export/nothing.xlsx").status_code == 404
    assert leader.get("/dashboards/export/radar.pdf").status_code == 404
    assert client.get("/public/1999/").status_code == 404
    assert client.get("/public/2025/nowhere/").status_code == 404
    assert client.get("/public/2025/download/secret.xlsx").status_code == 404


def _names(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _names(p.url_patterns, f"{prefix}{p.namespace}:" if p.namespace else prefix)
        elif isinstance(p, URLPattern) and p.name:
            yield prefix + p.name


COVERED = {
    "dashboards:leader": "test_city_wide_pages",
    "dashboards:export": "test_city_wide_pages",
    "dashboards:city_report": "test_city_wide_pages",
    "dashboards:department": "test_department_pages",
    "dashboards:department_export": "test_department_pages",
    "dashboards:department_report": "test_department_pages",
    "dashboards:department_home": "test_a_department_user_is_sent_to_their_own_view",
    "dashboards:report_index": "test_the_report_index_lists_only_what_one_may_print",
    "public:index": "test_signed_out_visitors_go_to_the_login_page_but_read_the_public_pages",
    "public:year": "test_signed_out_visitors_go_to_the_login_page_but_read_the_public_pages",
    "public:department": "test_signed_out_visitors_go_to_the_login_page_but_read_the_public_pages",
    "public:download": "test_signed_out_visitors_go_to_the_login_page_but_read_the_public_pages",
    "public:department_download": "test_public.py: test_department_downloads_match_the_page",
    "public:method": "test_public.py: test_the_method_card_says_what_the_library_applies",
    "public:disclosure": "test_disclosure.py: test_targets_page_is_anonymous_and_lists_department_wide_and_project_targets",  # noqa: E501
    "public:disclosure_download": "test_disclosure.py: test_a_withheld_item_shows_its_reason_and_none_of_its_values",
}


def test_every_dashboards_url_is_covered():
    names = {n for n in _names(get_resolver().url_patterns) if n.startswith(("dashboards:", "public:"))}
    assert names == set(COVERED)
