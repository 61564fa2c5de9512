"""docs/security.md names the tests that prove each line of docs/security.md: every one must exist."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _tests_in(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)}


def test_every_test_named_in_docs_security_exists():
    text = (ROOT / "docs" / "security.md").read_text(encoding="utf-8")
    missing, named = [], 0
    for line in text.splitlines():
        current = None
        for match in re.finditer(r"`(tests/[\w/]+\.py)?(?:::(\w+))?`", line):
            path, name = match.groups()
            if path:
                current = ROOT / path
                assert current.exists(), f"docs/security.md names {path}, which does not exist"
            if name:
                named += 1
                if current is None or name not in _tests_in(current):
                    missing.append(f"{path or current}::{name}")
    assert named > 100
    assert not missing, missing
