"""`fangkong bulk city|index|run`: a tiny city generated, its scans organised, each job run with a summary and
its clauses, rows written; bad input refused with the field named and exit code 2."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from fangkong.cli.main import app

runner = CliRunner()


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cli") / "city"
    result = runner.invoke(app, ["bulk", "city", str(folder), "--size", "tiny", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert "5,000 residents" in result.output
    return folder


def test_each_job_runs_and_cites(city: Path, tmp_path: Path) -> None:
    out = tmp_path / "lists.parquet"
    result = runner.invoke(app, ["bulk", "run", "work_lists", "--data", str(city), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "under m20" in result.output and "test_due" in result.output and "m20.1" in result.output
    assert pq.read_table(out).num_rows > 0
    result = runner.invoke(app, ["bulk", "run", "health_codes", "--data", str(city)])
    assert result.exit_code == 0, result.output
    assert "green" in result.output and "m20.4" in result.output


def test_contacts_from_the_index_equal_the_sql(city: Path, tmp_path: Path) -> None:
    days = sorted(str(p) for p in (city / "scans").glob("*.parquet"))
    result = runner.invoke(app, ["bulk", "index", str(tmp_path / "index"), *days])
    assert result.exit_code == 0, result.output
    assert "40,000 scans organised" in result.output
    outs = []
    for extra in ([], ["--index", str(tmp_path / "index")]):
        out = tmp_path / f"contacts{len(extra)}.parquet"
        result = runner.invoke(app, ["bulk", "run", "contacts", "--data", str(city), "--out", str(out), *extra])
        assert result.exit_code == 0, result.output
        assert "m20.2" in result.output
        outs.append(pq.read_table(out).sort_by([("case_id", "ascending"), ("person_id", "ascending")]).to_pylist())
    assert outs[0] == outs[1] and outs[0]


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["bulk", "run", "cntacts"], "job"),
        (["bulk", "run", "work_lists", "--engine", "oracle"], "engine"),
        (["bulk", "run", "work_lists", "--on", "2022-13-01"], "--on"),
        (["bulk", "run", "work_lists", "--overdue-days", "99"], "overdue_days"),
        (["bulk", "run", "health_codes", "--areas", "/nonexistent.parquet"], "areas"),
        (["bulk", "run", "contacts", "--on", "2023-02-01"], "classb.general"),
    ],
)
def test_bad_input_is_refused(city: Path, args: list[str], field: str) -> None:
    result = runner.invoke(app, [*args, "--data", str(city)])
    assert result.exit_code == 2, result.output
    assert field in result.output


def test_a_folder_without_the_tables_is_refused(tmp_path: Path) -> None:
    result = runner.invoke(app, ["bulk", "run", "work_lists", "--data", str(tmp_path), "--on", "2022-11-16"])
    assert result.exit_code == 2
    assert "orders.parquet" in result.output
    result = runner.invoke(app, ["bulk", "city", str(tmp_path / "c"), "--size", "galactic"])
    assert result.exit_code == 2 and "size" in result.output


def test_export_of_the_demo_store_runs_the_jobs(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    assert runner.invoke(app, ["demo", "load", "--db", db, "--persons", "30"]).exit_code == 0
    folder = tmp_path / "export"
    result = runner.invoke(app, ["bulk", "export", str(folder), "--as", "command", "--on", "2022-11-16", "--db", db])
    assert result.exit_code == 0, result.output
    assert "residents" in result.output and "orders 30" in result.output
    result = runner.invoke(app, ["bulk", "run", "work_lists", "--data", str(folder)])  # the day from export.json
    assert result.exit_code == 0, result.output
    assert "2022-11-16" in result.output and "test_due" in result.output
    refused = runner.invoke(app, ["bulk", "export", str(tmp_path / "y"), "--as", "nobody", "--db", db])
    assert refused.exit_code == 2 and "--as" in refused.output
