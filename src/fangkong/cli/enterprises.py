"""`fangkong enterprises import FILE --as USER` and `fangkong enterprises list --as USER`: the registry of enterprises
and industrial parks of measure 19 (m20.19), private ones included, with the white list of key enterprises. Runs as
a named staff account (its role and jurisdiction)."""

from __future__ import annotations

import typer
from rich.table import Table

from fangkong.cli.common import (
    FormatOption,
    ImportFile,
    StaffUser,
    console,
    import_as,
    reports_errors,
    say_imported,
    sessions_on,
    staff_actor,
)
from fangkong.cli.store import Db
from fangkong.services.calendar import local_day, system_clock
from fangkong.services.enterprises.imports import import_enterprises
from fangkong.services.enterprises.service import list_enterprises
from fangkong.services.settings import database_url
from fangkong.services.store import unit_of_work, upgrade

enterprises_app = typer.Typer(
    help="Enterprises and industrial parks, the white list of key enterprises (measure 19).", no_args_is_help=True
)


@enterprises_app.command("import")
@reports_errors
def import_file(path: ImportFile, username: StaffUser, fmt: FormatOption = None, db: Db = None) -> None:
    """Import enterprises: `name, jurisdiction_code` and optionally `ownership` (private, state, collective, foreign,
    other), `park` (registered the first time it is named), `workers`, `white_listed`, `key_supply_chain` (yes or no).
    All or nothing; a second import of the same file changes nothing; an enterprise already registered is left as it
    is."""
    summary = import_as(
        path,
        username,
        fmt,
        db,
        lambda session, actor, data, chosen, now: import_enterprises(
            session, actor, data, chosen, now=now, filename=path.name
        ),
    )
    say_imported(
        summary,
        also=f", {summary.outcomes.get('already_recorded', 0)} already registered, "
        f"{summary.outcomes.get('parks_added', 0)} new parks",
    )


@enterprises_app.command("list")
@reports_errors
def list_all(
    username: StaffUser,
    white_listed: bool | None = typer.Option(None, "--white-list/--not-white-list", help="only on or off the list"),
    db: Db = None,
) -> None:
    """The enterprises of the account's jurisdiction, by name, with the white list and their production."""
    url = database_url(db)
    upgrade(url)
    with unit_of_work(sessions_on(url, today=local_day(system_clock()))) as session:
        actor = staff_actor(session, username)
        rows, total = list_enterprises(session, actor, white_listed=white_listed, limit=500)
        table = Table("id", "name", "jurisdiction", "white list", "key chain", "producing")
        for e in rows:
            table.add_row(
                str(e.id),
                e.name,
                e.jurisdiction_code,
                "yes" if e.white_listed else "",
                "yes" if e.key_supply_chain else "",
                "yes" if e.producing else "stopped",
            )
        console.print(table)
        console.print(f"{total} enterprises", highlight=False)
