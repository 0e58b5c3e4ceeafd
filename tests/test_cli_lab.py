"""`fangkong lab samples|results FILE --as USER` and `fangkong tracing scans FILE --as USER` on a SQLite store
with the demo county: a summary on success, a bad file refused with its row (exit 2) and nothing written, and
the same file a second time reported as already imported."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from fangkong.cli.main import app
from tests.stores import query

runner = CliRunner()

TABLES = (
    "sample",
    "sample_member",
    "lab_result",
    "lab_import",
    "retest",
    "temporary_control",
    "infection",
    "contact_candidate",
    "management_order",
    "order_event",
    "audit_log",
    "venue_scan",
)
SAMPLES_HEADER = "barcode,pool_size,sampling_point,collected_at,members\n"
RESULTS_HEADER = "barcode,lab,reported_at,ct_orf1ab,ct_n\n"
SCANS_HEADER = "document_number,venue_code,scanned_at\n"
AT7 = "2022-11-17T07:00:00+08:00"
AT8 = "2022-11-17T08:00:00+08:00"
MARKET = "V-110199-MARKET"  # registered by the demo


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo county (5 people under management, the demo's 15 tested residents) with a second lab account."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    url = f"sqlite:///{path}"
    loaded = runner.invoke(app, ["demo", "load", "--db", url, "--persons", "5"])
    assert loaded.exit_code == 0, loaded.output
    added = runner.invoke(
        app,
        [
            "users",
            "add",
            "lab2",
            "--role",
            "lab",
            "--jurisdiction",
            "110199",
            "--password",
            "long enough pw",
            "--db",
            url,
        ],
    )
    assert added.exit_code == 0, added.output
    return path


@pytest.fixture
def db(demo_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("COLUMNS", "250")
    path = tmp_path / "cli.sqlite3"
    # the backup API copies what is still in the write-ahead log too
    with closing(sqlite3.connect(demo_store)) as source, closing(sqlite3.connect(path)) as target:
        source.backup(target)
    return f"sqlite:///{path}"


def snapshot(db: str) -> dict[str, list[tuple[Any, ...]]]:
    return {t: query(db, f"SELECT * FROM {t} ORDER BY id") for t in TABLES}


def counts(db: str) -> dict[str, int]:
    return {t: int(query(db, f"SELECT count(*) FROM {t}")[0][0]) for t in TABLES}


def documents(db: str) -> list[str]:
    """The five people under management (ids 1–5), then the demo's tested residents (ids 6–20)."""
    return [str(r[0]) for r in query(db, "SELECT document_number FROM person ORDER BY id")]


def run(*args: str) -> Result:
    return runner.invoke(app, list(args))


def write(tmp_path: Path, name: str, content: str) -> Path:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return path


def files(db: str, tmp_path: Path) -> tuple[Path, Path]:
    docs = documents(db)
    # a pool of the five under management (positive), and two residents of the demo's negative pool (negative)
    samples = write(
        tmp_path,
        "samples.csv",
        SAMPLES_HEADER
        + f"CLI-P5,5,Point 1,{AT7},{';'.join(docs[0:5])}\n"
        + f"CLI-S1,1,Point 1,{AT7},{docs[11]}\n"
        + f"CLI-S2,1,Point 1,{AT7},{docs[12]}\n",
    )
    results = write(
        tmp_path,
        "results.csv",
        RESULTS_HEADER + f"CLI-P5,County lab,{AT8},30,31\nCLI-S1,County lab,{AT8},,\nCLI-S2,County lab,{AT8},ND,ND\n",
    )
    return samples, results


