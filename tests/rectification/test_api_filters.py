"""The ledger's query parameters (rectification.api.filters): year, source, status, department and
overdue narrow the items a caller may read; a year that is not a whole number answers 400 on
``year``; a source or status that does not exist, or a flag that is neither true nor false, filters
nothing."""

import datetime as dt

import pytest
from django.utils import timezone

from rectification import services
from rectification.models import Item

pytestmark = pytest.mark.django_db
ITEMS = "/api/v1/rectification-items/"


@pytest.fixture
def items(item, users, departments):
    """``item`` (教育局, due 30 September 2026) and three more; today is 1 September 2026."""

    def create(department, **kwargs):
        return services.item_create(
            actor=users["supervisor"],
            department=department,
            title="问题",
            description="说明",
            measures_required="措施",
            deadline=dt.date(2026, 10, 31),
            **kwargs,
        )

    water = create(departments["water"], source="other_evaluation", source_label="重点评价")
    old = create(departments["edu"], year=2025)
    late = create(departments["edu"])
    Item.objects.filter(pk=late.pk).update(deadline=dt.date(2026, 8, 31))  # past its deadline
    closed = create(departments["water"])
    Item.objects.filter(pk=closed.pk).update(deadline=dt.date(2026, 8, 31), status="closed", closed_at=timezone.now())
    return {"edu": item, "water": water, "old": old, "late": late, "closed": closed}


def _ids(client, **params):
    response = client.get(ITEMS, params)
    assert response.status_code == 200, response.content
    return sorted(r["id"] for r in response.json()["results"])


def test_items_are_narrowed_by_each_filter(api_for, items):
    i = {name: item.pk for name, item in items.items()}
    every = sorted(i.values())
    leader = api_for("leader")
    assert _ids(leader) == every
    assert _ids(leader, year="2025") == [i["old"]]
    assert _ids(leader, source="other_evaluation") == [i["water"]]
    assert _ids(leader, status="closed") == [i["closed"]]
    assert _ids(leader, department="water") == sorted([i["water"], i["closed"]])
    assert _ids(leader, overdue="true") == _ids(leader, overdue="1") == [i["late"]]
    assert _ids(leader, overdue="false") == _ids(leader, overdue="0") == sorted(set(every) - {i["late"]})
    assert _ids(leader, overdue="TRUE") == [i["late"]]  # in any case, as the ledger always read it
    for ignored in ({"source": "nowhere"}, {"status": "lost"}, {"overdue": "maybe"}, {"year": "", "department": ""}):
        assert _ids(leader, **ignored) == every, ignored


def test_a_department_reads_its_own_items_whatever_the_filters(api_for, items):
    filer = api_for("filer")  # 教育局
    assert _ids(filer, department="water") == []
    assert _ids(filer, overdue="true") == [items["late"].pk]


def test_a_year_that_is_not_a_whole_number_is_a_400_on_the_field(api_for, items):
    response = api_for("leader").get(ITEMS, {"year": "2026x"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["errors"] == {"year": ["Enter a whole number."]}
