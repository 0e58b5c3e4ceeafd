"""`fangkong signals import FILE --as USER` and `fangkong signals derive --from DAY --to DAY --as USER`: the daily
counts of the early-warning channels imported (measure 15, m20.15; all or nothing, a second import of the same file
changes nothing), and nucleic-acid positivity re-derived from the lab results in the store (the derived counts of
those days replaced, imported ones kept). Each runs as a named staff account (its role and jurisdiction)."""

from __future__ import annotations

from typing import Annotated

import typer

from fangkong.cli.common import (
    FormatOption,
    ImportFile,
    StaffUser,
    console,
    import_as,
    parse_date,
    reports_errors,
    say_imported,
    sessions_on,
    staff_actor,
)
from fangkong.cli.store import Db
from fangkong.services.calendar import local_day, system_clock
from fangkong.services.settings import database_url
from fangkong.services.signals import service as signal_service
from fangkong.services.signals.imports import import_signals
from fangkong.services.store import unit_of_work, upgrade

signals_app = typer.Typer(help="Early-warning signals: daily counts per channel (measure 15).", no_args_is_help=True)


@signals_app.command("import")
@reports_errors
def import_file(path: ImportFile, username: StaffUser, fmt: FormatOption = None, db: Db = None) -> None:
    """Import daily counts: jurisdiction, channel, date, count and, for nucleic_acid_positivity, tests. All rows or
    none."""
    summary = import_as(
        path,
        username,
        fmt,
        db,
        lambda session, actor, data, chosen, now: import_signals(
            session, actor, data, chosen, today=local_day(now), filename=path.name
        ),
    )
    say_imported(summary)


@signals_app.command("derive")
@reports_errors
def derive(
    username: StaffUser,
    start: Annotated[str, typer.Option("--from", help="the first day, YYYY-MM-DD")],
    end: Annotated[str | None, typer.Option("--to", help="the last day, YYYY-MM-DD (default: today)")] = None,
    channel: Annotated[
        str, typer.Option(help="nucleic_acid_positivity (lab results) or interprovincial_arrivals (arrivals)")
    ] = "nucleic_acid_positivity",
    db: Db = None,
) -> None:
    """Re-derive a channel from the store for the account's jurisdiction — nucleic-acid positivity per sampling day
    from the lab results, or the arrivals from other provinces from the landing-check register: the derived counts of
    those days are replaced, imported ones kept."""
    url = database_url(db)
    upgrade(url)
    today = local_day(system_clock())
    first = parse_date(start, "--from")
    last = parse_date(end, "--to") if end else today
    with unit_of_work(sessions_on(url, today=today)) as session:
        summary = signal_service.derive(
            session, staff_actor(session, username), channel, start=first, end=last, today=today
        )
    console.print(
        f"{summary.channel} {summary.start}..{summary.end}: {summary.written} written, {summary.removed} replaced, "
        f"{summary.kept_imported} kept as imported",
        highlight=False,
    )
