"""Every business write of docs/security.md's audit line is recorded (report submit / return / approve,
score change, deduction, appeal decision, budget approval and override, survey closing, import),
each with its time, actor, source address, action, object, outcome and, for changes, the values
before and after as a snapshot.

Each write is made as a user makes it (through the API or the page) so that the source address
and the token come from the request.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from assessments import services as assess
from audit.models import AuditEvent, Outcome
from budgets import importing

from .world import YEAR

pytestmark = pytest.mark.django_db


def _fill_q4(w):
    for e in w["q4_edu"].entries.select_related("assignment__indicator"):
        code = e.assignment.indicator.code
        data = {"narrative": "全年完成", "explanation": "按计划完成"}
        if code == "roads":
            data["actual_value"] = "300"
        elif code == "rate":
            data["actual_value"] = "100"
        else:
            data["completion_pct"] = "100"
        assess.entry_save(entry=e, data=data, actor=w.users["filer"])


@dataclasses.dataclass(frozen=True)
class Write:
    label: str
    role: str
    action: str
    do: Callable  # (world, api client, page client) → response
    changes: bool = True  # a change of an object: before and after are kept


WRITES = [
    Write(
        "report submit",
        "filer",
        "assessments.report.submitted",
        lambda w, api, page: (_fill_q4(w), api.post(f"/api/v1/reports/{w['q4_edu'].pk}/submit/", {}))[1],
    ),
    Write(
        "report return",
        "supervisor",
        "assessments.report.returned",
        lambda w, api, page: api.post(f"/api/v1/reports/{w['q3_water'].pk}/return/", {"reason": "请补充佐证"}),
    ),
    Write(
        "report approve",
        "supervisor",
        "assessments.report.approved",
        lambda w, api, page: api.post(f"/api/v1/reports/{w['q3_water'].pk}/approve/", {}),
    ),
    Write(
        "deduction",
        "supervisor",
        "assessments.event.recorded",
        lambda w, api, page: api.post(
            "/api/v1/events/",
            {"year": YEAR, "rule": "criticism", "department": "edu", "date": f"{YEAR}-11-05", "note": "通报"},
        ),
    ),
    Write(
        "score change: publication",
        "supervisor",
        "assessments.scores.published",
        lambda w, api, page: page.post(
            f"/assessments/scores/{YEAR}/publish/", {"period": "Q3", "waiver": "测试:先行公布。"}
        ),
        changes=False,
    ),
    Write(
        "appeal decision",
        "supervisor",
        "assessments.appeal.rejected",
        lambda w, api, page: api.post(
            f"/api/v1/appeals/{w['appeal_edu'].pk}/decide/", {"decision": "rejected", "reason": "数据经核实无误"}
        ),
    ),
    Write(
        "budget approval",
        "finance",
        "budgets.project.approved",
        lambda w, api, page: api.post(f"/api/v1/budget-projects/{w['project_submitted'].pk}/approve/", {}),
    ),
    Write(
        "budget override",
        "finance",
        "budgets.recommendation.overridden",
        lambda w, api, page: api.post(
            f"/api/v1/budget-recommendations/{w['recommendation'].pk}/override/",
            {"final_action": "cut", "final_amount": "800000.00", "reason": "财力紧张"},
        ),
    ),
    Write(
        "survey closing",
        "surveyor",
        "satisfaction.survey.closed",
        lambda w, api, page: api.post("/api/v1/surveys/s2026/close/", {}),
    ),
    Write(
        "import",
        "filer",
        "budgets.project.imported",
        lambda w, api, page: api.post(
            "/api/v1/budget-projects/import/",
            {"file": SimpleUploadedFile("p.xlsx", importing.template_workbook()), "dry_run": "false"},
            format="multipart",
        ),
        changes=False,
    ),
]


@pytest.mark.parametrize("write", WRITES, ids=[w.label for w in WRITES])
def test_each_business_write_is_audited_with_its_snapshot(world, api, write):
    user = world.users[write.role]
    page = Client()
    page.force_login(user)
    last = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    response = write.do(world, api(write.role), page)

    assert response.status_code in (200, 201, 302), getattr(response, "content", b"")[:300]
    event = AuditEvent.objects.filter(pk__gt=last, action=write.action).order_by("pk").first()
    assert event is not None, list(AuditEvent.objects.filter(pk__gt=last).values_list("action", flat=True))
    assert event.at is not None
    assert (event.actor_id, event.actor_username, event.actor_role) == (user.pk, user.username, user.role)
    assert event.source_ip == "127.0.0.1"
    assert event.outcome == Outcome.SUCCESS
    assert event.object_type
    if write.changes:
        assert event.object_id and event.object_repr
        assert event.before is not None or event.after is not None
        assert event.after is not None or event.data  # the values after, as stored, not rebuilt later
