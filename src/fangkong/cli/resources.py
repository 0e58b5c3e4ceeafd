"""`fangkong resources import facilities FILE` and `fangkong resources census`: medical resources (measure 11; issue
18). `import_app` is the home of every `resources import ...` command (facilities here; stock beside it)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.table import Table

from fangkong.cli.areas import On, User, _actor, _day
from fangkong.cli.common import console, reports_errors, sessions_on
from fangkong.cli.store import Db
from fangkong.services.calendar import today
from fangkong.services.settings import database_url
from fangkong.services.store import unit_of_work, upgrade

resources_app = typer.Typer(help="Medical resources: facilities, beds, staff, census.", no_args_is_help=True)
import_app = typer.Typer(help="Imports of medical resources.", no_args_is_help=True)
resources_app.add_typer(import_app, name="import")


@import_app.command("facilities")
@reports_errors
def import_facilities_command(
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="a CSV or JSON file of facilities")],
    username: User,
    fmt: Annotated[
        Literal["csv", "json"] | None, typer.Option("--format", help="csv or json (default: by suffix)")
    ] = None,
    db: Db = None,
) -> None:
    """Import facilities with their beds and staff (all or nothing; the same file twice changes nothing)."""
    from fangkong.services.care.imports import import_facilities

    kind: Literal["csv", "json"] = fmt or ("json" if path.suffix.lower() == ".json" else "csv")
    url = database_url(db)
    upgrade(url)
    with unit_of_work(sessions_on(url, today=today())) as session:
        summary = import_facilities(session, _actor(session, username), path.read_bytes(), kind, filename=path.name)
    if summary.already_imported:
        console.print(f"already imported (import {summary.import_id}): nothing changed", highlight=False)
    else:
        console.print(
            f"{summary.rows} rows: {summary.outcomes.get('added', 0)} facilities added, "
            f"{summary.outcomes.get('updated', 0)} updated",
            highlight=False,
        )


@resources_app.command("census")
@reports_errors
def census_command(
    username: User,
    on: On = None,
    jurisdiction: Annotated[str | None, typer.Option("--jurisdiction", help="a jurisdiction code")] = None,
    db: Db = None,
) -> None:
    """The day's census: beds, staffed beds, occupied, admissions, discharges, deaths and free beds by facility."""
    from fangkong.services.care.service import census
    from fangkong.services.jurisdictions.service import scope_root

    url = database_url(db)
    upgrade(url)
    day = _day(on)
    with unit_of_work(sessions_on(url, today=today())) as session:
        actor = _actor(session, username)
        rows = census(session, actor, day, root=scope_root(session, actor, jurisdiction))
    table = Table(title=f"census {day}")
    for column in ("facility", "kind", "bed", "beds", "staffed", "occupied", "admitted", "discharged", "died", "free"):
        table.add_column(column)
    for r in rows:
        table.add_row(
            r.facility_name,
            r.kind,
            r.bed_kind.value,
            str(r.beds),
            str(r.staffed),
            str(r.occupied),
            str(r.admissions),
            str(r.discharges),
            str(r.deaths),
            str(r.free),
        )
    console.print(table)


@resources_app.command("project")
@reports_errors
def project_command(
    username: User,
    on: On = None,
    jurisdiction: Annotated[str | None, typer.Option("--jurisdiction", help="a jurisdiction code")] = None,
    db: Db = None,
) -> None:
    """The day's projection of inpatient and ICU beds over the coming weeks: the day each kind runs out of staffed
    beds and whether the alert is due (measure 11). Exits 3 when the alert is due, so a daily job can page someone."""
    from fangkong.services.care.projection import project_jurisdiction, projected_place

    url = database_url(db)
    upgrade(url)
    day = _day(on)
    with unit_of_work(sessions_on(url, today=today())) as session:
        actor = _actor(session, username)
        place = projected_place(session, actor, jurisdiction)
        result = project_jurisdiction(session, actor, place.code, day)
    table = Table(title=f"beds needed, {place.name}, from {day} (policy {result.policy})")
    for column in ("bed", "in use next day", "staffed", "peak", "peak on", "runs out", "alert"):
        table.add_column(column)
    for o in result.outlooks:
        peak = max(range(len(o.census)), key=lambda i: o.census[i])
        table.add_row(
            o.kind.value,
            f"{o.census[0]:.1f}",
            str(o.capacity[0]),
            f"{o.census[peak]:.1f}",
            o.days[peak].isoformat(),
            o.run_out.isoformat() if o.run_out else "-",
            "ALERT" if o.alert else "",
        )
    console.print(table)
    for reason in result.reasons:
        console.print(f"[{reason.clause}] {reason.text}", highlight=False, markup=False)
    if result.alert:
        raise typer.Exit(3)


def _supplies_alias(kind: str) -> None:
    """`fangkong resources import <kind> FILE`: the same import as `fangkong supplies import FILE --kind <kind>`
    (measure 13; issue 18 names the imports `fangkong resources import ...`), one code path for both spellings."""

    @import_app.command(kind)
    @reports_errors
    def alias(
        path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="a .csv or .json file")],
        username: User,
        fmt: Annotated[str | None, typer.Option("--format", help="csv or json (default: from the file name)")] = None,
        db: Db = None,
    ) -> None:
        from fangkong.cli.supplies import import_file

        import_file(path, username, kind=kind, fmt=fmt, db=db)

    alias.__doc__ = f"Import supply {kind} (measure 13): as `fangkong supplies import FILE --kind {kind}`."


for _kind in ("sites", "items", "stock"):
    _supplies_alias(_kind)
