"""The demo's department-wide sheets and evaluations, and its disclosure pages with a withheld item."""

import pytest
from django.test import Client
from django.utils import timezone

from budgets import demo, department_demo
from budgets.models import DepartmentEvaluation, DepartmentSheet, Disclosure
from organizations.models import User

pytestmark = pytest.mark.django_db


def test_demo_department_wide_and_disclosure(settings):
    from indicators import demo as indicators_demo
    from organizations import demo as organizations_demo

    organizations_demo.seed()
    indicators_demo.seed()
    demo.seed()
    department_demo.seed()
    current = timezone.localdate().year
    previous = current - 1

    published = DepartmentEvaluation.objects.filter(sheet__year=previous, status="published")
    assert {e.sheet.department.code for e in published} == {"edu", "health", "water"}
    for e in published:
        assert 60 <= e.total <= 100 and e.amount > 0 and e.projects >= 1
    statuses = dict(DepartmentSheet.objects.filter(year=current).values_list("department__code", "status"))
    assert statuses == {"edu": "approved", "health": "submitted", "water": "returned", "culture": "draft"}
    withheld = Disclosure.objects.get(withheld=True)
    assert withheld.reason == department_demo.WITHHELD_REASON

    html = Client().get(f"/public/{previous}/disclosure/self-evaluations/").content.decode()
    assert department_demo.WITHHELD_REASON in html and "教育局" in html
    finance = Client()
    finance.force_login(User.objects.get(username="finance"))
    sheet = DepartmentSheet.objects.get(year=previous, department__code="edu")
    for url in (
        f"/budgets/department-wide/?year={previous}",
        f"/budgets/department-wide/{sheet.pk}/",
        f"/budgets/disclosure/?year={previous}",
    ):
        assert finance.get(url).status_code == 200, url
    assert department_demo.seed()["created"] == 0  # idempotent
