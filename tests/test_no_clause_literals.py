"""Every clause a decision cites comes from the policy in force (a parameter's source, a plan's reasons), never from a
literal in code: a clause id written into src/ outside policy/data would cite the 20 measures under the 9th edition,
or keep citing a measure after a later version replaced it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from fangkong.policy import Policy

SRC = Path(__file__).resolve().parents[1] / "src" / "fangkong"


def _string_constants(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]


def clause_literals(policy: Policy, root: Path = SRC) -> list[str]:
    """`file:line: 'id'` for every string constant in code (docstrings aside) that names a known clause, or holds one
    as a word of its own."""
    ids = sorted(policy.clauses, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w.-])(" + "|".join(re.escape(i) for i in ids) + r")(?![\w-])")
    found = []
    for path in sorted(root.rglob("*.py")):
        if "policy/data" in path.as_posix():
            continue
        for line, text in _string_constants(path):
            for match in pattern.finditer(text):
                found.append(f"{path.relative_to(root.parent)}:{line}: {match.group(1)!r}")
    return found


def test_no_clause_id_is_written_in_code(policy: Policy) -> None:
    assert clause_literals(policy) == []


@pytest.mark.parametrize(
    "code",
    [
        'CITES = ("m20.1", "m20.3")\n',
        'def f() -> str:\n    return guard or "m20.16"\n',
        'x = f"held ({clause})" if clause else "m20-docs.testing"\n',
        'REASON = "retest 24 h later (m20.s3)"\n',
    ],
)
def test_the_check_finds_a_literal(policy: Policy, tmp_path: Path, code: str) -> None:
    (tmp_path / "fangkong").mkdir()
    (tmp_path / "fangkong" / "module.py").write_text(code, encoding="utf-8")
    assert clause_literals(policy, tmp_path / "fangkong") != []


def test_docstrings_and_other_words_are_not_literals(policy: Policy, tmp_path: Path) -> None:
    (tmp_path / "fangkong").mkdir()
    code = '"""Measure (1): m20.1 says so."""\n\nPATH = "management.close_contact.phases"\nFILE = "m20.yaml"\n'
    (tmp_path / "fangkong" / "module.py").write_text(code, encoding="utf-8")
    assert clause_literals(policy, tmp_path / "fangkong") == []
