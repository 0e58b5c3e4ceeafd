"""`fangkong arrivals import FILE --as USER` and `fangkong arrivals due --as USER`: arrivals from other provinces and
their test on arrival, the landing check of measure 15 (m20.15) — voluntary and free, movement not restricted
(m20-docs.testing); ended by the new ten (n10.2). Runs as a named staff account (its role and jurisdiction)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from fangkong.cli.common import (
    FormatOption,
    ImportFile,
    StaffUser,
    console,
    import_as,
    instant,
    reports_errors,
    say_imported,
    sessions_on,
    staff_actor,
)
from fangkong.cli.store import Db
from fangkong.services.arrivals.imports import import_arrivals
from fangkong.services.arrivals.service import work_list
from fangkong.services.calendar import local_day, local_time
from fangkong.services.settings import database_url
from fangkong.services.store import unit_of_work, upgrade

arrivals_app = typer.Typer(
    help="Arrivals from other provinces and the test on arrival (measure 15).", no_args_is_help=True
)


@arrivals_app.command("import")
@reports_errors
def import_file(path: ImportFile, username: StaffUser, fmt: FormatOption = None, db: Db = None) -> None:
    """Import arrivals: `document_number, arrived_at, from_province` (two digits of GB/T 2260) and optionally
    `from_place, jurisdiction_code, migrant_worker, employer, note`. All or nothing; a second import of the same file
    changes nothing; an arrival already recorded is left as it is."""
    summary = import_as(
        path,
        username,
        fmt,
        db,
        lambda session, actor, data, chosen, now: import_arrivals(
            session, actor, data, chosen, now=now, filename=path.name
        ),
    )
    say_imported(summary, also=f", {summary.outcomes.get('already_recorded', 0)} already recorded")


@arrivals_app.command("due")
@reports_errors
def due(
    username: StaffUser,
    now: Annotated[
        str | None, typer.Option("--now", help="the instant to judge at (ISO 8601; default: now; a drill's day)")
    ] = None,
    db: Db = None,
    fail_on_due: Annotated[bool, typer.Option(help="exit 3 when anyone is on the list (for scripts)")] = False,
) -> None:
    """Today's landing-check list of the account's jurisdiction: arrivals still due a test (soonest deadline first),
    then those who missed it and are still to be reminded. A reminder only: the test is voluntary."""
    url = database_url(db)
    upgrade(url)
    at = instant(now)
    with unit_of_work(sessions_on(url, today=local_day(at))) as session:
        listed = work_list(session, staff_actor(session, username), now=at)
        table = Table("person", "arrived", "from", "state", "due by", "remind until")
        for s in listed:
            d = s.decision
            table.add_row(
                s.arrival.person.name,
                f"{local_time(s.arrival.arrived_at):%Y-%m-%d %H:%M}",
                s.arrival.from_province,
                d.status.value.replace("_", " "),
                f"{local_time(d.due_by):%Y-%m-%d %H:%M}" if d.due_by else "",
                f"{local_time(d.follow_up_until):%Y-%m-%d %H:%M}" if d.follow_up_until and d.follow_up else "",
            )
    console.print(table)
    console.print(f"{len(listed)} on the list", highlight=False)
    if fail_on_due and listed:
        raise typer.Exit(3)
