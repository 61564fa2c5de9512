"""Property tests (hypothesis) of what parses outside input: uploads, import files, method parameters.

Whatever bytes, names, cells or JSON arrive, the answer is a result or a business error
(``ApplicationError``, a ``ValidationError`` with field messages, an import result with row
errors): never another exception, which would be a 500 for the user.
"""

from __future__ import annotations

import io
import json

import pytest
import tablib
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from budgets import importing
from core.errors import ApplicationError
from core.uploads import ALLOWED, check_upload
from indicators.choices import Method
from indicators.methods import validate_method
from indicators.resources import IndicatorResource
from satisfaction.services import parse_choices

from .world import YEAR

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)
NUMBERS = st.none() | st.decimals(min_value=-(10**6), max_value=10**6, allow_nan=False, places=2)


# --- Uploads ----------------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(
    content=st.binary(max_size=2048),
    name=st.text(max_size=40) | st.sampled_from([f"x.{ext}" for ext in ALLOWED]),
    prefix=st.sampled_from([b"", b"%PDF-", b"\x89PNG\r\n\x1a\n", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"]),
)
def test_check_upload_accepts_or_refuses_with_a_business_error(content, name, prefix):
    try:
        upload = SimpleUploadedFile(name or "x", prefix + content)
    except SuspiciousFileOperation:
        assume(False)  # Django's upload handler never hands such a name to a view
    try:
        checked = check_upload(upload)
    except ApplicationError as exc:
        assert exc.errors.get("file")  # a field message the form shows beside the field
    else:
        ext = checked.name.rsplit(".", 1)[-1].lower()
        assert ext in ALLOWED and checked.size == len(prefix + content) > 0


# --- Indicator method parameters (the JSON of the form, the API and the import) ---------------------------


@settings(max_examples=300, deadline=None)
@given(
    method=st.sampled_from(list(Method.values)),
    direction=st.sampled_from(["ge", "le", "eq", "range", "bool", "x"]),
    params=JSON,
    points=NUMBERS,
    basic=NUMBERS,
    challenge=NUMBERS,
    upper=NUMBERS,
)
def test_method_parameters_are_validated_never_crash(method, direction, params, points, basic, challenge, upper):
    normalised, errors = validate_method(
        method=method,
        direction=direction,
        points=points,
        basic_target=basic,
        challenge_target=challenge,
        range_upper=upper,
        params=params,
    )
    assert isinstance(normalised, dict) and isinstance(errors, dict)
    assert all(isinstance(v, list) and v for v in errors.values())
    if not isinstance(params, dict) and params not in (None, {}, [], "", 0, False):
        assert "params" in errors  # a JSON value that is not an object is named as the problem


@pytest.mark.django_db
@FAST
@given(params=JSON)
def test_the_api_answers_400_for_any_parameters_json(world, api, params):
    ind = world.plan.library.indicators.get(code="roads")
    response = api("supervisor").patch(f"/api/v1/indicators/{ind.pk}/", {"params": params}, format="json")
    assert response.status_code in (200, 400), response.content
    if response.status_code == 400:
        assert response.json()["errors"]


@pytest.mark.django_db
def test_parameters_that_are_not_an_object_are_a_field_error(world, api):
    """Found by the property above: these answered 500 (``dict(True)``) before."""
    ind = world.plan.library.indicators.get(code="roads")
    for value in (True, [1, 2], "abc", 5, [["a", "b"]]):
        response = api("supervisor").patch(f"/api/v1/indicators/{ind.pk}/", {"params": value}, format="json")
        assert response.status_code == 400, (value, response.status_code)
        assert "params" in response.json()["errors"]


@pytest.mark.django_db
@FAST
@given(
    cells=st.lists(st.text(max_size=30), min_size=12, max_size=12),
    params=JSON.map(lambda v: json.dumps(v, ensure_ascii=False)) | st.text(max_size=40),
)
def test_an_indicator_import_row_is_a_row_error_not_a_crash(world, cells, params):
    headers = [
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
    row = [YEAR, *cells[1:9], params, *cells[10:]]
    data = tablib.Dataset(row, headers=headers)
    result = IndicatorResource().import_data(data, dry_run=True)
    assert result is not None  # errors are collected by row, nothing raised


# --- Budget workbooks --------------------------------------------------------------------------------------


def _workbook(project_rows, target_rows) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "projects"
    ws.append(importing.PROJECT_COLUMNS)
    for row in project_rows:
        ws.append(row)
    ws2 = wb.create_sheet("targets")
    ws2.append(importing.TARGET_COLUMNS)
    for row in target_rows:
        ws2.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# Text a spreadsheet program can store (no control characters); formulas are not data.
TEXT = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=25).filter(lambda t: not t.startswith("="))
CELL = (
    st.none()
    | TEXT
    | st.integers()
    | st.decimals(min_value=-(10**12), max_value=10**12, allow_nan=False, places=2).map(float)
)


@pytest.mark.django_db
@FAST
@given(content=st.binary(max_size=4096), zipped=st.booleans())
def test_any_bytes_as_a_budget_workbook_are_refused_with_a_business_error(world, content, zipped):
    if zipped:
        content = b"PK\x03\x04" + content
    try:
        result = importing.parse(content=content, actor=world.users["filer"])
    except ApplicationError as exc:
        assert exc.errors.get("file")
    else:
        assert isinstance(result, importing.ImportResult)


@pytest.mark.django_db
@FAST
@given(
    projects=st.lists(st.lists(CELL, min_size=8, max_size=8), max_size=3),
    targets=st.lists(st.lists(CELL, min_size=10, max_size=10), max_size=4),
    code=st.sampled_from(["edu-2026-900", "", "x"]),
)
def test_any_budget_rows_give_row_errors_or_projects_never_a_crash(world, projects, targets, code):
    projects = [[code, "edu", 2026, *row[3:]] if i == 0 else row for i, row in enumerate(projects)]
    targets = [[code, *row[1:]] for row in targets]
    result = importing.run(content=_workbook(projects, targets), actor=world.users["filer"], dry_run=True)
    assert isinstance(result, importing.ImportResult)
    for error in result.errors:
        assert error.as_json()["message"] if "message" in error.as_json() else error.as_json()
    assert not result.created  # a dry run writes nothing


# --- Survey choices ----------------------------------------------------------------------------------------


@given(text=st.text(max_size=300))
def test_survey_choices_parse_to_a_list_of_labels(text):
    try:
        choices = parse_choices(text)
    except (ApplicationError, ValidationError):
        return
    assert isinstance(choices, list) and all(isinstance(c, str) and c.strip() == c and c for c in choices)
