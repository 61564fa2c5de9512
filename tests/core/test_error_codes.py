"""The API's error codes are one enumeration (core.errors.ErrorCode), all of it in docs/api.md."""

from __future__ import annotations

import re
from pathlib import Path

from rest_framework import exceptions

from core.errors import ErrorCode

ROOT = Path(__file__).resolve().parents[2]
SKIP = {".venv", "tests", "bench", "workloads", "migrations", "node_modules", "var", "static"}
# A code given to an error: ``code="..."`` (ApplicationError and friends), ``"code": "..."`` in a
# hand-made JSON body, ``setdefault("code", "...")`` in an error class.
PATTERNS = [
    re.compile(r'\bcode="([a-z_]+)"'),
    re.compile(r'"code": "([a-z_]+)"'),
    re.compile(r'setdefault\("code", "([a-z_]+)"\)'),
]


def codes_in(text: str) -> set[str]:
    return {m for pattern in PATTERNS for m in pattern.findall(text)}


def production_files():
    for path in ROOT.rglob("*.py"):
        parts = set(path.relative_to(ROOT).parts)
        if parts & SKIP or path.name in ("demo.py", "conftest.py") or path.name.endswith("_demo.py"):
            continue
        yield path


def test_the_scan_finds_each_way_of_giving_a_code():
    sample = 'raise ApplicationError(m, code="over_budget")\nJsonResponse({"code": "bad_request"})\n'
    sample += 'kwargs.setdefault("code", "blocked")\n'
    assert codes_in(sample) == {"over_budget", "bad_request", "blocked"}


def test_every_code_the_application_gives_is_in_the_enumeration():
    unknown = {}
    for path in production_files():
        for code in codes_in(path.read_text(encoding="utf-8")) - set(ErrorCode):
            unknown.setdefault(code, []).append(str(path.relative_to(ROOT)))
    assert unknown == {}


def test_the_framework_codes_the_handler_passes_on_are_in_the_enumeration():
    raised = [
        exceptions.ParseError,
        exceptions.AuthenticationFailed,
        exceptions.NotAuthenticated,
        exceptions.PermissionDenied,
        exceptions.NotFound,
        exceptions.NotAcceptable,
        exceptions.UnsupportedMediaType,
        exceptions.Throttled,
    ]
    assert {e.default_code for e in raised} <= set(ErrorCode)
    assert exceptions.MethodNotAllowed("GET").detail.code in set(ErrorCode)


def test_the_api_docs_list_every_code():
    docs = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    table = docs.split("## Error codes", 1)[1]
    assert [code for code in ErrorCode if f"`{code.value}`" not in table] == []
