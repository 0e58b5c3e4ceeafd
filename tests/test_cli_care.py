"""`fangkong resources import facilities` and `fangkong resources census` (issue 18) on a copy of the demo store."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from fangkong.cli.main import app

runner = CliRunner()
CSV = (
    "name,kind,jurisdiction_code,general_beds,icu_beds,convertible_icu_beds,doctors,nurses,critical_care_nurses\n"
    "CLI hospital,designated_hospital,110199,300,20,10,60,124,50\n"
)


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("COLUMNS", "250")
    url = f"sqlite:///{tmp_path / 'care.sqlite3'}"
    loaded = runner.invoke(app, ["demo", "load", "--db", url, "--persons", "3"])
    assert loaded.exit_code == 0, loaded.output
    return url


def test_import_then_census(db: str, tmp_path: Path) -> None:
    path = tmp_path / "facilities.csv"
    path.write_text(CSV, encoding="utf-8")
    first = runner.invoke(app, ["resources", "import", "facilities", str(path), "--as", "command", "--db", db])
    assert first.exit_code == 0, first.output
    assert "1 facilities added" in first.output
    again = runner.invoke(app, ["resources", "import", "facilities", str(path), "--as", "command", "--db", db])
    assert "nothing changed" in again.output
    census = runner.invoke(app, ["resources", "census", "--as", "command", "--on", "2022-11-16", "--db", db])
    assert census.exit_code == 0, census.output
    assert "CLI hospital" in census.output and "310" in census.output


def test_a_bad_file_is_refused_naming_the_field(db: str, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(CSV.replace(",300,", ",-3,"), encoding="utf-8")
    result = runner.invoke(app, ["resources", "import", "facilities", str(path), "--as", "command", "--db", db])
    assert result.exit_code != 0
    assert "beds.general" in result.output
