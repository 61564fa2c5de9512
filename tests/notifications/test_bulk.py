"""Jobs send thousands of alerts at once: the keys are claimed, the notifications inserted and
their e-mails queued in one statement each on PostgreSQL, whatever their number; the table keeps
one index on the user (the one with ``read_at``), not two."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications.models import AlertKey, Notification
from notifications.services import claim_alerts, notify_many
from organizations.selectors import recipients

pytestmark = pytest.mark.django_db


def _inserts(captured, table) -> int:
    return sum(
        1
        for q in captured.captured_queries
        if q["sql"].startswith(f'INSERT INTO "{table}"') or q["sql"].startswith(f"INSERT INTO {table} ")
    )


def test_many_keys_are_claimed_in_one_statement_and_only_once(departments):
    dept = departments["edu"].pk
    keys = [("test.alert", dept, "2026", "department", f"item:{i}") for i in range(1200)]
    with CaptureQueriesContext(connection) as captured:
        first = claim_alerts(reversed(keys))
    assert first == set(keys)
    assert _inserts(captured, AlertKey._meta.db_table) == (1 if connection.vendor == "postgresql" else 3)
    assert claim_alerts([*keys[:10], ("test.alert", dept, "2026", "department", "item:new")]) == {
        ("test.alert", dept, "2026", "department", "item:new")
    }
    assert AlertKey.objects.filter(kind="test.alert").count() == 1201


def test_many_notifications_are_one_insert_and_each_user_once_per_message(users, django_capture_on_commit_callbacks):
    people = recipients(roles=["filer", "finance"])
    assert people and all(p.is_active for p in people)
    inactive = users["supervisor"]  # not among the recipients, and not active
    inactive.is_active = False
    messages = [
        {"users": [*people, *people, inactive], "kind": "test.many", "title": f"第{i}条", "body": "正文", "link": "/x/"}
        for i in range(2500 // len(people) + 1)
    ]
    messages.append({"users": people, "kind": "test.quiet", "title": "不发邮件", "email": False, "level": "danger"})
    expected = len(people) * len(messages)
    with django_capture_on_commit_callbacks() as callbacks, CaptureQueriesContext(connection) as captured:
        assert notify_many(messages) == expected
    if connection.vendor == "postgresql":  # SQLite's bulk insert is batched by its variable limit
        assert _inserts(captured, Notification._meta.db_table) == 1
    assert Notification.objects.count() == expected
    quiet = Notification.objects.get(kind="test.quiet", user_id=people[0].pk)
    assert (quiet.title, quiet.level, quiet.email_wanted, quiet.read_at, quiet.emailed_at) == (
        "不发邮件",
        "danger",
        False,
        None,
        None,
    )
    assert Notification.objects.filter(kind="test.many", user_id=people[0].pk).count() == len(messages) - 1
    assert not Notification.objects.filter(user=inactive).exists()
    assert len(callbacks) == 1  # the e-mails of the rows that want one, queued once after commit


def test_the_notification_table_has_one_index_on_the_user():
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Notification._meta.db_table)
    on_user = [c["columns"] for c in constraints.values() if c["index"] and c["columns"][:1] == ["user_id"]]
    assert on_user == [["user_id", "read_at"]]
