"""`fangkong db backup` and `fangkong db restore`: the SQLite store copied with its online backup API, PostgreSQL
with pg_dump -Fc / pg_restore (docs/operations.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from fangkong.cli.common import console, reports_errors
from fangkong.services import backup
from fangkong.services.settings import database_url

Db = Annotated[
    str | None, typer.Option("--db", help="SQLAlchemy URL (default: $FANGKONG_DB or SQLite in the data dir).")
]
Force = Annotated[bool, typer.Option("--force", help="replace what is there")]


@reports_errors
def db_backup(
    path: Annotated[Path, typer.Argument(help="the backup file to write")], db: Db = None, force: Force = False
) -> None:
    """Back up the store (consistent while the server runs). An existing file is refused unless --force."""
    url = database_url(db)
    if backup.sqlite_path(url) is None:
        backup.backup_pg(url, path, force=force)
        console.print(f"backed up to {path} (pg_dump, custom format)", highlight=False)
        return
    copied = backup.backup_sqlite(url, path, force=force)
    console.print(f"backed up to {copied.path} (migration {copied.revision})", highlight=False)


@reports_errors
def db_restore(
    path: Annotated[Path, typer.Argument(help="a backup written by `fangkong db backup`")],
    db: Db = None,
    force: Force = False,
) -> None:
    """Replace the store with a backup, once the file is checked to be a fangkong store at a known migration.
    Replacing an existing store needs --force; run `fangkong db upgrade` after restoring an older backup."""
    url = database_url(db)
    if backup.sqlite_path(url) is None:
        backup.restore_pg(url, path, force=force)
        console.print(f"restored from {path} (pg_restore); run `fangkong db upgrade` next", highlight=False)
        return
    copied = backup.restore_sqlite(url, path, force=force)
    console.print(
        f"restored {copied.path} from {path} (migration {copied.revision}); run `fangkong db upgrade` next",
        highlight=False,
    )
