"""`fangkong sim run|compare`: a run and a comparison saved with their parameters and code version; bad input a clear
error naming the field, exit 2, nothing written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fangkong.cli.main import app

runner = CliRunner()
SMALL = ["--population", "3000", "--days", "15"]


def test_run_json_and_saved(tmp_path: Path) -> None:
    out = tmp_path / "run.json"
    args = ["sim", "run", "--policy", "m20", "--switch", "2022-11-25:n10", *SMALL, "--seed", "4"]
    done = runner.invoke(app, [*args, "--json", "--out", str(out)])
    assert done.exit_code == 0, done.output
    saved = json.loads(out.read_text(encoding="utf-8"))
    assert saved["versions"][8] == "m20" and saved["versions"][9] == "n10"
    assert saved["parameters"]["r0"] == 3.9 and saved["code_version"]
    assert len(saved["series"]["room_nights"]) == 15
    table = runner.invoke(app, args)
    assert table.exit_code == 0 and "room nights" in table.output


def test_compare_table(tmp_path: Path) -> None:
    out = tmp_path / "cmp.json"
    done = runner.invoke(app, ["sim", "compare", "v9", "m20", "--seeds", "2", *SMALL, "--out", str(out)])
    assert done.exit_code == 0, done.output
    assert "m20 − v9" in done.output and "room-nights" in done.output
    saved = json.loads(out.read_text(encoding="utf-8"))
    assert set(saved["summary"]) == {"v9", "m20"} and "m20" in saved["difference_from_first"]


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["run", "--policy", "v10"], "policy"),
        (["run", "--switch", "2023-05-01:n10"], "switch"),
        (["run", "--switch", "2022-11-20:v10"], "switch"),
        (["run", "--population", "0"], "population"),
        (["run", "--population", "100000000000000"], "population"),
        (["run", "--seed", "1.5"], "--seed"),
        (["run", "--param", "report_probability=1.3"], "report_probability"),
        (["run", "--param", "nonsense=1"], "param"),
        (["compare", "v9", "m21"], "policies"),
        (["compare", "v9"], "policies"),
        (["compare", "v9", "m20", "--seeds", "0"], "seeds"),
    ],
)
def test_bad_input(tmp_path: Path, args: list[str], field: str) -> None:
    out = tmp_path / "never.json"
    done = runner.invoke(app, ["sim", args[0], *SMALL, *args[1:], "--out", str(out)])
    assert done.exit_code == 2, done.output
    assert field in done.output
    assert not out.exists()
