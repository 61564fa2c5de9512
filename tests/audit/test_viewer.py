"""The audit viewer (docs/security.md, Audit — exportable for the auditor; the auditor sees nothing
else): filters, before/after, xlsx and csv export (itself audited), permissions."""

import csv
import datetime as dt
import io
from types import SimpleNamespace
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from audit.models import AuditEvent
from audit.services import audit_log

LIST = "/audit/"
EXPORT = "/audit/export/"


def _event(action, *, at=None, **kwargs):
    if at is None:
        return audit_log(action, **kwargs)
    with mock.patch("django.utils.timezone.now", return_value=at):
        return audit_log(action, **kwargs)


@pytest.fixture
def events(users):
    now = timezone.now()
    return [
        _event("auth.login", actor=users["filer"], at=now - dt.timedelta(days=3)),
        _event("auth.login_failed", outcome="failure", data={"username": "x"}, at=now - dt.timedelta(days=2)),
        _event(
            "indicators.indicator.changed",
            actor=users["supervisor"],
            object_type="indicators.indicator",
            object_id=42,
            object_repr="教育普及率",
            before={"points": "5.00", "name": "教育普及率"},
            after={"points": "6.00", "name": "教育普及率"},
        ),
        _event("auth.denied", actor=users["leader"], outcome="denied", data={"path": "/x/"}),
    ]


@pytest.mark.parametrize("role", ["filer", "dept_head", "supervisor", "finance", "leader", "admin", "security_admin"])
@pytest.mark.parametrize("path", [LIST, EXPORT, "/audit/{pk}/"])
def test_only_the_auditor_reads_the_log(client_for, events, role, path):
    assert client_for(role).get(path.format(pk=events[0].pk)).status_code == 403


def test_anonymous_goes_to_the_login_page(client, events):
    assert client.get(LIST)["Location"].startswith(reverse("login"))


def test_the_auditor_lists_every_event_newest_first(client_for, events):
    response = client_for("auditor").get(LIST)
    assert response.status_code == 200
    listed = [e for e in response.context["events"] if e.actor_username != "auditor"]
    assert listed[0].action == "auth.denied" and listed[-1].action == "auth.login"
    assert len(listed) == len(events)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"actor": "supervisor"}, ["indicators.indicator.changed"]),
        ({"action": "auth."}, ["auth.denied", "auth.login_failed", "auth.login"]),
        ({"outcome": "failure"}, ["auth.login_failed"]),
        ({"object_type": "indicators.indicator", "object_id": "42"}, ["indicators.indicator.changed"]),
        ({"date_to": (timezone.localdate() - dt.timedelta(days=2)).isoformat()}, ["auth.login_failed", "auth.login"]),
        ({"date_from": timezone.localdate().isoformat()}, ["auth.denied", "indicators.indicator.changed"]),
        ({"source_ip": "10.0.0.9"}, []),
    ],
)
def test_filters(client_for, events, query, expected):
    response = client_for("auditor").get(LIST, query)
    # (the auditor's own login is in the log too)
    assert [e.action for e in response.context["events"] if e.actor_username != "auditor"] == expected


def test_filters_by_source_address(client_for, users):
    audit_log("auth.login", actor=users["filer"], request=SimpleNamespace(META={"REMOTE_ADDR": "10.0.0.9"}))
    audit_log("auth.login", actor=users["leader"], request=SimpleNamespace(META={"REMOTE_ADDR": "10.0.0.8"}))
    response = client_for("auditor").get(LIST, {"source_ip": "10.0.0.9"})
    assert [e.actor_username for e in response.context["events"]] == ["filer"]


def test_a_wrong_filter_is_explained(client_for, events):
    response = client_for("auditor").get(LIST, {"date_from": "2025-05-01", "date_to": "2025-04-01"})
    assert response.context["form"].errors["date_to"]


def test_the_list_is_paginated(client_for, users):
    for i in range(55):
        audit_log("test.bulk", data={"i": i})
    first = client_for("auditor").get(LIST, {"action": "test."})
    assert len(first.context["events"]) == 50 and first.context["page"].paginator.num_pages == 2
    second = client_for("auditor").get(LIST, {"action": "test.", "page": 2})
    assert len(second.context["events"]) == 5


def test_before_and_after_are_readable(client_for, events):
    changed = events[2]
    response = client_for("auditor").get(reverse("audit:event_detail", args=[changed.pk]))
    rows = {r["field"]: r for r in response.context["changes"]}
    assert rows["points"]["before"] == "5.00" and rows["points"]["after"] == "6.00" and rows["points"]["changed"]
    assert not rows["name"]["changed"]
    html = response.content.decode()
    assert "5.00" in html and "6.00" in html and "教育普及率" in html


def test_export_xlsx_holds_the_filtered_events_and_is_audited(client_for, events):
    response = client_for("auditor").get(EXPORT, {"action": "auth.", "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    rows = [rows[0]] + [r for r in rows[1:] if r[1] != "auditor"]  # not the auditor's own login
    assert len(rows) == 1 + 3  # header and the three auth.* events
    actions = {r[5] for r in rows[1:]}
    assert actions == {"auth.login", "auth.login_failed", "auth.denied"}
    exported = AuditEvent.objects.get(action="audit.exported")
    assert exported.actor_username == "auditor"
    assert exported.data == {"format": "xlsx", "count": 4, "filters": {"action": "auth."}}


def test_export_csv_escapes_formulas(client_for, users):
    audit_log("test.formula", object_repr='=HYPERLINK("http://x")')
    response = client_for("auditor").get(EXPORT, {"action": "test.", "format": "csv"})
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "时间"
    assert rows[1][8].startswith("'=")
    assert AuditEvent.objects.filter(action="audit.exported", data__format="csv").exists()