def test_samples_and_results_import_and_a_second_run_changes_nothing(db: str, tmp_path: Path) -> None:
    samples, results = files(db, tmp_path)
    before = counts(db)

    first = run("lab", "samples", str(samples), "--as", "lab", "--db", db)
    assert first.exit_code == 0, first.output
    assert "3 rows, 3 new" in first.output
    (import_id,) = (r[0] for r in query(db, "SELECT id FROM lab_import WHERE filename = 'samples.csv'"))
    assert f"import {import_id}: 3 rows, 3 new" in first.output
    assert counts(db)["sample"] == before["sample"] + 3
    assert counts(db)["sample_member"] == before["sample_member"] + 7

    judged = run("lab", "results", str(results), "--as", "lab", "--db", db)
    assert judged.exit_code == 0, judged.output
    assert "3 rows, 3 new" in judged.output
    assert "outcomes {'pool_positive': 1, 'negative': 2}" in judged.output
    assert "consequences {'held': 5, 'retests_ordered': 5}" in judged.output
    after = counts(db)
    assert (after["lab_result"], after["retest"], after["temporary_control"]) == (
        before["lab_result"] + 3,
        before["retest"] + 5,
        before["temporary_control"] + 5,
    )
    imported = query(db, "SELECT kind, filename, rows, added, imported_by FROM lab_import ORDER BY id DESC LIMIT 2")
    assert imported == [("results", "results.csv", 3, 3, "lab"), ("samples", "samples.csv", 3, 3, "lab")]

    stored = snapshot(db)
    for command, path in (("samples", samples), ("results", results)):
        again = run("lab", command, str(path), "--as", "lab", "--db", db)
        assert again.exit_code == 0, again.output
        assert "already imported as import" in again.output and "nothing changed" in again.output
    # from a copy with another name: the bytes decide
    copy = write(tmp_path, "copy-of-results.csv", results.read_text(encoding="utf-8"))
    again = run("lab", "results", str(copy), "--as", "lab", "--db", db)
    assert again.exit_code == 0 and "already imported" in again.output, again.output
    # another lab account learns the file is known, not what it held (it may be another county's)
    other = run("lab", "results", str(copy), "--as", "lab2", "--db", db)
    assert other.exit_code == 2 and "imported by another account" in other.output, other.output
    assert snapshot(db) == stored


def test_a_json_file_imports_like_csv(db: str, tmp_path: Path) -> None:
    docs = documents(db)
    samples = write(
        tmp_path,
        "samples.json",
        json.dumps(
            [
                {
                    "barcode": "CLI-J1",
                    "pool_size": 1,
                    "sampling_point": "Point 1",
                    "collected_at": AT7,
                    "members": [docs[11]],
                }
            ]
        ),
    )
    results = write(
        tmp_path,
        "results.json",
        json.dumps(
            {"rows": [{"barcode": "CLI-J1", "lab": "County lab", "reported_at": AT8, "ct_orf1ab": None, "ct_n": None}]}
        ),
    )
    done = run("lab", "samples", str(samples), "--as", "lab2", "--db", db)
    assert done.exit_code == 0 and "1 rows, 1 new" in done.output, done.output
    done = run("lab", "results", str(results), "--as", "lab2", "--db", db)
    assert done.exit_code == 0 and "outcomes {'negative': 1}" in done.output, done.output
    assert query(db, "SELECT imported_by FROM lab_import ORDER BY id DESC LIMIT 1") == [("lab2",)]


