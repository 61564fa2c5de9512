"""Input (docs/security.md): every input is validated on the server with a clear, field-level message —
wrong types, negative or absurd values, values beyond budget, dates out of range, unknown codes,
oversized text — and nothing is written.

One row per rule and door, through the API (the pages use the same services and forms; their
field messages are proven in the apps' own tests). Uploads and the public survey page have their
own tests (tests/assessments/test_reports.py, tests/satisfaction/test_public.py), listed in
docs/security.md.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest

from assessments.models import Appeal, Entry, ScoreEvent
from audit.models import AuditEvent, Outcome
from budgets.models import BudgetProject, BudgetTarget, SpendingRecord

from .world import YEAR

pytestmark = pytest.mark.django_db

LONG = "长" * 5000


@dataclasses.dataclass(frozen=True)
class Bad:
    rule: str  # the docs/security.md rule
    label: str
    role: str
    method: str
    url: Callable
    body: Callable
    field: str  # the field the message must name


def _entry(w):
    return f"/api/v1/entries/{w['entry_edu'].pk}/"


def _event(**changes):
    body = {"year": YEAR, "rule": "criticism", "department": "edu", "date": f"{YEAR}-11-05", "occurrences": 1}
    body["note"] = "通报"
    return lambda w: {**body, **changes}


def _project(**changes):
    return lambda w: {"name": "新项目", "year": YEAR, "amount": "1000.00", **changes}


def _spending(**changes):
    return lambda w: {
        "project": w["project_approved"].pk,
        "tranche": w["tranche_open"].pk,
        "date": f"{YEAR}-06-01",
        "amount": "10.00",
        **changes,
    }


def _appeal(**changes):
    def body(w):
        line = w["score_edu"].lines.filter(kind="indicator").order_by("order").last()
        return {"year": YEAR, "period": "annual", "line_key": line.key, "reason": "数据有误", **changes}

    return body


CASES = [
    # Wrong types
    Bad(
        "type",
        "a value that is not a number",
        "filer",
        "patch",
        _entry,
        lambda w: {"actual_value": "一百"},
        "actual_value",
    ),
    Bad(
        "type",
        "an amount that is not a number",
        "filer",
        "post",
        lambda w: "/api/v1/budget-projects/",
        _project(amount="很多"),
        "amount",
    ),
    Bad(
        "type",
        "a year that is not a number",
        "supervisor",
        "post",
        lambda w: "/api/v1/events/",
        _event(year="二〇二六"),
        "year",
    ),
    Bad(
        "type",
        "a date that is not a date",
        "supervisor",
        "post",
        lambda w: "/api/v1/events/",
        _event(date="明天"),
        "date",
    ),
    # Negative or absurd values
    Bad(
        "absurd",
        "a negative amount",
        "filer",
        "post",
        lambda w: "/api/v1/budget-projects/",
        _project(amount="-5"),
        "amount",
    ),
    Bad(
        "absurd",
        "an amount beyond any budget",
        "filer",
        "post",
        lambda w: "/api/v1/budget-projects/",
        _project(amount="1" + "0" * 14),
        "amount",
    ),
    Bad(
        "absurd",
        "no occurrence",
        "supervisor",
        "post",
        lambda w: "/api/v1/events/",
        _event(occurrences=0),
        "occurrences",
    ),
    Bad(
        "absurd",
        "a million occurrences",
        "supervisor",
        "post",
        lambda w: "/api/v1/events/",
        _event(occurrences=10**6),
        "occurrences",
    ),
    Bad(
        "absurd",
        "a completion above 100 percent",
        "filer",
        "patch",
        _entry,
        lambda w: {"completion_pct": "1000"},
        "completion_pct",
    ),
    Bad(
        "absurd",
        "a negative completion",
        "filer",
        "patch",
        _entry,
        lambda w: {"completion_pct": "-5"},
        "completion_pct",
    ),
    Bad(
        "absurd",
        "negative points",
        "supervisor",
        "patch",
        lambda w: f"/api/v1/indicators/{w.plan.library.indicators.get(code='roads').pk}/",
        lambda w: {"points": "-1"},
        "points",
    ),
    # Values beyond budget
    Bad(
        "budget",
        "spending beyond the project's amount",
        "finance",
        "post",
        lambda w: "/api/v1/budget-spending/",
        _spending(amount="2396300.00"),
        "amount",
    ),
    Bad(
        "budget",
        "a tranche beyond the project's amount",
        "finance",
        "post",
        lambda w: "/api/v1/budget-tranches/",
        lambda w: {"project": w["project_approved"].pk, "name": "第三批", "amount": "99999999.00"},
        "amount",
    ),
    # Dates out of range
    Bad(
        "date",
        "an event in another year",
        "supervisor",
        "post",
        lambda w: "/api/v1/events/",
        _event(date="2019-03-01"),
        "date",
    ),
    Bad(
        "date",
        "spending outside the project's year",
        "finance",
        "post",
        lambda w: "/api/v1/budget-spending/",
        _spending(date="2031-01-01"),
        "date",
    ),
    Bad(
        "date",
        "a survey that closes before it opens",
        "surveyor",
        "patch",
        lambda w: "/api/v1/surveys/draft/",
        lambda w: {"opens_on": f"{YEAR}-12-10", "closes_on": f"{YEAR}-12-01"},
        "closes_on",
    ),
    # Unknown codes
    Bad(
        "code",
        "an unknown department",
        "supervisor",
        "post",
        lambda w: "/api/v1/events/",
        _event(department="nowhere"),
        "department",
    ),
    Bad("code", "an unknown rule", "supervisor", "post", lambda w: "/api/v1/events/", _event(rule="nowhere"), "rule"),
    Bad(
        "code",
        "an unknown indicator of a target",
        "filer",
        "patch",
        lambda w: f"/api/v1/budget-targets/{w['target'].pk}/",
        lambda w: {"indicator_code": "nowhere"},
        "indicator_code",
    ),
    Bad(
        "code",
        "an unknown region for codes",
        "surveyor",
        "post",
        lambda w: "/api/v1/surveys/s2026/codes/",
        lambda w: {"region": "nowhere", "count": 1},
        "region",
    ),
    Bad(
        "code",
        "an unknown period",
        "filer",
        "post",
        lambda w: "/api/v1/reports/",
        lambda w: {"year": YEAR, "period": "Q9"},
        "period",
    ),
    Bad(
        "code",
        "an unknown ledger line",
        "filer",
        "post",
        lambda w: "/api/v1/appeals/",
        _appeal(line_key="nowhere"),
        "line_key",
    ),
    # Oversized text
    Bad(
        "text",
        "a progress narrative of 5000 characters",
        "filer",
        "patch",
        _entry,
        lambda w: {"narrative": LONG},
        "narrative",
    ),
    Bad(
        "text",
        "an appeal of 5000 characters",
        "filer",
        "post",
        lambda w: "/api/v1/appeals/",
        _appeal(reason=LONG),
        "reason",
    ),
    Bad(
        "text",
        "a project description of 5000 characters",
        "filer",
        "patch",
        lambda w: f"/api/v1/budget-projects/{w['project_draft'].pk}/",
        lambda w: {"description": LONG * 2},
        "description",
    ),
    Bad(
        "text",
        "an indicator name of 500 characters",
        "supervisor",
        "patch",
        lambda w: f"/api/v1/indicators/{w.plan.library.indicators.get(code='roads').pk}/",
        lambda w: {"name": "名" * 500},
        "name",
    ),
]


def _written() -> tuple:
    return (
        # Refusals may be audited as failures (spending beyond the budget is); no success is recorded.
        AuditEvent.objects.filter(outcome=Outcome.SUCCESS).count(),
        ScoreEvent.objects.count(),
        BudgetProject.objects.count(),
        SpendingRecord.objects.count(),
        Appeal.objects.count(),
        list(Entry.objects.order_by("pk").values_list("narrative", "actual_value", "completion_pct", "version")),
        list(BudgetTarget.objects.order_by("pk").values_list("indicator_id", "version")),
    )


@pytest.mark.parametrize("case", CASES, ids=[f"{c.rule}: {c.label}" for c in CASES])
def test_bad_input_is_refused_with_a_field_message_and_writes_nothing(world, api, case):
    before = _written()
    response = getattr(api(case.role), case.method)(case.url(world), case.body(world), format="json")
    assert response.status_code == 400, (response.status_code, response.content[:300])
    body = response.json()
    assert body["detail"]
    assert case.field in body.get("errors", {}), body
    assert all(isinstance(m, str) and m for m in body["errors"][case.field])
    assert _written() == before


def test_every_rule_of_the_input_line_has_a_case():
    assert {c.rule for c in CASES} == {"type", "absurd", "budget", "date", "code", "text"}
