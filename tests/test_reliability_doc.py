"""docs/reliability.md names, for each promise of DESIGN.md section 8 and issue 17, the tests that hold it: every test
it names exists, and every row names at least one."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "reliability.md"
NAMED = re.compile(r"`(tests/[\w/]+\.py)::(test_\w+)`")


def _tests_in(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {n.name for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)}


def test_every_test_the_page_names_exists() -> None:
    named = NAMED.findall(DOC.read_text(encoding="utf-8"))
    assert len(named) >= 40
    missing = [f"{file}::{name}" for file, name in named if name not in _tests_in(ROOT / file)]
    assert not missing, missing


def test_every_row_of_a_table_names_a_test() -> None:
    rows = [
        line
        for line in DOC.read_text(encoding="utf-8").splitlines()
        if line.startswith("| ") and not line.startswith(("| Promise", "|---"))
    ]
    assert rows
    assert all(NAMED.search(row) for row in rows), [r for r in rows if not NAMED.search(r)]
