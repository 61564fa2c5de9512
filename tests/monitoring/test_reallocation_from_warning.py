"""A warning answered "adjust" opens a budget reallocation request: one open at a time, the
department's own projects only; the pages and the API of the request and its decision."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.urls import reverse

from budgets import services as budget_services
from budgets.models import BudgetProject, Reallocation, SpendingRecord
from core.errors import ApplicationError
from monitoring import jobs, services
from monitoring.models import MonitoringWarning, WarningReallocation
from tests.budgets.factories import approved_project

pytestmark = pytest.mark.django_db
ISSUED = dt.date(2026, 7, 1)


@pytest.fixture
def setup(departments, users):
    edu = departments["edu"]
    lagging = approved_project(edu, amount="1000000.00", code="EDU-1", name="校舍维修")
    SpendingRecord.objects.create(project=lagging, date=dt.date(2026, 5, 10), amount=D("300000.00"))  # 30 %
    other = approved_project(edu, amount="500000.00", code="EDU-2", name="课后服务")
    SpendingRecord.objects.create(project=other, date=dt.date(2026, 5, 10), amount=D("250000.00"))  # 50 %
    water = approved_project(departments["water"], amount="500000.00", code="WAT-1", name="河道整治")
    jobs.record_warnings(today=ISSUED)
    warning = MonitoringWarning.objects.get(project=lagging)
    return {"lagging": lagging, "other": other, "water": water, "warning": warning}


def _adjust(warning, user):
    return services.warning_respond(
        warning=warning, actor=user, response="adjust", adjustment="reallocation", reason="部分资金无法按期使用"
    )


def test_a_request_follows_an_adjust_response_and_one_is_open_at_a_time(setup, users):
    w = setup["warning"]
    with pytest.raises(ApplicationError) as exc:  # not answered yet
        services.warning_reallocation_request(warning=w, actor=users["filer"], amount="1000.00", reason="x")
    assert exc.value.code == "invalid_state"
    w = _adjust(w, users["filer"])
    with pytest.raises(ApplicationError):  # another department
        services.warning_reallocation_request(warning=w, actor=users["filer2"], amount="1000.00", reason="x")
    with pytest.raises(ApplicationError) as exc:  # not the department's project
        services.warning_reallocation_request(
            warning=w, actor=users["filer"], amount="1000.00", reason="x", target=setup["water"].pk
        )
    assert "target" in exc.value.errors
    r = services.warning_reallocation_request(
        warning=w, actor=users["filer"], amount="200000.00", reason="调剂至课后服务", target=setup["other"].pk
    )
    assert r.source == setup["lagging"] and WarningReallocation.objects.get().warning == w
    with pytest.raises(ApplicationError) as exc:  # one open request per warning
        services.warning_reallocation_request(warning=w, actor=users["filer"], amount="1000.00", reason="再来")
    assert exc.value.code == "invalid_state"
    budget_services.reallocation_return(reallocation=r, actor=users["finance"], reason="请说明")
    with pytest.raises(ApplicationError):  # returned is still open: change and resubmit it
        services.warning_reallocation_request(warning=w, actor=users["filer"], amount="1000.00", reason="再来")
    r.refresh_from_db()
    budget_services.reallocation_resubmit(
        reallocation=r, actor=users["filer"], amount="200000.00", reason="已说明", target=setup["other"].pk
    )
    r.refresh_from_db()
    budget_services.reallocation_approve(reallocation=r, actor=users["finance"])
    # Approved: a further request may follow.
    assert services.warning_reallocation_request(warning=w, actor=users["filer"], amount="1000.00", reason="再调")


def test_an_approved_request_changes_the_warnings_the_job_records(setup, users):
    """30 % executed at the August checkpoint (60 %): a warning. Moving 500 000 out leaves 60 %: none."""
    w = _adjust(setup["warning"], users["filer"])
    r = services.warning_reallocation_request(warning=w, actor=users["filer"], amount="500000.00", reason="退回资金池")
    budget_services.reallocation_approve(reallocation=r, actor=users["finance"])
    jobs.record_warnings(today=dt.date(2026, 9, 1))
    assert not MonitoringWarning.objects.filter(project=setup["lagging"], checkpoint=dt.date(2026, 8, 31)).exists()
    assert MonitoringWarning.objects.filter(project=setup["other"], checkpoint=dt.date(2026, 8, 31)).exists()


def test_the_pages_form_list_detail_and_decision(setup, users, client_for):
    w = _adjust(setup["warning"], users["filer"])
    filer = client_for("filer")
    page = filer.get(reverse("monitoring:warning_detail", args=[w.pk])).content.decode()
    assert 'id="warning-reallocation-link"' in page
    url = reverse("monitoring:warning_reallocation", args=[w.pk])
    assert filer.get(url).status_code == 200
    # A field error keeps what was typed.
    r = filer.post(url, {"source": setup["lagging"].pk, "target": "", "amount": "700000.01", "reason": "退回"})
    assert r.status_code == 400
    body = r.content.decode()
    assert "700000.01" in body and "700,000.00" in body and not Reallocation.objects.exists()
    r = filer.post(
        url, {"source": setup["lagging"].pk, "target": setup["other"].pk, "amount": "700000.00", "reason": "调剂"}
    )
    assert r.status_code == 302
    realloc = Reallocation.objects.get()
    assert r["Location"] == reverse("budgets:reallocation_detail", args=[realloc.pk])
    assert client_for("filer2").get(url).status_code == 404
    assert client_for("filer2").get(r["Location"]).status_code == 404
    finance = client_for("finance")
    listing = finance.get(reverse("budgets:reallocation_list") + "?status=pending&department=edu").content.decode()
    assert "校舍维修" in listing
    assert "校舍维修" not in finance.get(reverse("budgets:reallocation_list") + "?status=approved").content.decode()
    detail = finance.get(r["Location"]).content.decode()
    assert reverse("budgets:reallocation_approve", args=[realloc.pk]) in detail
    # A stale page is refused.
    stale = finance.post(reverse("budgets:reallocation_approve", args=[realloc.pk]), {"version": realloc.version + 1})
    assert stale.status_code == 400
    assert BudgetProject.objects.get(pk=setup["lagging"].pk).amount == D("1000000.00")
    ok = finance.post(reverse("budgets:reallocation_approve", args=[realloc.pk]), {"version": realloc.version})
    assert ok.status_code == 302
    assert BudgetProject.objects.get(pk=setup["lagging"].pk).amount == D("300000.00")
    assert BudgetProject.objects.get(pk=setup["other"].pk).amount == D("1200000.00")
    assert 'id="reallocation-moved"' in finance.get(r["Location"]).content.decode()
    project_page = filer.get(reverse("budgets:project_detail", args=[setup["other"].pk]) + "?tab=execution")
    assert 'id="project-reallocations"' in project_page.content.decode()


def test_return_and_resubmit_on_the_pages(setup, users, client_for):
    w = _adjust(setup["warning"], users["filer"])
    realloc = services.warning_reallocation_request(warning=w, actor=users["filer"], amount="1000.00", reason="x")
    finance, filer = client_for("finance"), client_for("filer")
    url = reverse("budgets:reallocation_return", args=[realloc.pk])
    assert finance.post(url, {"reason": "", "version": realloc.version}).status_code == 400
    assert finance.post(url, {"reason": "理由不充分", "version": realloc.version}).status_code == 302
    realloc.refresh_from_db()
    detail = filer.get(reverse("budgets:reallocation_detail", args=[realloc.pk])).content.decode()
    assert "理由不充分" in detail and reverse("budgets:reallocation_resubmit", args=[realloc.pk]) in detail
    r = filer.post(
        reverse("budgets:reallocation_resubmit", args=[realloc.pk]),
        {
            "source": setup["lagging"].pk,
            "target": "",
            "amount": "800.00",
            "reason": "已补充",
            "version": realloc.version,
        },
    )
    assert r.status_code == 302
    realloc.refresh_from_db()
    assert (realloc.status, realloc.amount) == ("pending", D("800.00"))


def test_the_api_opens_decides_and_scopes_requests(setup, users, api_for):
    w = _adjust(setup["warning"], users["filer"])
    url = reverse("monitoring-warning-reallocation", args=[w.pk])
    bad = api_for("filer").post(url, {"amount": "700000.01", "reason": "退回", "target": None}, format="json")
    assert bad.status_code == 400 and "amount" in bad.json()["errors"]
    assert api_for("filer2").post(url, {"amount": "1.00", "reason": "x"}, format="json").status_code == 404
    ok = api_for("filer").post(
        url, {"amount": "700000.00", "reason": "调剂", "target": setup["other"].pk}, format="json"
    )
    assert ok.status_code == 201, ok.content
    pk = ok.json()["id"]
    assert ok.json()["amount"] == "700000.00" and ok.json()["source"] == setup["lagging"].pk
    warning = api_for("filer").get(reverse("monitoring-warning-detail", args=[w.pk])).json()
    assert warning["reallocations"] == [pk]
    detail = reverse("budget-reallocation-detail", args=[pk])
    assert api_for("filer2").get(detail).status_code == 404
    assert api_for("finance").get(reverse("budget-reallocation-list") + "?status=pending").json()["count"] == 1
    assert api_for("filer").post(reverse("budget-reallocation-approve", args=[pk]), {}).status_code == 403
    stale = api_for("finance").post(reverse("budget-reallocation-approve", args=[pk]), {"version": 99}, format="json")
    assert stale.status_code == 409
    approved = api_for("finance").post(reverse("budget-reallocation-approve", args=[pk]), {"version": 1}, format="json")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    again = api_for("finance").post(reverse("budget-reallocation-approve", args=[pk]), {}, format="json")
    assert again.status_code == 400 and again.json()["code"] == "invalid_state"
    assert BudgetProject.objects.get(pk=setup["lagging"].pk).amount == D("300000.00")
