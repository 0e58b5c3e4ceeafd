"""`fangkong resources project` (issue 18; measure 11): the day's bed projection of a jurisdiction, on a copy of the
demo store; an alert exits 3, a day before any infection is refused naming `as_of`."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from fangkong.cli.main import app

runner = CliRunner()


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("COLUMNS", "250")
    url = f"sqlite:///{tmp_path / 'projection.sqlite3'}"
    loaded = runner.invoke(app, ["demo", "load", "--db", url, "--persons", "3"])
    assert loaded.exit_code == 0, loaded.output
    return url


def test_the_drill_day_s_projection(db: str) -> None:
    result = runner.invoke(app, ["resources", "project", "--as", "command", "--on", "2022-11-16", "--db", db])
    assert result.exit_code == 0, result.output
    assert "inpatient" in result.output and "icu" in result.output and "ALERT" not in result.output
    assert "[m20.11]" in result.output


def test_a_day_before_any_infection_is_refused(db: str) -> None:
    result = runner.invoke(app, ["resources", "project", "--as", "command", "--on", "2022-11-12", "--db", db])
    assert result.exit_code not in (0, 3)
    assert "as_of" in result.output
