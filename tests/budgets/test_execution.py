"""Execution: spending up to the amount and not one yuan more, held tranches, per-quarter rates, evaluation."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from audit.models import AuditEvent
from budgets import selectors, services
from budgets.models import Evaluation, SpendingRecord, Tranche
from core.errors import ApplicationError

from .factories import approved_project

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen_today(monkeypatch):
    """Spending dates may not lie in the future: pin 'today' at the end of 2026."""
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2026, 12, 31))


@pytest.fixture
def project(departments):
    return approved_project(departments["edu"], amount="2396300.00")


def spent(project):
    return selectors.spent_of(project=project)


def test_done_means_spending_up_to_the_amount_then_one_more_yuan_is_refused(client_for, project):
    finance = client_for("finance")
    url = reverse("budgets:spending_create", args=[project.pk])
    response = finance.post(url, {"date": "2026-03-18", "amount": "1000000.00", "description": "第一批"})
    assert response.status_code == 302
    response = finance.post(url, {"date": "2026-09-16", "amount": "1396300.00", "description": "第二批"})
    assert response.status_code == 302
    assert spent(project) == Decimal("2396300.00")
    last_event = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()

    response = finance.post(url, {"date": "2026-10-10", "amount": "1.00", "description": "超支"})
    assert response.status_code == 400
    form = response.context["spending_form"]
    assert "amount" in form.errors
    assert "2,396,301.00" in form.errors["amount"][0] or "2396301.00" in form.errors["amount"][0]
    assert "超支" not in SpendingRecord.objects.values_list("description", flat=True)
    assert SpendingRecord.objects.filter(project=project).count() == 2
    assert spent(project) == Decimal("2396300.00")
    # No spending written; the attempt itself is in the audit trail, as a failure.
    written = AuditEvent.objects.filter(pk__gt=last_event)
    assert list(written.values_list("action", "outcome")) == [("budgets.spending.refused", "failure")]
    refused = written.get()
    assert refused.actor_username == "finance" and refused.object_id == str(project.pk)
    assert refused.data["amount"] == "1.00" and "2,396,301.00" in refused.data["reason"]

    rec = AuditEvent.objects.filter(action="budgets.spending.recorded").order_by("pk").last()
    assert rec.data["spent_before"] == "1000000.00" and rec.data["spent_after"] == "2396300.00"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"amount": "-100"}, "amount"),
        ({"amount": "0"}, "amount"),
        ({"amount": "100000000000000"}, "amount"),
        ({"amount": "12.345"}, "amount"),
        ({"date": "2025-12-31"}, "date"),
        ({"date": "2027-01-01"}, "date"),
        ({"date": "not a date"}, "date"),
        ({"description": "x" * 201}, "description"),
    ],
)
def test_bad_spending_input_gives_field_errors_and_writes_nothing(client_for, project, data, field):
    body = {"date": "2026-05-01", "amount": "100.00", "description": "ok"}
    body.update(data)
    response = client_for("finance").post(reverse("budgets:spending_create", args=[project.pk]), body)
    assert response.status_code == 400
    assert field in response.context["spending_form"].errors
    assert not SpendingRecord.objects.exists()


def test_a_future_date_is_refused(departments, users, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2026, 6, 30))
    project = approved_project(departments["edu"])
    with pytest.raises(ApplicationError) as exc:
        services.spending_record(project=project, actor=users["finance"], date=dt.date(2026, 7, 1), amount="10")
    assert "date" in exc.value.errors


def test_spending_needs_an_approved_project(departments, users):
    project = approved_project(departments["edu"])
    project.status = "submitted"
    project.save()
    with pytest.raises(ApplicationError):
        services.spending_record(project=project, actor=users["finance"], date=dt.date(2026, 5, 1), amount="10")
    assert not SpendingRecord.objects.exists()


def test_held_tranche_refuses_spending_until_finance_releases_it(client_for, users, project):
    finance = users["finance"]
    targets = {t.name: t for t in project.targets.all()}
    first = services.tranche_create(project=project, actor=finance, name="第一批", amount=Decimal("1200000.00"))
    second = services.tranche_create(
        project=project,
        actor=finance,
        name="第二批",
        amount=Decimal("1196300.00"),
        condition_targets=[targets["组织活动场次"]],
    )
    assert first.status == "open" and second.status == "held"

    response = client_for("finance").post(
        reverse("budgets:spending_create", args=[project.pk]),
        {"date": "2026-09-01", "amount": "100.00", "tranche": second.pk},
    )
    assert response.status_code == 400
    assert "tranche" in response.context["spending_form"].errors
    assert not SpendingRecord.objects.exists()

    # A project paid in tranches names the tranche; a tranche cannot be overspent.
    with pytest.raises(ApplicationError) as exc:
        services.spending_record(project=project, actor=finance, date=dt.date(2026, 5, 1), amount="10")
    assert "tranche" in exc.value.errors
    with pytest.raises(ApplicationError) as exc:
        services.spending_record(
            project=project, actor=finance, date=dt.date(2026, 5, 1), amount="1200000.01", tranche=first
        )
    assert "amount" in exc.value.errors

    # No recorded value shows the target met: releasing needs a note saying on what evidence.
    with pytest.raises(ApplicationError) as exc:
        services.tranche_release(tranche=second, actor=finance, note="")
    assert "note" in exc.value.errors
    response = client_for("finance").post(
        reverse("budgets:tranche_release", args=[project.pk, second.pk]), {"note": "据上半年活动台账,已完成 52 场。"}
    )
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.status == "released" and second.released_by == finance
    event = AuditEvent.objects.get(action="budgets.tranche.released")
    assert event.before["status"] == "held" and event.after["status"] == "released"
    assert event.data["unmet_targets"] == ["组织活动场次"]

    services.spending_record(project=project, actor=finance, date=dt.date(2026, 9, 2), amount="100", tranche=second)
    assert spent(project) == Decimal("100")


def test_tranches_cannot_add_up_beyond_the_amount(users, project):
    services.tranche_create(project=project, actor=users["finance"], name="一", amount=Decimal("2000000"))
    with pytest.raises(ApplicationError) as exc:
        services.tranche_create(project=project, actor=users["finance"], name="二", amount=Decimal("396300.01"))
    assert "amount" in exc.value.errors
    assert Tranche.objects.count() == 1


def test_execution_rate_per_quarter(users, project):
    finance = users["finance"]
    for day, amount in [("2026-02-10", "239630"), ("2026-03-30", "239630"), ("2026-08-01", "479260")]:
        services.spending_record(
            project=project, actor=finance, date=dt.date.fromisoformat(day), amount=Decimal(amount)
        )
    quarters = selectors.execution_by_quarter(project=project)
    assert [q["spent"] for q in quarters] == [Decimal("479260"), 0, Decimal("479260"), 0]
    assert [q["rate"] for q in quarters] == [Decimal("20.00"), Decimal("20.00"), Decimal("40.00"), Decimal("40.00")]


def test_year_end_values_and_evaluation(client_for, users, project):
    """The hand-computed case of test_evaluation through the pages: 8.50 + 13.34 + ... = 86.67 (良)."""
    finance = users["finance"]
    services.spending_record(
        project=project, actor=finance, date=dt.date(2026, 6, 1), amount=Decimal("2036855.00")
    )  # 85 % of 2,396,300
    targets = {t.name: t for t in project.targets.all()}
    body = {
        f"actual_{targets['讲师课时费标准'].pk}": "250",
        f"actual_{targets['组织活动场次'].pk}": "40",
        f"actual_{targets['覆盖学校数'].pk}": "120",
        f"actual_{targets['满意度'].pk}": "81",
        f"note_{targets['满意度'].pk}": "第三方满意度调查",
        "evaluate": "1",
    }
    response = client_for("finance").post(reverse("budgets:actuals", args=[project.pk]), body)
    assert response.status_code == 302
    evaluation = Evaluation.objects.get(project=project)
    # execution 8.50; output group 50: activities 25 × 40/50 = 20.00, fee 25 × 200/250 = 20.00;
    # effect 30.00; satisfaction 10 × 81/90 = 9.00 → 87.50
    assert evaluation.total == Decimal("87.50")
    assert evaluation.grade == "good"
    assert evaluation.execution_rate == Decimal("85.00")
    assert sum(Decimal(line["points"]) for line in evaluation.ledger) == evaluation.total

    page = client_for("filer").get(reverse("budgets:project_detail", args=[project.pk]) + "?tab=evaluation")
    html = page.content.decode()
    assert "87.50" in html and "比例制" in html
    assert AuditEvent.objects.filter(action="budgets.actual.recorded").count() == 4
    assert AuditEvent.objects.filter(action="budgets.evaluation.computed").count() == 1

    # Recomputing keeps the earlier evaluation.
    services.evaluation_compute(project=project, actor=finance)
    assert list(Evaluation.objects.filter(project=project).values_list("number", flat=True).order_by("number")) == [
        1,
        2,
    ]


def test_bad_actual_values_give_field_errors(client_for, project):
    target = project.targets.first()
    response = client_for("finance").post(reverse("budgets:actuals", args=[project.pk]), {f"actual_{target.pk}": "abc"})
    assert response.status_code == 400
    assert f"actual_{target.pk}" in response.context["actuals_form"].errors
    target.refresh_from_db()
    assert target.actual is None


@pytest.mark.services
def test_concurrent_spending_cannot_both_pass_the_check(postgres, departments, users, transactional_db):
    """Two records of 600 against 1,000 left, at the same moment: the row lock lets one through."""
    project = approved_project(departments["edu"], amount="1000.00")
    barrier = threading.Barrier(2)
    outcomes = []

    def spend():
        try:
            barrier.wait()
            services.spending_record(project=project, actor=users["finance"], date=dt.date(2026, 5, 1), amount="600")
            outcomes.append("ok")
        except ApplicationError:
            outcomes.append("refused")
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=spend) for _ in range(2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sorted(outcomes) == ["ok", "refused"]
    assert spent(project) == Decimal("600")
