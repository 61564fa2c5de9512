"""The layers of docs/architecture.md hold in the code: an app imports only from lower layers.

The layer table is read from the document itself, so the page and the code cannot drift apart:
an app missing from the table, or an import running sideways or upwards, fails here with the
file and the import named.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "architecture.md"


def layers() -> dict[str, int]:
    table = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^\|\s*(\d+)\s*\|\s*([a-z_, ]+?)\s*\|", line)
        if match:
            for app in match.group(2).split(","):
                table[app.strip()] = int(match.group(1))
    return table


def apps_on_disk() -> set[str]:
    return {p.parent.name for p in ROOT.glob("*/apps.py")}


def imports_of(path: Path) -> list[tuple[int, str]]:
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.append((node.lineno, node.module))
    return out


def test_every_app_has_a_layer():
    table = layers()
    assert table, "no layer table found in docs/architecture.md"
    assert apps_on_disk() == set(table), (
        f"apps without a layer: {sorted(apps_on_disk() - set(table))}; "
        f"layers naming no app: {sorted(set(table) - apps_on_disk())}"
    )


def test_imports_run_downwards_only():
    table = layers()
    wrong = []
    for app, level in table.items():
        for path in sorted((ROOT / app).rglob("*.py")):
            for lineno, module in imports_of(path):
                target = module.split(".")[0]
                if target in table and target != app and table[target] >= level:
                    wrong.append(
                        f"{path.relative_to(ROOT)}:{lineno} imports {module} (layer {table[target]} ≥ {level})"
                    )
    assert not wrong, "imports against docs/architecture.md:\n" + "\n".join(wrong)


def test_the_check_sees_a_wrong_import(tmp_path):
    """The scan itself: an upward import in a file is found."""
    sample = tmp_path / "sample.py"
    sample.write_text("from assessments.models import Score\nimport dashboards.views\n")
    found = [m for _line, m in imports_of(sample)]
    assert found == ["assessments.models", "dashboards.views"]