@pytest.mark.parametrize(
    ("command", "content", "message"),
    [
        pytest.param(
            "samples",
            SAMPLES_HEADER + "CLI-A,1,Point 1,{at},{doc}\nCLI-B,30,Point 1,{at},{doc}\n",
            "pool_size: row 2: a pool of 30 is not a validated size",
            id="samples-pool-30",
        ),
        pytest.param(
            "samples",
            SAMPLES_HEADER + "CLI-A,1,Point 1,{at},{doc}\nCLI-B,1,Point 1,2099-01-01T07:00:00+08:00,{doc}\n",
            "collected_at: row 2: 2099-01-01T07:00:00+08:00 is in the future",
            id="samples-future",
        ),
        pytest.param(
            "results",
            RESULTS_HEADER + "DEMO-P5-16B,County lab,{at8},,\nCLI-NONE,County lab,{at8},,\n",
            "barcode: row 2: no sample CLI-NONE is registered",
            id="results-unknown-barcode",
        ),
        pytest.param(
            "results",
            RESULTS_HEADER + "DEMO-P5-16,County lab,{at8},31,32.4\n",
            "barcode: row 1: sample DEMO-P5-16 already has a different result",
            id="results-contradicting",
        ),
        pytest.param(
            "results",
            RESULTS_HEADER + "DEMO-P5-16B,County lab,{at8},,\nDEMO-P5-16,County lab,{at8},55,30\n",
            "ct_orf1ab: row 2: Ct 55 is out of range",
            id="results-ct-55",
        ),
    ],
)
def test_a_bad_file_exits_2_with_its_row_and_writes_nothing(
    db: str, tmp_path: Path, command: str, content: str, message: str
) -> None:
    path = write(tmp_path, f"bad-{command}.csv", content.format(at=AT7, at8=AT8, doc=documents(db)[11]))
    before = snapshot(db)
    bad = run("lab", command, str(path), "--as", "lab", "--db", db)
    assert bad.exit_code == 2, bad.output
    assert f"error: {message}" in bad.output
    assert snapshot(db) == before


def test_who_runs_an_import_is_checked(db: str, tmp_path: Path) -> None:
    samples, _ = files(db, tmp_path)
    before = snapshot(db)
    for user, message in [
        ("nobody", "error: --as: no active user 'nobody'"),
        ("worker1", "error: role community_worker may not import lab"),
        ("epi", "error: role epidemiologist may not import lab"),
    ]:
        refused = run("lab", "samples", str(samples), "--as", user, "--db", db)
        assert refused.exit_code == 2, refused.output
        assert message in refused.output
    unnamed = write(tmp_path, "samples.txt", samples.read_text(encoding="utf-8"))
    refused = run("lab", "samples", str(unnamed), "--as", "lab", "--db", db)
    assert refused.exit_code == 2 and "error: format: give a .csv or .json file" in refused.output
    missing = run("lab", "samples", str(tmp_path / "nowhere.csv"), "--as", "lab", "--db", db)
    assert missing.exit_code == 2
    assert snapshot(db) == before


def test_venue_scans_import_refuse_a_bad_row_and_are_idempotent(db: str, tmp_path: Path) -> None:
    docs = documents(db)
    good = (
        SCANS_HEADER
        + f"{docs[15]},{MARKET},2022-11-16T10:00:00+08:00\n"
        + f"{docs[16]},{MARKET},2022-11-16T10:05:00+08:00\n"
    )
    bad = write(tmp_path, "bad-scans.csv", good + f"{docs[17]},V-NOWHERE,2022-11-16T10:10:00+08:00\n")
    before = snapshot(db)
    refused = run("tracing", "scans", str(bad), "--as", "epi", "--db", db)
    assert refused.exit_code == 2, refused.output
    assert "error: venue_code: row 3: no venue V-NOWHERE is registered" in refused.output
    assert snapshot(db) == before

    lab = run("tracing", "scans", str(write(tmp_path, "scans.csv", good)), "--as", "lab", "--db", db)
    assert lab.exit_code == 2 and "error: role lab may not trace contacts" in lab.output
    assert snapshot(db) == before

    path = write(tmp_path, "scans.csv", good)
    done = run("tracing", "scans", str(path), "--as", "epi", "--db", db)
    assert done.exit_code == 0, done.output
    assert "2 rows, 2 new" in done.output
    assert counts(db)["venue_scan"] == len(before["venue_scan"]) + 2
    stored = snapshot(db)
    again = run("tracing", "scans", str(path), "--as", "epi", "--db", db)
    assert again.exit_code == 0 and "already imported" in again.output, again.output
    assert snapshot(db) == stored
