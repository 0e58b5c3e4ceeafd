"""Every command of `fangkong` is shown in the README's Use block, so a newcomer finds what the system can do."""

from __future__ import annotations

import re
from collections.abc import Iterator

import typer.main

from fangkong.cli.main import app
from tests.paths import ROOT


def _command_paths(command: object, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    subcommands = getattr(command, "commands", None)
    if subcommands is None:
        yield prefix
        return
    for name, sub in subcommands.items():
        yield from _command_paths(sub, (*prefix, name))


def _readme_usages() -> list[list[set[str]]]:
    """Each README line running `fangkong`, as the alternatives written at each word (`a|b|c`)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    usages = []
    for match in re.finditer(r"\.venv/bin/fangkong ([^#\n]*)", text):
        words = match.group(1).split()
        usages.append([set(word.split("|")) for word in words])
    return usages


def _shown(path: tuple[str, ...], usages: list[list[set[str]]]) -> bool:
    return any(len(usage) >= len(path) and all(word in usage[i] for i, word in enumerate(path)) for usage in usages)


def test_every_command_is_in_the_readme() -> None:
    usages = _readme_usages()
    paths = list(_command_paths(typer.main.get_command(app)))
    assert len(paths) > 40  # the walk found the command tree, not one root
    missing = [" ".join(path) for path in paths if not _shown(path, usages)]
    assert not missing, f"commands not shown in README.md's Use block: {missing}"


def test_the_check_can_fail() -> None:
    assert not _shown(("db", "vacuum"), _readme_usages())
