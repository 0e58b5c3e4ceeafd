"""`fangkong areas import|advance`, `fangkong codes recompute` and `fangkong overlay check`: the daily jobs and
the over-reach guard from the command line (a scheduler runs `areas advance` and `codes recompute` each day)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from fangkong.cli.common import EXIT_FAILED, console, parse_date, reports_errors, sessions_on
from fangkong.cli.store import Db
from fangkong.errors import Inconsistent, InvalidInput
from fangkong.services.access import Actor
from fangkong.services.calendar import today
from fangkong.services.settings import database_url
from fangkong.services.store import unit_of_work, upgrade

areas_app = typer.Typer(help="Buildings, units and risk areas.", no_args_is_help=True)
codes_app = typer.Typer(help="Health codes.", no_args_is_help=True)
overlay_app = typer.Typer(help="Local overlays and the over-reach guard.", no_args_is_help=True)

User = Annotated[str, typer.Option("--as", help="the staff account the job runs as (its role and jurisdiction)")]
On = Annotated[str | None, typer.Option("--on", help="the day (YYYY-MM-DD; default today in Asia/Shanghai)")]


def _actor(session: object, username: str) -> Actor:
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from fangkong.services.users.models import User as UserRow
    from fangkong.services.users.service import actor_for_user

    if not isinstance(session, Session):
        raise Inconsistent("isinstance(session, Session)")
    user = session.scalar(select(UserRow).where(UserRow.username == username, UserRow.active.is_(True)))
    if user is None:
        raise InvalidInput("--as", f"no active user {username!r}")
    return actor_for_user(session, user)


def _day(on: str | None) -> date:
    return parse_date(on, "--on") if on else today()


@areas_app.command("import")
@reports_errors
def areas_import(
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="a GeoJSON FeatureCollection")],
    username: User,
    db: Db = None,
) -> None:
    """Import buildings and units with their shapes (all or nothing)."""
    from fangkong.services.areas.shapes import import_areas

    url = database_url(db)
    upgrade(url)
    with unit_of_work(sessions_on(url, today=today())) as session:
        made = import_areas(session, _actor(session, username), path.read_bytes())
    console.print(f"{len(made)} areas imported", highlight=False)


@areas_app.command("advance")
@reports_errors
def areas_advance(username: User, on: On = None, db: Db = None) -> None:
    """The daily job: apply every downgrade or lifting the rules give up to the day."""
    from fangkong.policy import load_policy
    from fangkong.services.areas.service import advance_all

    url = database_url(db)
    upgrade(url)
    day = _day(on)
    with unit_of_work(sessions_on(url, today=today())) as session:
        counts = advance_all(session, _actor(session, username), day, today=today(), policy=load_policy())
    console.print(
        f"{day}: {counts['checked']} active areas checked, {counts['changed']} changed level", highlight=False
    )


@codes_app.command("recompute")
@reports_errors
def codes_recompute(
    username: User,
    on: On = None,
    jurisdiction: Annotated[str | None, typer.Option(help="only this subtree")] = None,
    due: Annotated[
        bool, typer.Option("--due", help="only codes whose stored status does not stand on the day (the daily job)")
    ] = False,
    db: Db = None,
) -> None:
    """Recompute everyone's health code for the day; every change of colour is recorded."""
    from fangkong.policy import load_policy
    from fangkong.services.health_codes.service import recompute

    url = database_url(db)
    upgrade(url)
    day = _day(on)
    started = datetime.now(UTC)
    with unit_of_work(sessions_on(url, today=day)) as session:
        counts = recompute(
            session,
            _actor(session, username),
            day,
            policy=load_policy(),
            jurisdiction_code=jurisdiction,
            due_only=due,
        )
    seconds = (datetime.now(UTC) - started).total_seconds()
    colours = ", ".join(f"{k} {v}" for k, v in counts.items() if k not in ("persons", "changed", "written"))
    console.print(
        f"{day}: {counts['persons']} codes in {seconds:.1f} s ({colours}); {counts['changed']} changed, "
        f"{counts.get('written', 0)} written",
        highlight=False,
    )


@overlay_app.command("check")
@reports_errors
def overlay_check(
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="a local overlay (YAML)")],
) -> None:
    """Compare a local overlay with the national rules; exit 1 when any value is over-reach."""
    from fangkong.policy import load_policy
    from fangkong.policy.overlay import read_overlay
    from fangkong.rules.overlay import compare_parameter

    national = load_policy()
    header, values = read_overlay(path.read_text(encoding="utf-8"), national)
    rules = national.at(header.effective)
    table = Table(title=f"{header.name} ({header.jurisdiction}, from {header.effective}) under {rules.version}")
    for column in ("parameter", "local", "national", "verdict", "clauses"):
        table.add_column(column)
    worst = False
    for v in values:
        f = compare_parameter(v.path, national.parameters[v.path].spec.stricter, v.value, rules)
        from fangkong.policy import render

        style = {"over_reach": "bold red", "below_national": "yellow"}.get(f.verdict, "")
        table.add_row(
            v.path,
            render(f.local),
            render(f.national),
            f"[{style}]{f.verdict}[/]" if style else f.verdict,
            ", ".join(f.cite),
        )
        worst = worst or f.verdict == "over_reach"
    console.print(table)
    if worst:
        raise typer.Exit(EXIT_FAILED)
