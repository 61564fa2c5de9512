"""One click from a source: the item pre-filled from the problem found, linking back to it."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.urls import reverse

from budgets.models import Evaluation
from rectification.models import Item
from tests.budgets.factories import approved_project

pytestmark = pytest.mark.django_db


def _evaluation(project, grade, total):
    return Evaluation.objects.create(
        project=project,
        number=1,
        total=D(total),
        grade=grade,
        amount=project.amount,
        spent=D("0.00"),
        execution_rate=D("0.00"),
        weights={},
        ledger=[],
    )


def test_a_weak_evaluation_becomes_an_item_in_one_click(departments, users, client_for):
    project = approved_project(departments["edu"], code="EDU-5", name="智慧课堂")
    ev = _evaluation(project, "poor", "55.00")
    url = reverse("rectification:item_create_from", args=["budget_evaluation", ev.pk])
    page = client_for("finance").get(url)
    assert page.status_code == 200
    form = page.context["form"]
    assert form.initial["department"] == departments["edu"] and "智慧课堂" in form.initial["title"]
    data = {k: (v.pk if hasattr(v, "pk") else v) for k, v in form.initial.items()}
    data["deadline"] = "2026-10-31"
    assert client_for("finance").post(url, data).status_code == 302
    item = Item.objects.get()
    assert (item.source, item.source_id, item.issuer) == ("budget_evaluation", ev.pk, "finance")
    assert item.source_url == reverse("budgets:project_detail", args=[project.pk]) + "?tab=evaluation"
    # A second click shows the item already raised instead of a duplicate.
    again = client_for("finance").post(url, data)
    assert again.status_code == 400 and Item.objects.count() == 1
    assert list(again.context["existing"]) == [item]


def test_a_good_evaluation_is_not_a_source(departments, users, client_for):
    ev = _evaluation(approved_project(departments["edu"], code="EDU-6"), "good", "85.00")
    url = reverse("rectification:item_create_from", args=["budget_evaluation", ev.pk])
    assert client_for("finance").get(url).status_code == 400
    assert client_for("finance").post(url, {}).status_code == 400
    assert not Item.objects.exists()


def test_an_unknown_source_is_404_and_departments_cannot_raise(departments, users, client_for):
    missing = reverse("rectification:item_create_from", args=["budget_evaluation", 999])
    assert client_for("finance").get(missing).status_code == 404
    assert client_for("finance").get(reverse("rectification:item_create_from", args=["nonsense", 1])).status_code == 404
    assert client_for("filer").get(reverse("rectification:item_create", args=[])).status_code == 403


def test_a_warning_becomes_an_item_through_the_api(departments, users, api_for, monkeypatch):
    from budgets.models import SpendingRecord
    from monitoring import jobs
    from monitoring.models import MonitoringWarning

    project = approved_project(departments["edu"], code="EDU-7", name="营养餐")
    SpendingRecord.objects.create(project=project, date=dt.date(2026, 5, 1), amount=D("1000.00"))
    jobs.record_warnings(today=dt.date(2026, 7, 1))
    w = MonitoringWarning.objects.get()
    body = {"source": "monitoring_warning", "source_id": w.pk}
    r = api_for("finance").post("/api/v1/rectification-items/", body, format="json")
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["department"] == "edu" and body["issuer"] == "finance" and "营养餐" in body["title"]
    assert body["source_url"] == f"/monitoring/warnings/{w.pk}/"


def test_manual_and_other_evaluation_items(departments, users, client_for):
    r = client_for("supervisor").post(
        reverse("rectification:item_create"),
        {
            "department": departments["water"].pk,
            "title": "重点评价发现的问题",
            "description": "资金使用效益偏低。",
            "measures_required": "优化资金投向。",
            "deadline": "2026-11-30",
            "source": "other_evaluation",
            "source_label": "2026年水利专项重点绩效评价",
        },
    )
    assert r.status_code == 302
    item = Item.objects.get()
    assert item.source == "other_evaluation" and item.source_label.startswith("2026年")


def test_the_source_page_has_the_button_for_issuers_only(departments, users, client_for):
    project = approved_project(departments["edu"], code="EDU-11", name="图书购置")
    ev = _evaluation(project, "fair", "65.00")
    url = reverse("budgets:project_detail", args=[project.pk]) + "?tab=evaluation"
    target = reverse("rectification:item_create_from", args=["budget_evaluation", ev.pk])
    assert target in client_for("finance").get(url).content.decode()
    assert target not in client_for("filer").get(url).content.decode()
