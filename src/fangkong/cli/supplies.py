"""`fangkong supplies import FILE --kind sites|items|stock`, `fangkong supplies stock [--site S] [--alerts]` and
`fangkong supplies export DIR`: the medicines and equipment of measure 13 (m20.13), imported, shown as the stock table
with days of supply and reorder alerts, and exported as the stock lines `fangkong bulk run days_of_supply` reads.
Each runs as a named staff account (its role and jurisdiction)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy import select

from fangkong.cli.common import (
    FormatOption,
    ImportFile,
    StaffUser,
    console,
    file_format,
    reports_errors,
    sessions_on,
    staff_actor,
)
from fangkong.cli.store import Db
from fangkong.errors import InvalidInput
from fangkong.policy import load_policy
from fangkong.services.calendar import local_day, system_clock
from fangkong.services.settings import database_url
from fangkong.services.store import unit_of_work, upgrade
from fangkong.services.supplies.imports import import_supplies
from fangkong.services.supplies.models import SupplySite
from fangkong.services.supplies.service import export_stock_lines, stock_table

supplies_app = typer.Typer(help="Medicines and equipment per site (measure 13).", no_args_is_help=True)


@supplies_app.command("import")
@reports_errors
def import_file(
    path: ImportFile,
    username: StaffUser,
    kind: Annotated[str, typer.Option("--kind", help="sites, items or stock")],
    fmt: FormatOption = None,
    db: Db = None,
) -> None:
    """Import sites (name, kind, jurisdiction_code), items (code, name, category, unit) or opening stock (site,
    item_code, quantity, day): all or nothing, a second import of the same file changes nothing."""
    url = database_url(db)
    upgrade(url)
    chosen = file_format(fmt, path)
    now = system_clock()
    with unit_of_work(sessions_on(url, today=local_day(now))) as session:
        summary = import_supplies(
            session,
            staff_actor(session, username),
            path.read_bytes(),
            kind=kind,
            fmt=chosen,
            today=local_day(now),
            now=now,
            filename=path.name,
        )
    if summary.already_imported:
        console.print(f"already imported as import {summary.import_id}: nothing changed", highlight=False)
    else:
        console.print(f"import {summary.import_id}: {summary.rows} rows, {summary.added} new", highlight=False)


@supplies_app.command("stock")
@reports_errors
def stock(
    username: StaffUser,
    site: Annotated[str | None, typer.Option("--site", help="a site's name")] = None,
    alerts: Annotated[bool, typer.Option("--alerts", help="only the lines under their reorder point")] = False,
    db: Db = None,
) -> None:
    """The stock table: stock, daily use over the window, days of supply and the reorder alert (in words)."""
    url = database_url(db)
    upgrade(url)
    now = system_clock()
    today = local_day(now)
    with unit_of_work(sessions_on(url, today=today)) as session:
        actor = staff_actor(session, username)
        site_id = None
        if site is not None:
            site_id = session.scalar(select(SupplySite.id).where(SupplySite.name == site))
            if site_id is None:
                raise InvalidInput("--site", f"no supply site named {site!r}")
        lines = stock_table(session, actor, load_policy().at(today), as_of=today, site_id=site_id, alerts_only=alerts)
    table = Table("site", "item", "category", "stock", "daily use", "days of supply", "alert")
    for x in lines:
        table.add_row(
            x.site_name,
            x.item_code,
            x.category,
            f"{x.stock} {x.unit}",
            "—" if x.daily_use is None else f"{x.daily_use:.1f}",
            "does not run out" if x.days is None else f"{x.days:.1f}",
            {"none": "ok", "reorder": "REORDER", "critical": "CRITICAL"}[x.alert.value],
        )
    console.print(table)


@supplies_app.command("export")
@reports_errors
def export(
    folder: Annotated[Path, typer.Argument(help="where supply_stock.arrow goes (the layout `bulk run` reads)")],
    username: StaffUser,
    jurisdiction: Annotated[str | None, typer.Option(help="only this subtree")] = None,
    db: Db = None,
) -> None:
    """Export the stock lines with the window's dispensations kept on each, rolled to today, for
    `fangkong bulk run days_of_supply --data DIR` (m20.13)."""
    url = database_url(db)
    upgrade(url)
    today = local_day(system_clock())
    with unit_of_work(sessions_on(url, today=today)) as session:
        lines = export_stock_lines(
            session,
            staff_actor(session, username),
            load_policy().at(today),
            folder,
            as_of=today,
            jurisdiction_code=jurisdiction,
        )
    console.print(f"{today}: {lines:,} stock lines → {folder}", highlight=False)
