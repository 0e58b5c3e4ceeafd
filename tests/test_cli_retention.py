"""`fangkong retention run` (PIPL art. 47) and `fangkong persons export` (art. 45) on a demo store."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fangkong.cli.main import app

runner = CliRunner()


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("retention") / "demo.sqlite3"
    loaded = runner.invoke(app, ["demo", "load", "--db", f"sqlite:///{path}", "--persons", "12"])
    assert loaded.exit_code == 0, loaded.output
    return path


@pytest.fixture
def store(demo_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("COLUMNS", "200")
    copy = tmp_path / "store.sqlite3"
    with sqlite3.connect(demo_store) as src, sqlite3.connect(copy) as dst:
        src.backup(dst)
    return copy


def _anonymised(store: Path) -> int:
    with sqlite3.connect(store) as conn:
        return int(conn.execute("SELECT count(*) FROM person WHERE anonymised_on IS NOT NULL").fetchone()[0])


def test_the_daily_job_dry_then_for_real_then_idempotent(store: Path) -> None:
    url = f"sqlite:///{store}"
    held = runner.invoke(app, ["retention", "run", "--db", url, "--today", "2022-11-16", "--dry-run"])
    assert held.exit_code == 0, held.output
    assert "0 would be anonymised" in held.output and "open_order" in held.output
    with sqlite3.connect(store) as conn:  # every demo order ended on 1 Nov (outside any drill)
        conn.execute("UPDATE management_order SET status = 'released', released_on = '2022-11-01'")
        conn.execute("UPDATE management_order SET updated_at = created_at")
        conn.execute("UPDATE infection SET discharged_on = '2022-11-01'")
    dry = runner.invoke(app, ["retention", "run", "--db", url, "--today", "2022-12-31", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert _anonymised(store) == 0
    would = int(dry.output.split(": ", 1)[1].split(" ", 1)[0])
    assert would > 0
    done = runner.invoke(app, ["retention", "run", "--db", url, "--today", "2022-12-31"])
    assert done.exit_code == 0, done.output
    assert f"{would} anonymised" in done.output
    assert _anonymised(store) == would
    with sqlite3.connect(store) as conn:
        audited = conn.execute(
            "SELECT count(*) FROM audit_log"
            " WHERE action = 'anonymise' AND actor = 'retention job' AND entity = 'person'"
        ).fetchone()[0]
        complaints = conn.execute(
            "SELECT count(*) FROM complaint WHERE closed_at IS NOT NULL AND complainant_name IS NOT NULL"
        ).fetchone()[0]
    assert audited == would
    assert complaints == 0 and "complaints anonymised: 0" not in done.output  # the demo's closed one is forgotten
    again = runner.invoke(app, ["retention", "run", "--db", url, "--today", "2022-12-31"])
    assert "0 anonymised" in again.output and "complaints anonymised: 0" in again.output


def test_a_bad_day_is_refused(store: Path) -> None:
    bad = runner.invoke(app, ["retention", "run", "--db", f"sqlite:///{store}", "--today", "16/11/2022"])
    assert bad.exit_code == 2
    assert "--today" in bad.output


def test_persons_export_writes_the_file_and_is_audited(store: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{store}"
    out = tmp_path / "person-1.json"
    done = runner.invoke(
        app, ["persons", "export", "1", "--as", "epi", "--out", str(out), "--reason", "asked", "--db", url]
    )
    assert done.exit_code == 0, done.output
    export = json.loads(out.read_text(encoding="utf-8"))
    assert export["person"]["id"] == 1
    assert export["orders"] and export["orders"][0]["events"]
    with sqlite3.connect(store) as conn:
        entry = conn.execute(
            "SELECT actor, reason FROM audit_log WHERE action = 'exported' AND entity_id = '1'"
        ).fetchall()
    assert entry == [("epi", "asked")]
    nobody = runner.invoke(app, ["persons", "export", "1", "--as", "nobody", "--db", url])
    assert nobody.exit_code == 2
    assert "--as" in nobody.output
    missing = runner.invoke(app, ["persons", "export", "99999", "--as", "epi", "--db", url])
    assert missing.exit_code == 2
