"""Copying a year into the next (动态调整) and the record of what changed afterwards."""

from decimal import Decimal

import pytest

from core.errors import ApplicationError
from indicators import services
from indicators.models import ChangeRecord, Indicator, Library
from tests.factories import CategoryFactory, GradeBandFactory, IndicatorFactory, LibraryFactory, RuleFactory


@pytest.fixture
def source(db, departments):
    lib = LibraryFactory(year=2025)
    parent = CategoryFactory(library=lib, code="central", points=Decimal(25))
    child = CategoryFactory(library=lib, code="projects", parent=parent, points=Decimal(15))
    ind = IndicatorFactory(library=lib, category=child, code="invest", applicability="individual")
    ind.departments.set([departments["edu"]])
    IndicatorFactory(library=lib, category=parent, code="old", is_active=False)
    RuleFactory(library=lib, code="accident", scope="indicator", indicator=ind, points=Decimal(2), cap=Decimal(6))
    GradeBandFactory(library=lib)
    return lib


def test_clone_copies_the_whole_framework(source, users):
    new = services.library_clone(source=source, year=2026, actor=users["supervisor"])
    assert new.cloned_from == source
    assert set(new.categories.values_list("code", flat=True)) == {"central", "projects"}
    assert new.categories.get(code="projects").parent == new.categories.get(code="central")
    ind = new.indicators.get(code="invest")
    assert ind.source.library == source and ind.category.library == new
    assert list(ind.departments.values_list("code", flat=True)) == ["edu"]
    assert not new.indicators.filter(code="old").exists()  # retired ones stay behind
    rule = new.rules.get(code="accident")
    assert rule.indicator == ind and rule.cap == Decimal(6)
    assert new.grade_bands.get().min_score == Decimal(90)
    assert ChangeRecord.objects.filter(library=new).count() == 0  # nothing changed yet


def test_changes_after_the_clone_are_recorded(source, users):
    new = services.library_clone(source=source, year=2026, actor=users["supervisor"])
    ind = new.indicators.get(code="invest")
    services.library_object_save(obj=ind, data={"basic_target": Decimal("120")}, actor=users["supervisor"])
    record = ChangeRecord.objects.get(library=new, object_code="invest")
    assert record.action == "updated"
    assert record.changes == {"basic_target": ["100.0000", "120.0000"]}
    assert record.actor == users["supervisor"]
    services.library_object_retire(obj=ind, actor=users["supervisor"])
    assert ChangeRecord.objects.filter(library=new, object_code="invest", action="retired").exists()
    # The source year is untouched.
    assert Indicator.objects.get(library=source, code="invest").basic_target == Decimal(100)


def test_changes_in_a_year_that_was_not_cloned_are_not_recorded(source, users):
    ind = source.indicators.get(code="invest")
    services.library_object_save(obj=ind, data={"name": "改名"}, actor=users["supervisor"])
    assert not ChangeRecord.objects.exists()


def test_clone_into_an_existing_or_earlier_year_is_refused(source, users):
    LibraryFactory(year=2026)
    with pytest.raises(ApplicationError) as exc:
        services.library_clone(source=source, year=2026, actor=users["supervisor"])
    assert "year" in exc.value.errors
    with pytest.raises(ApplicationError):
        services.library_clone(source=source, year=2024, actor=users["supervisor"])
    assert Library.objects.count() == 2


def test_clone_through_the_page(source, client_for):
    client = client_for("supervisor")
    response = client.post("/library/", {"clone-source": source.pk, "clone-year": 2026, "clone-name": "", "clone": "1"})
    assert response.status_code == 302
    assert Library.objects.get(year=2026).indicators.count() == 1
    # A filer may read but not clone.
    response = client_for("filer").post("/library/", {"clone-source": source.pk, "clone-year": 2027, "clone": "1"})
    assert response.status_code == 403
