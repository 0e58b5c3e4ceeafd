"""`fangkong keypop import FILE --as USER`: key-population registry entries of measure 14 (m20.14) from CSV or
JSON, keyed by document number, graded by `rules.risk_grade` on the day of the import. Runs as a named staff account
(its role and jurisdiction)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer
from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.cli.common import console, reports_errors, sessions_on
from fangkong.cli.store import Db
from fangkong.errors import InvalidInput
from fangkong.services.access import Actor
from fangkong.services.calendar import local_day, system_clock
from fangkong.services.file_imports.rows import format_of
from fangkong.services.key_populations.imports import import_entries
from fangkong.services.settings import database_url
from fangkong.services.store import unit_of_work, upgrade
from fangkong.services.users.models import User as UserRow
from fangkong.services.users.service import actor_for_user

keypop_app = typer.Typer(help="The key-population registry (measure 14).", no_args_is_help=True)

File = Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="a .csv or .json file")]
User = Annotated[str, typer.Option("--as", help="the staff account the command runs as")]


def _actor(session: Session, username: str) -> Actor:
    user = session.scalar(select(UserRow).where(UserRow.username == username, UserRow.active.is_(True)))
    if user is None:
        raise InvalidInput("--as", f"no active user {username!r}")
    return actor_for_user(session, user)


@keypop_app.command("import")
@reports_errors
def import_file(
    path: File,
    username: User,
    fmt: Annotated[str | None, typer.Option("--format", help="csv or json (default: from the file name)")] = None,
    db: Db = None,
) -> None:
    """Import registry entries: `document_number, kinds` (kinds separated by `;`) and optionally `vaccination_status,
    checker, note`. A person already on the registry is updated and graded again. All or nothing; a second import of
    the same file changes nothing; a resident ID that fails its check digit refuses the file naming the row."""
    url = database_url(db)
    upgrade(url)
    if fmt not in (None, "csv", "json"):
        raise InvalidInput("--format", f"{fmt!r} is not one of csv, json")
    chosen: Literal["csv", "json"] = fmt if fmt in ("csv", "json") else format_of(path.name)  # type: ignore[assignment]
    now = system_clock()
    with unit_of_work(sessions_on(url, today=local_day(now))) as session:
        summary = import_entries(
            session, _actor(session, username), path.read_bytes(), chosen, now=now, filename=path.name
        )
    if summary.already_imported:
        console.print(f"already imported as import {summary.import_id}: nothing changed", highlight=False)
    else:
        updated = summary.outcomes.get("updated", 0)
        console.print(
            f"import {summary.import_id}: {summary.rows} rows, {summary.added} new, {updated} updated", highlight=False
        )
