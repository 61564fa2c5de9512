"""insert_values: rows of plain values in one statement, the fields not given at their defaults,
conflicts skipped on request, any text (quotes, backslashes, braces, commas, NULL) kept as is."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.bulk import insert_values, pg_array
from notifications.models import AlertKey, Notification

pytestmark = pytest.mark.django_db

TEXTS = ['说 "引号"', "back\\slash", "{braces},commas", "NULL", "", "a\nb"]


def test_values_are_stored_as_given_and_missing_fields_take_their_defaults(users):
    user = users["filer"]
    rows = [{"user_id": user.pk, "kind": "t", "title": text, "body": text} for text in TEXTS]
    with CaptureQueriesContext(connection) as captured:
        assert insert_values(Notification, rows) == len(TEXTS)
    if connection.vendor == "postgresql":
        assert len(captured.captured_queries) == 1
    stored = list(Notification.objects.filter(user=user).order_by("pk"))
    assert [(n.title, n.body) for n in stored] == [(t, t) for t in TEXTS]
    first = stored[0]
    assert (first.level, first.link, first.read_at, first.email_wanted) == ("info", "", None, True)
    assert first.created_at is not None


def test_conflicting_rows_are_skipped_when_asked(departments):
    dept = departments["edu"].pk
    row = {"kind": "k", "department_id": dept, "period": "2026", "level": "l", "subject": "s"}
    assert insert_values(AlertKey, [row], ignore_conflicts=True) == 1
    insert_values(AlertKey, [row, {**row, "subject": "t"}], ignore_conflicts=True)
    assert sorted(AlertKey.objects.values_list("subject", flat=True)) == ["s", "t"]


def test_the_array_literal_quotes_every_element_and_keeps_null():
    assert pg_array(["a", None, 'x"y', "b\\c", True]) == '{"a",NULL,"x\\"y","b\\\\c",t}'
