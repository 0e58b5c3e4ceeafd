"""Backups of the store: SQLite through its online backup API (a consistent copy while the server writes), and
PostgreSQL through its own tools (`pg_dump -Fc` / `pg_restore`), which this module runs or names.

A restore checks that the file is a fangkong store at a migration this version knows before it replaces anything.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy.engine import URL, make_url

from fangkong.errors import InvalidInput
from fangkong.services.store import alembic_config


@dataclass(frozen=True)
class Copied:
    """What a backup or a restore did: the file and the store's migration."""

    path: Path
    revision: str


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite store (None: not SQLite, or in memory)."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite"):
        return None
    if not parsed.database or parsed.database == ":memory:":
        raise InvalidInput("--db", "an in-memory SQLite store has nothing to back up")
    return Path(parsed.database)


def known_revisions(url: str) -> set[str]:
    """Every migration this version of fangkong ships."""
    return {script.revision for script in ScriptDirectory.from_config(alembic_config(url)).walk_revisions()}


def _revision_of(connection: sqlite3.Connection, what: str) -> str:
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as exc:  # not a database at all, or no alembic_version table
        raise InvalidInput("path", f"{what} is not a fangkong store ({exc})") from None
    if row is None:
        raise InvalidInput("path", f"{what} is not a fangkong store (no migration recorded)")
    return str(row[0])


def backup_sqlite(url: str, target: Path, *, force: bool = False) -> Copied:
    """Copy the SQLite store at `url` to `target` with the online backup API: pages copied under SQLite's own
    locking, so the copy is one consistent state even while the server writes. An existing target is refused
    unless `force`."""
    source = sqlite_path(url)
    assert source is not None
    if not source.exists():
        raise InvalidInput("--db", f"no store at {source}")
    if target.exists() and not force:
        raise InvalidInput("path", f"{target} exists (--force replaces it)")
    if target.resolve() == source.resolve():
        raise InvalidInput("path", "the backup cannot be the store itself")
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    src = sqlite3.connect(source)
    try:
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst)
            revision = _revision_of(dst, str(source))
        finally:
            dst.close()
    finally:
        src.close()
    # a copy interrupted half-way never takes the target's name
    partial.replace(target)
    return Copied(target, revision)


def restore_sqlite(url: str, backup: Path, *, force: bool = False) -> Copied:
    """Replace the SQLite store at `url` with the backup `backup`, once it is known to be a fangkong store at a
    known migration. Copied with the backup API too, so connections of a running server see either the old store
    or the restored one. Replacing an existing store needs `force`."""
    target = sqlite_path(url)
    assert target is not None
    if not backup.is_file():
        raise InvalidInput("path", f"no backup at {backup}")
    with backup.open("rb") as head:
        if head.read(16) != b"SQLite format 3\x00":
            raise InvalidInput("path", f"{backup} is not a fangkong store (not a SQLite file)")
    src = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    try:
        revision = _revision_of(src, str(backup))
        if revision not in known_revisions(url):
            raise InvalidInput("path", f"{backup} is at migration {revision}, which this version does not know")
        if target.exists() and target.stat().st_size > 0 and not force:
            raise InvalidInput("--db", f"a store exists at {target} (--force replaces it with the backup)")
        target.parent.mkdir(parents=True, exist_ok=True)
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    return Copied(target, revision)


# ---- PostgreSQL: its own tools, the documented way ------------------------------------------------------------


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """A libpq connection URI without the password (which goes in PGPASSWORD, never on a command line)."""
    parsed: URL = make_url(url)
    env = dict(os.environ)
    if parsed.password is not None:
        env["PGPASSWORD"] = str(parsed.password)
    # URL.set(password=None) keeps the password: build the URL again without it
    plain = URL.create(
        "postgresql",
        username=parsed.username,
        host=parsed.host,
        port=parsed.port,
        database=parsed.database,
        query=parsed.query,
    )
    return plain.render_as_string(hide_password=False), env


def pg_backup_command(url: str, target: Path) -> list[str]:
    return ["pg_dump", "--format=custom", "--no-owner", f"--file={target}", f"--dbname={_libpq(url)[0]}"]


def pg_restore_command(url: str, backup: Path) -> list[str]:
    return ["pg_restore", "--clean", "--if-exists", "--no-owner", f"--dbname={_libpq(url)[0]}", str(backup)]


def run_pg(command: list[str], url: str) -> None:
    """Run pg_dump or pg_restore; without them on PATH, refuse with the command to run where they are."""
    if shutil.which(command[0]) is None:
        raise InvalidInput("--db", f"{command[0]} is not installed here; run it where it is: {' '.join(command)}")
    completed = subprocess.run(command, env=_libpq(url)[1], capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise InvalidInput("--db", f"{command[0]} failed: {completed.stderr.strip()}")


def backup_pg(url: str, target: Path, *, force: bool = False) -> Path:
    if target.exists() and not force:
        raise InvalidInput("path", f"{target} exists (--force replaces it)")
    run_pg(pg_backup_command(url, target), url)
    return target


def revision_in_dump(url: str, backup: Path) -> str:
    """The migration a pg_dump file is at: its `alembic_version` row, read with pg_restore (written out as SQL,
    restored nowhere). Refused when the file is no dump, or no fangkong store's."""
    command = ["pg_restore", "--data-only", "--table=alembic_version", "--file=-", str(backup)]
    if shutil.which(command[0]) is None:
        raise InvalidInput("--db", f"{command[0]} is not installed here; run it where it is: {' '.join(command)}")
    completed = subprocess.run(command, env=_libpq(url)[1], capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise InvalidInput("path", f"{backup} is not a pg_dump file: {completed.stderr.strip()}")
    lines = completed.stdout.splitlines()
    copy = next((i for i, line in enumerate(lines) if line.startswith("COPY ") and "alembic_version" in line), None)
    if copy is None or copy + 1 >= len(lines) or lines[copy + 1] == "\\.":
        raise InvalidInput("path", f"{backup} is not a fangkong store (no migration recorded)")
    return lines[copy + 1].strip()


def restore_pg(url: str, backup: Path, *, force: bool = False) -> Path:
    if not backup.is_file():
        raise InvalidInput("path", f"no backup at {backup}")
    # checked before anything is replaced: a dump from a later fangkong would leave tables this code cannot read
    revision = revision_in_dump(url, backup)
    if revision not in known_revisions(url):
        raise InvalidInput("path", f"{backup} is at migration {revision}, which this version does not know")
    if not force:
        raise InvalidInput("--db", "restoring replaces every table of the store (--force to do it)")
    run_pg(pg_restore_command(url, backup), url)
    return backup
