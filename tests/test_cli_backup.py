"""`fangkong db backup` / `restore` on SQLite: a demo store backed up, changed, restored and compared table by
table; an existing target, a file that is not a store and a store at an unknown migration are refused."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from fangkong.cli.main import app
from fangkong.services.backup import pg_backup_command, pg_restore_command
from fangkong.services.demo import load_demo
from fangkong.services.store import make_engine, scratch_database, session_factory, unit_of_work, upgrade
from tests.stores import PG_URL

runner = CliRunner()


def _tables(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    with sqlite3.connect(path) as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {n: sorted(conn.execute(f'SELECT * FROM "{n}"').fetchall(), key=repr) for n in names}


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("backup") / "demo.sqlite3"
    loaded = runner.invoke(app, ["demo", "load", "--db", f"sqlite:///{path}", "--persons", "12"])
    assert loaded.exit_code == 0, loaded.output
    return path


@pytest.fixture
def store(demo_store: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "store.sqlite3"
    with sqlite3.connect(demo_store) as src, sqlite3.connect(copy) as dst:
        src.backup(dst)
    return copy


def test_backup_change_restore_gives_back_every_table(store: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{store}"
    before = _tables(store)
    assert before["person"] and before["management_order"]
    target = tmp_path / "store.backup"
    made = runner.invoke(app, ["db", "backup", str(target), "--db", url])
    assert made.exit_code == 0, made.output
    assert _tables(target) == before
    with sqlite3.connect(store) as conn:
        conn.execute("UPDATE person SET name = 'changed' WHERE id = 1")
        conn.execute("DELETE FROM room_assignment")
    assert _tables(store) != before
    refused = runner.invoke(app, ["db", "restore", str(target), "--db", url])
    assert refused.exit_code == 2
    assert "--force" in refused.output
    restored = runner.invoke(app, ["db", "restore", str(target), "--db", url, "--force"])
    assert restored.exit_code == 0, restored.output
    assert _tables(store) == before


def test_an_existing_backup_is_kept_unless_forced(store: Path, tmp_path: Path) -> None:
    target = tmp_path / "kept.backup"
    target.write_bytes(b"precious")
    refused = runner.invoke(app, ["db", "backup", str(target), "--db", f"sqlite:///{store}"])
    assert refused.exit_code == 2
    assert "exists" in refused.output
    assert target.read_bytes() == b"precious"
    forced = runner.invoke(app, ["db", "backup", str(target), "--db", f"sqlite:///{store}", "--force"])
    assert forced.exit_code == 0, forced.output
    assert _tables(target) == _tables(store)


def test_restore_refuses_a_file_that_is_not_a_store(store: Path, tmp_path: Path) -> None:
    not_sqlite = tmp_path / "notes.txt"
    not_sqlite.write_text("hello")
    other = tmp_path / "other.sqlite3"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    before = _tables(store)
    for path in (not_sqlite, other, tmp_path / "missing"):
        refused = runner.invoke(app, ["db", "restore", str(path), "--db", f"sqlite:///{store}", "--force"])
        assert refused.exit_code == 2, refused.output
    assert _tables(store) == before


def test_restore_refuses_a_store_at_an_unknown_migration(store: Path, tmp_path: Path) -> None:
    future = tmp_path / "future.sqlite3"
    with sqlite3.connect(store) as src, sqlite3.connect(future) as dst:
        src.backup(dst)
        dst.execute("UPDATE alembic_version SET version_num = '9999'")
        dst.commit()
    refused = runner.invoke(app, ["db", "restore", str(future), "--db", f"sqlite:///{store}", "--force"])
    assert refused.exit_code == 2
    assert "9999" in refused.output


def test_postgresql_uses_pg_dump_custom_format_without_the_password_on_the_command_line() -> None:
    url = "postgresql+psycopg://fk:secret@db.example:5432/fangkong"
    dump = pg_backup_command(url, Path("/b/f.dump"))
    assert dump[:2] == ["pg_dump", "--format=custom"]
    assert "postgresql://fk@db.example:5432/fangkong" in " ".join(dump)
    restore = pg_restore_command(url, Path("/b/f.dump"))
    assert restore[0] == "pg_restore"
    assert "secret" not in " ".join(dump + restore)


def _pg_tables(url: str) -> dict[str, list[tuple[Any, ...]]]:
    from sqlalchemy import create_engine, inspect, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            names = sorted(inspect(conn).get_table_names())
            return {n: sorted((tuple(r) for r in conn.execute(text(f'SELECT * FROM "{n}"'))), key=repr) for n in names}
    finally:
        engine.dispose()


@pytest.mark.skipif(not PG_URL, reason="no PostgreSQL")
def test_postgresql_backup_change_restore_with_pg_dump(tmp_path: Path) -> None:
    from sqlalchemy import text

    assert PG_URL is not None
    with scratch_database(PG_URL, "fk_backup") as url:
        upgrade(url)
        engine = make_engine(url)
        with unit_of_work(session_factory(engine)) as session:
            load_demo(session, persons=6)
        engine.dispose()
        before = _pg_tables(url)
        target = tmp_path / "store.dump"
        made = runner.invoke(app, ["db", "backup", str(target), "--db", url])
        assert made.exit_code == 0, made.output
        engine = make_engine(url)
        with engine.begin() as conn:
            conn.execute(text("UPDATE person SET name = 'changed' WHERE id = 1"))
            conn.execute(text("DELETE FROM room_assignment"))
        engine.dispose()
        assert _pg_tables(url) != before
        refused = runner.invoke(app, ["db", "restore", str(target), "--db", url])
        assert refused.exit_code == 2
        restored = runner.invoke(app, ["db", "restore", str(target), "--db", url, "--force"])
        assert restored.exit_code == 0, restored.output
        assert _pg_tables(url) == before

        # a dump from a later fangkong (a migration this code does not know) is refused before anything changes
        engine = make_engine(url)
        with engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
        engine.dispose()
        future = tmp_path / "future.dump"
        assert runner.invoke(app, ["db", "backup", str(future), "--db", url]).exit_code == 0
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM room_assignment"))
        engine.dispose()
        changed = _pg_tables(url)
        refused = runner.invoke(app, ["db", "restore", str(future), "--db", url, "--force"])
        assert refused.exit_code == 2 and "9999" in refused.output, refused.output
        assert _pg_tables(url) == changed
        not_a_dump = tmp_path / "not.dump"
        not_a_dump.write_bytes(b"hello")
        refused = runner.invoke(app, ["db", "restore", str(not_a_dump), "--db", url, "--force"])
        assert refused.exit_code == 2 and "pg_dump file" in " ".join(refused.output.split()), refused.output


def test_a_backup_taken_while_the_store_is_written_is_one_consistent_state(store: Path, tmp_path: Path) -> None:
    import threading

    stop, started = threading.Event(), threading.Event()

    def write() -> None:
        conn = sqlite3.connect(store, timeout=30)
        conn.execute("PRAGMA journal_mode=WAL")
        n = 0
        while not stop.is_set():
            n += 1
            # one transaction: an entry and the person's name change together, or neither
            with conn:
                conn.execute(
                    "INSERT INTO audit_log (at, actor, action, entity, entity_id, detail) "
                    "VALUES ('2022-11-16 01:00:00', 'writer', 'update', 'person', '1', '{}')"
                )
                conn.execute("UPDATE person SET name = ? WHERE id = 1", (f"name {n}",))
            started.set()
        conn.close()

    writer = threading.Thread(target=write)
    writer.start()
    assert started.wait(30)
    try:
        target = tmp_path / "live.backup"
        made = runner.invoke(app, ["db", "backup", str(target), "--db", f"sqlite:///{store}"])
    finally:
        stop.set()
        writer.join()
    assert made.exit_code == 0, made.output
    with sqlite3.connect(target) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        writes = conn.execute("SELECT count(*) FROM audit_log WHERE actor = 'writer'").fetchone()[0]
        name = conn.execute("SELECT name FROM person WHERE id = 1").fetchone()[0]
    assert writes >= 1
    assert name == f"name {writes}"
