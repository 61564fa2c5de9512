"""Spreadsheet import: a preview with row-level errors first, then all rows or none."""

import io

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile

from indicators.models import Indicator
from indicators.resources import IndicatorResource
from tests.factories import CategoryFactory, LibraryFactory

HEADERS = [
    "year",
    "code",
    "name",
    "category",
    "method",
    "direction",
    "basic_target",
    "challenge_target",
    "points",
    "params",
    "applicability",
    "departments",
]


@pytest.fixture
def library(db):
    lib = LibraryFactory(year=2025)
    CategoryFactory(library=lib, code="central", name="中心工作")
    return lib


def dataset(rows):
    data = tablib.Dataset(headers=HEADERS)
    for row in rows:
        data.append(row)
    return data


GOOD_1 = [2025, "imp_a", "导入指标A", "central", "proportional", "ge", "100", "", "5", "", "common", ""]
GOOD_2 = [2025, "imp_b", "导入指标B", "central", "tiered", "ge", "90", "100", "5", "", "common", ""]
# Tiered with the challenge below the basic target: invalid.
BAD = [2025, "imp_c", "导入指标C", "central", "tiered", "ge", "100", "90", "5", "", "common", ""]


def test_dry_run_reports_the_bad_row_and_writes_nothing(library):
    result = IndicatorResource().import_data(dataset([GOOD_1, BAD, GOOD_2]), dry_run=True)
    assert result.has_validation_errors()
    invalid = result.invalid_rows
    assert len(invalid) == 1
    assert invalid[0].number == 2
    assert "challenge_target" in invalid[0].error_dict
    assert not Indicator.objects.filter(code__startswith="imp_").exists()


def test_real_import_with_one_bad_row_writes_nothing(library):
    result = IndicatorResource().import_data(dataset([GOOD_1, BAD, GOOD_2]), dry_run=False, use_transactions=True)
    assert result.has_validation_errors()
    assert not Indicator.objects.filter(code__startswith="imp_").exists()


def test_good_file_imports_every_row(library):
    result = IndicatorResource().import_data(dataset([GOOD_1, GOOD_2]), dry_run=False, use_transactions=True)
    assert not result.has_errors() and not result.has_validation_errors()
    assert set(Indicator.objects.filter(code__startswith="imp_").values_list("code", flat=True)) == {"imp_a", "imp_b"}
    assert Indicator.objects.get(code="imp_b").params == {"basic_share": "0.8"}


def test_unknown_category_is_a_row_error(library):
    row = list(GOOD_1)
    row[3] = "no_such_category"
    result = IndicatorResource().import_data(dataset([row]), dry_run=True)
    assert result.has_errors() or result.has_validation_errors()


def _xlsx(rows) -> bytes:
    return dataset(rows).export("xlsx")


def test_admin_preview_shows_errors_and_offers_no_confirm(client_for, library):
    client = client_for("supervisor")
    upload = SimpleUploadedFile(
        "indicators.xlsx",
        _xlsx([GOOD_1, BAD]),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response = client.post(
        "/admin/indicators/indicator/import/", {"import_file": upload, "format": "0", "resource": "0"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "imp_c" in html  # the bad row is shown
    assert 'name="import_file_name"' not in html  # no confirm form while errors remain
    assert not Indicator.objects.filter(code__startswith="imp_").exists()


def test_admin_preview_then_confirm_writes_all_rows(client_for, library):
    client = client_for("supervisor")
    upload = SimpleUploadedFile("indicators.xlsx", _xlsx([GOOD_1, GOOD_2]))
    response = client.post(
        "/admin/indicators/indicator/import/", {"import_file": upload, "format": "0", "resource": "0"}
    )
    assert response.status_code == 200
    form = response.context["confirm_form"]
    assert not Indicator.objects.filter(code__startswith="imp_").exists()  # preview only
    response = client.post("/admin/indicators/indicator/process_import/", form.initial)
    assert response.status_code == 302
    assert Indicator.objects.filter(code__startswith="imp_").count() == 2


def test_export_round_trip(library, client_for):
    IndicatorResource().import_data(dataset([GOOD_1]), dry_run=False)
    data = IndicatorResource().export()
    assert "imp_a" in data.csv
    assert io.BytesIO(data.export("xlsx")).getbuffer().nbytes > 0
