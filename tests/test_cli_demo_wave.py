"""`fangkong demo wave` (issue 18; measure 11): the demo county put in a wave once, so that the capacity board has an
ICU run-out to show; refused before the demo is loaded."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from fangkong.cli.main import app

runner = CliRunner()


def test_the_wave_is_added_once_and_the_projection_sees_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "250")
    url = f"sqlite:///{tmp_path / 'wave.sqlite3'}"
    refused = runner.invoke(app, ["demo", "wave", "--db", url])
    assert refused.exit_code != 0 and "demo load" in refused.output
    assert runner.invoke(app, ["demo", "load", "--db", url, "--persons", "60"]).exit_code == 0
    first = runner.invoke(app, ["demo", "wave", "--db", url])
    assert first.exit_code == 0 and "wave added" in first.output, first.output
    again = runner.invoke(app, ["demo", "wave", "--db", url])
    assert again.exit_code == 0 and "nothing changed" in again.output
    projected = runner.invoke(app, ["resources", "project", "--as", "command", "--on", "2022-11-16", "--db", url])
    assert projected.exit_code in (0, 3), projected.output
    assert "icu beds:" in projected.output and ": run out" in projected.output  # the ICU beds run out in the horizon
