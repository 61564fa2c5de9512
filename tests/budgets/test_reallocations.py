"""Budget reallocation (预算调剂): the amounts that may move, scope, the decision, return and
resubmission, stale pages and the audit (docs/budgets.md, "Budget reallocation")."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.utils import translation

from audit.models import AuditEvent
from budgets import reallocation_selectors as rs
from budgets import services
from budgets.models import BudgetProject, Reallocation, SpendingRecord, Tranche
from core.errors import ApplicationError, ConflictError
from monitoring import selectors as monitoring_selectors
from tests.budgets.factories import ProjectFactory, approved_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(departments):
    edu, water = departments["edu"], departments["water"]
    a = approved_project(edu, amount="1000000.00", code="EDU-A", name="校舍维修")
    b = approved_project(edu, amount="500000.00", code="EDU-B", name="课后服务")
    SpendingRecord.objects.create(project=a, date=dt.date(2026, 5, 10), amount=D("300000.00"))  # outside tranches
    tranched = approved_project(edu, amount="800000.00", code="EDU-T", name="智慧校园")
    open_t = Tranche.objects.create(project=tranched, name="第一批", amount=D("300000.00"), status="open")
    held_t = Tranche.objects.create(project=tranched, name="第二批", amount=D("200000.00"), status="held")
    released_t = Tranche.objects.create(project=tranched, name="首付", amount=D("100000.00"), status="released")
    SpendingRecord.objects.create(project=tranched, tranche=open_t, date=dt.date(2026, 5, 1), amount=D("120000.00"))
    water_p = approved_project(water, amount="900000.00", code="WAT-A", name="河道整治")
    draft = ProjectFactory(department=edu, code="EDU-D", amount=D("100000.00"))
    return {
        "a": a,
        "b": b,
        "tranched": tranched,
        "open": open_t,
        "held": held_t,
        "released": released_t,
        "water": water_p,
        "draft": draft,
    }


def ask(user, source, amount, **kw):
    return services.reallocation_request(
        actor=user, source=source, amount=amount, reason=kw.pop("reason", "结余调剂"), **kw
    )


def test_the_available_amount_is_neither_spent_nor_planned(world):
    assert rs.available_from(project=world["a"]) == D("700000.00")  # 1 000 000 − 300 000 spent
    # 800 000 − 600 000 in tranches − nothing spent outside them
    assert rs.available_from(project=world["tranched"]) == D("200000.00")
    assert rs.available_from(project=world["tranched"], tranche=world["open"]) == D("180000.00")
    assert rs.available_from(project=world["tranched"], tranche=world["held"]) == D("200000.00")


def test_exactly_the_available_amount_passes_and_one_cent_more_is_refused(world, users):
    with pytest.raises(ApplicationError) as exc:
        ask(users["filer"], world["a"], "700000.01", target=world["b"])
    assert list(exc.value.errors) == ["amount"]
    assert "700,000.00" in exc.value.errors["amount"][0]
    assert not Reallocation.objects.exists()
    r = ask(users["filer"], world["a"], "700000.00", target=world["b"])
    assert r.status == "pending" and r.amount == D("700000.00")
    # The amounts stay as they are until finance approves.
    world["a"].refresh_from_db()
    assert world["a"].amount == D("1000000.00")


def test_a_tranche_gives_its_unspent_money_and_a_pending_request_counts(world, users):
    with pytest.raises(ApplicationError) as exc:
        ask(users["filer"], world["tranched"], "180000.01", tranche=world["open"])
    assert "amount" in exc.value.errors
    ask(users["filer"], world["tranched"], "100000.00", tranche=world["open"])
    # 180 000 unspent, 100 000 asked for already: 80 000 left to ask for.
    with pytest.raises(ApplicationError) as exc:
        ask(users["filer"], world["tranched"], "80000.01", tranche=world["open"])
    assert "amount" in exc.value.errors
    assert ask(users["filer"], world["tranched"], "80000.00", tranche=world["open"]).pk


@pytest.mark.parametrize(
    "amount, field",
    [("0", "amount"), ("-5", "amount"), ("12.345", "amount"), ("abc", "amount"), ("", "amount")],
)
def test_bad_amounts_are_field_errors(world, users, amount, field):
    with pytest.raises(ApplicationError) as exc:
        ask(users["filer"], world["a"], amount)
    assert field in exc.value.errors


def test_the_project_keeps_some_money(world, users):
    fresh = approved_project(world["a"].department, amount="50000.00", code="EDU-F", name="新项目")
    with translation.override("en"), pytest.raises(ApplicationError) as exc:
        ask(users["filer"], fresh, "50000.00")
    assert "cancel" in exc.value.errors["amount"][0]
    assert ask(users["filer"], fresh, "49999.99").pk


def test_released_tranches_other_projects_and_other_departments_are_refused(world, users):
    with pytest.raises(ApplicationError) as exc:
        ask(users["filer"], world["tranched"], "1.00", tranche=world["released"])
    assert "source_tranche" in exc.value.errors
    with pytest.raises(ApplicationError) as exc:
        ask(users["filer"], world["a"], "1.00", tranche=world["open"])  # a tranche of another project
    assert "source_tranche" in exc.value.errors
    with pytest.raises(ApplicationError) as exc:
        ask(users["filer"], world["a"], "1.00", target=world["water"])  # another department's project
    assert "target" in exc.value.errors
    with pytest.raises(ApplicationError) as exc:
        ask(users["filer"], world["a"], "1.00", target=world["draft"])  # not approved
    assert "target" in exc.value.errors
    with pytest.raises(ApplicationError) as exc:
        ask(users["filer"], world["a"], "1.00", target=world["a"])
    assert "target" in exc.value.errors
    with pytest.raises(ApplicationError) as exc:
        ask(users["filer2"], world["a"], "1.00")  # 水利局 on 教育局's project
    assert "source" in exc.value.errors
    with pytest.raises(ApplicationError) as exc:
        ask(users["finance"], world["a"], "1.00")
    assert exc.value.code == "permission_denied"
    with pytest.raises(ApplicationError) as exc:
        ask(users["filer"], world["a"], "1.00", reason=" ")
    assert "reason" in exc.value.errors
    assert not Reallocation.objects.exists()


def test_approval_moves_the_money_to_the_project_and_the_execution_rate_follows(world, users):
    r = ask(users["filer"], world["a"], "400000.00", target=world["b"])
    rows = {row.project.pk: row for row in monitoring_selectors.monitoring_rows(user=users["finance"], year=2026)[0]}
    assert rows[world["a"].pk].result.execution_rate == D("30.00")
    services.reallocation_approve(reallocation=r, actor=users["finance"], expected_version=r.version)
    a, b = BudgetProject.objects.get(pk=world["a"].pk), BudgetProject.objects.get(pk=world["b"].pk)
    assert (a.amount, b.amount) == (D("600000.00"), D("900000.00"))
    assert a.version == world["a"].version + 1
    rows = {row.project.pk: row for row in monitoring_selectors.monitoring_rows(user=users["finance"], year=2026)[0]}
    assert rows[world["a"].pk].result.execution_rate == D("50.00")  # 300 000 ÷ 600 000
    r.refresh_from_db()
    assert r.status == "approved" and r.decided_by == users["finance"]
    assert r.moved["source"]["before"] == "1000000.00" and r.moved["target"]["after"] == "900000.00"
    event = AuditEvent.objects.get(action="budgets.reallocation.approved")
    assert event.before["source_amount"] == "1000000.00" and event.after["source_amount"] == "600000.00"
    assert event.before["status"] == "pending" and event.after["status"] == "approved"
    assert AuditEvent.objects.filter(action="budgets.project.reallocated").count() == 2
    # Approving again moves nothing.
    with pytest.raises(ApplicationError) as exc:
        services.reallocation_approve(reallocation=r, actor=users["finance"])
    assert exc.value.code == "invalid_state"
    a.refresh_from_db()
    assert a.amount == D("600000.00")


def test_approval_from_a_tranche_back_to_the_pool(world, users):
    r = ask(users["filer"], world["tranched"], "200000.00", tranche=world["held"])
    services.reallocation_approve(reallocation=r, actor=users["finance"])
    world["tranched"].refresh_from_db()
    assert world["tranched"].amount == D("600000.00")
    # The held tranche was emptied: it is removed, its name kept on the request.
    assert not Tranche.objects.filter(pk=world["held"].pk).exists()
    r.refresh_from_db()
    assert r.source_tranche is None and r.source_tranche_name == "第二批" and r.to_pool
    assert rs.returned_to_pool(year=2026) == D("200000.00")
    assert AuditEvent.objects.filter(action="budgets.tranche.removed").count() == 1
    # Part of a tranche: the tranche keeps the rest.
    r2 = ask(users["filer"], world["tranched"], "50000.00", tranche=world["open"])
    services.reallocation_approve(reallocation=r2, actor=users["finance"])
    world["open"].refresh_from_db()
    assert world["open"].amount == D("250000.00")


def test_approval_checks_the_amounts_again(world, users):
    r = ask(users["filer"], world["a"], "700000.00")
    SpendingRecord.objects.create(project=world["a"], date=dt.date(2026, 6, 1), amount=D("0.01"))
    with pytest.raises(ApplicationError) as exc:
        services.reallocation_approve(reallocation=r, actor=users["finance"])
    assert "amount" in exc.value.errors
    world["a"].refresh_from_db()
    assert world["a"].amount == D("1000000.00")
    r.refresh_from_db()
    assert r.status == "pending"


def test_only_finance_decides_and_a_stale_page_is_refused(world, users):
    r = ask(users["filer"], world["a"], "1000.00", target=world["b"])
    with pytest.raises(ApplicationError) as exc:
        services.reallocation_approve(reallocation=r, actor=users["filer"])
    assert exc.value.code == "permission_denied"
    with pytest.raises(ConflictError):
        services.reallocation_approve(reallocation=r, actor=users["finance"], expected_version=r.version + 1)
    with pytest.raises(ConflictError):
        services.reallocation_return(reallocation=r, actor=users["finance"], reason="x", expected_version=r.version + 1)


def test_return_then_resubmit(world, users):
    r = ask(users["filer"], world["a"], "1000.00", target=world["b"])
    with pytest.raises(ApplicationError) as exc:
        services.reallocation_return(reallocation=r, actor=users["finance"], reason="  ")
    assert "reason" in exc.value.errors
    with pytest.raises(ApplicationError) as exc:  # only a returned request is sent again
        services.reallocation_resubmit(
            reallocation=r, actor=users["filer"], amount="900.00", reason="再议", target=world["b"]
        )
    assert exc.value.code == "invalid_state"
    r = services.reallocation_return(
        reallocation=r, actor=users["finance"], reason="金额偏大", expected_version=r.version
    )
    assert r.status == "returned" and r.return_reason == "金额偏大"
    with pytest.raises(ApplicationError):  # finance cannot approve a returned request
        services.reallocation_approve(reallocation=r, actor=users["finance"])
    with pytest.raises(ApplicationError):  # another department cannot resubmit it
        services.reallocation_resubmit(reallocation=r, actor=users["filer2"], amount="900.00", reason="x")
    with pytest.raises(ApplicationError) as exc:  # the same rules as a new request
        services.reallocation_resubmit(
            reallocation=r, actor=users["filer"], amount="700000.01", reason="再议", expected_version=r.version
        )
    assert "amount" in exc.value.errors
    with pytest.raises(ConflictError):
        services.reallocation_resubmit(
            reallocation=r, actor=users["filer"], amount="900.00", reason="再议", expected_version=r.version - 1
        )
    r = services.reallocation_resubmit(
        reallocation=r, actor=users["filer"], amount="900.00", reason="已核减", expected_version=r.version
    )
    assert (r.status, r.amount, r.target_id) == ("pending", D("900.00"), None)  # to the pool now
    services.reallocation_approve(reallocation=r, actor=users["finance"], expected_version=r.version)
    world["a"].refresh_from_db()
    assert world["a"].amount == D("999100.00")
    actions = list(
        AuditEvent.objects.filter(object_id=str(r.pk), action__startswith="budgets.reallocation")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "budgets.reallocation.requested",
        "budgets.reallocation.returned",
        "budgets.reallocation.resubmitted",
        "budgets.reallocation.approved",
    ]


def test_a_department_sees_its_own_requests(world, users):
    mine = ask(users["filer"], world["a"], "1000.00")
    theirs = ask(users["filer2"], world["water"], "1000.00")
    assert list(rs.reallocations_for_user(user=users["filer"])) == [mine]
    assert list(rs.reallocations_for_user(user=users["filer2"])) == [theirs]
    assert set(rs.reallocations_for_user(user=users["finance"])) == {mine, theirs}
    assert list(rs.reallocations_for_user(user=users["finance"], department="water")) == [theirs]
    assert list(rs.reallocations_for_user(user=users["finance"], status="approved")) == []
    assert not rs.reallocations_for_user(user=users["surveyor"]).exists()
