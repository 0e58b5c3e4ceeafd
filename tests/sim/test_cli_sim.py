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
    assert "[where 95 % of the seeds lie]" in " ".join(done.output.split())
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
        (["compare", "v9", "m20", "--png", "/no/such/folder/c.png"], "png"),
        (["compare", "v9", "m20", "--html", "/no/such/folder/c.html"], "html"),
        (["run", "--param", "spillover_share=1.3"], "spillover_share"),
        (["run", "--param", "entrants_per_100k_daily=-1"], "entrants_per_100k_daily"),
    ],
)
def test_bad_input(tmp_path: Path, args: list[str], field: str) -> None:
    out = tmp_path / "never.json"
    done = runner.invoke(app, ["sim", args[0], *SMALL, *args[1:], "--out", str(out)])
    assert done.exit_code == 2, done.output
    assert field in done.output
    assert not out.exists()


def test_compare_charts(tmp_path: Path) -> None:
    """The charts as a PNG and as one HTML page that needs no network (ECharts and the data inlined)."""
    png, page = tmp_path / "c.png", tmp_path / "c.html"
    args = ["sim", "compare", "v9", "m20", "--seeds", "2", *SMALL, "--png", str(png), "--html", str(page)]
    done = runner.invoke(app, args)
    assert done.exit_code == 0, done.output
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000
    text = page.read_text(encoding="utf-8")
    assert "echarts" in text and 'id="sim-data"' in text
    assert "<script src=" not in text and "http://" not in text.split("<script>", 2)[2]
    data = json.loads(text.split('<script id="sim-data" type="application/json">')[1].split("</script>")[0])
    assert set(data["policies"]) == {"v9", "m20"}
    room = data["data"]["cumulative_room_nights"]["v9"]
    assert len(room["mean"]) == 15 and room["mean"] == sorted(room["mean"])
    assert all(lo <= hi for lo, hi in zip(room["low"], room["high"], strict=True))
    assert "centralized-isolation room-nights" in text
