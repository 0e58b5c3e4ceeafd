"""Documents generated from the code stay current, and the README's two commands exist as written."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from fangkong.policy import Policy
from fangkong.services.register import register_markdown
from tests.conftest import ROOT


def test_interpretation_register_document_is_current(policy: Policy) -> None:
    doc = ROOT / "docs" / "interpretation-register.md"
    assert doc.read_text(encoding="utf-8") == register_markdown(policy), (
        "regenerate with: .venv/bin/fangkong policy register --markdown > docs/interpretation-register.md"
    )


def test_register_lists_every_open_question_of_the_rule_tables(policy: Policy) -> None:
    # policy/RULES.md, open questions: each has an entry.
    for entry in (
        "m20-screening",
        "past-infection-duration",
        "ct-band-upper",
        "ct-gene-rule",
        "v9-high-risk-post",
        "transition",
        "day-one",
    ):
        assert entry in policy.interpretations


def _readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"^\$ (.+)$", text, flags=re.M)


def test_readme_has_exactly_the_two_setup_commands() -> None:
    commands = _readme_commands()
    assert commands == ["scripts/run", "scripts/test"]
    for command in commands:
        assert (ROOT / command).stat().st_mode & 0o111, f"{command} is not executable"
    assert "scripts/test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_run_command_smoke() -> None:
    # What scripts/run ends with, run as a separate process from the installed entry point.
    exe = Path(sys.executable).with_name("fangkong")
    out = subprocess.run(
        [str(exe), "policy", "show"],
        capture_output=True,
        text=True,
        timeout=120,
        env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"},
        check=True,
    )
    assert "management.close_contact.phases" in out.stdout
    assert "m20" in out.stdout
