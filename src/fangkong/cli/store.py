"""`fangkong serve`, `fangkong db upgrade`, `fangkong users add`, `fangkong demo load`."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer

from fangkong.cli import serving
from fangkong.cli.common import console, errors, parse_date, reports_errors, sessions_on
from fangkong.services import logs
from fangkong.services.calendar import drill_clock, system_clock
from fangkong.services.settings import database_url
from fangkong.services.store import make_engine, session_factory, unit_of_work, upgrade

if TYPE_CHECKING:
    from fastapi import FastAPI

Db = Annotated[
    str | None, typer.Option("--db", help="SQLAlchemy URL (default: $FANGKONG_DB or SQLite in the data dir).")
]

db_app = typer.Typer(help="The store.", no_args_is_help=True)
users_app = typer.Typer(help="Staff accounts.", no_args_is_help=True)
demo_app = typer.Typer(help="Demo data.", no_args_is_help=True)


@db_app.command("upgrade")
@reports_errors
def db_upgrade(db: Db = None) -> None:
    """Create or migrate the database to the newest schema."""
    url = database_url(db)
    upgrade(url)
    console.print(f"database at {_shown(url)} is up to date", highlight=False)


@users_app.command("add")
@reports_errors
def users_add(
    username: str,
    role: Annotated[
        str,
        typer.Option(
            help="command_centre, epidemiologist, community_worker, site_manager, lab, supervisor, read_only, admin"
        ),
    ],
    jurisdiction: Annotated[str, typer.Option(help="the jurisdiction code the user may act in (with its subtree)")],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)],
    db: Db = None,
) -> None:
    """Add a staff account."""
    from fangkong.services.users.service import create_user

    url = database_url(db)
    upgrade(url)
    with unit_of_work(session_factory(make_engine(url))) as session:
        create_user(session, None, username=username, password=password, role=role, jurisdiction_code=jurisdiction)
    console.print(f"user {username} ({role}) added", highlight=False)


@demo_app.command("load")
@reports_errors
def demo_load(
    db: Db = None,
    persons: Annotated[int, typer.Option(min=1, max=100_000, help="people under management")] = 120,
) -> None:
    """Load the demo county (idempotent): staff, people and their orders in November 2022."""
    from fangkong.services.calendar import drill_clock
    from fangkong.services.demo import DEMO_PASSWORD, DEMO_TODAY, load_demo
    from fangkong.services.store import events_dated_by

    url = database_url(db)
    upgrade(url)
    # the demo's records are dated in its drill (16 Nov 2022), as what the drill's staff store later is
    with events_dated_by(drill_clock(DEMO_TODAY)), unit_of_work(sessions_on(url, today=DEMO_TODAY)) as session:
        summary = load_demo(session, persons=persons)
    if not summary.loaded:
        console.print("demo county already loaded", highlight=False)
        return
    console.print(
        f"demo loaded: {summary.persons} people, {summary.orders} orders; users "
        f"{', '.join(summary.users)} (password {DEMO_PASSWORD}); serve with --today {DEMO_TODAY}",
        highlight=False,
    )


@demo_app.command("wave")
@reports_errors
def demo_wave_command(db: Db = None) -> None:
    """Put the demo county in a wave (measure 11): a growing number of infections over the ten days before the drill
    day, graded and admitted, and critical-care nurses of the designated hospital infected, so that the capacity
    board projects its ICU beds running out. Once: a second call adds nothing. Load the demo first."""
    from fangkong.errors import InvalidInput
    from fangkong.services.access import SYSTEM
    from fangkong.services.calendar import drill_clock
    from fangkong.services.care.wave import demo_wave
    from fangkong.services.demo import COUNTY, DEMO_TODAY
    from fangkong.services.jurisdictions.models import Jurisdiction
    from fangkong.services.store import events_dated_by

    url = database_url(db)
    upgrade(url)
    with events_dated_by(drill_clock(DEMO_TODAY)), unit_of_work(sessions_on(url, today=DEMO_TODAY)) as session:
        if session.get(Jurisdiction, COUNTY) is None:
            raise InvalidInput("--db", "the demo county is not loaded: run `fangkong demo load` first")
        added = demo_wave(session, SYSTEM, DEMO_TODAY, COUNTY)
    if added:
        console.print(f"wave added: {added} infections graded and admitted; see /capacity", highlight=False)
    else:
        console.print("the demo county is in its wave already: nothing changed", highlight=False)


def _loopback(host: str) -> bool:
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:  # a host name: it may resolve to anything
        return False


def _refuse_public_demo(url: str, host: str) -> None:
    """The demo's accounts open with a password printed in the README: on an address others can reach, anyone
    could log in as the command centre. Refused (exit 1) unless `--allow-demo-accounts` says it is meant."""
    if _loopback(host):
        return
    from fangkong.services.demo import demo_accounts

    with unit_of_work(session_factory(make_engine(url))) as session:
        open_ones = demo_accounts(session)
    if open_ones:
        errors.print(
            f"refusing to serve on {host}: the demo accounts {', '.join(open_ones)} open with the published demo "
            "password, so anyone who can reach this address can log in. Disable them or reset their passwords, "
            "serve on 127.0.0.1, or pass --allow-demo-accounts if this is meant.",
            highlight=False,
        )
        raise typer.Exit(1)


def _shown(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


# What each worker process of `fangkong serve --workers N` builds its app from (uvicorn starts workers from an
# import string, not from an app object).
_SERVE_DB = "FANGKONG_SERVE_DB"
_SERVE_TODAY = "FANGKONG_SERVE_TODAY"


def served_app() -> FastAPI:
    """The console and API of one worker process, over the store and drill date its parent was given."""
    import os

    logs.configure()  # a worker process of its own logs too
    from fangkong.web.app import create_console

    today = os.environ.get(_SERVE_TODAY)
    return create_console(
        os.environ[_SERVE_DB], clock=drill_clock(date.fromisoformat(today)) if today else system_clock
    )


@reports_errors
def serve(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port")] = 8000,
    db: Db = None,
    today: Annotated[str | None, typer.Option(help="run as a drill on this date (YYYY-MM-DD)")] = None,
    demo: Annotated[bool, typer.Option(help="load the demo county first (idempotent)")] = False,
    workers: Annotated[
        int, typer.Option(min=1, max=64, help="worker processes on the one port (about one per core)")
    ] = 1,
    allow_demo_accounts: Annotated[
        bool,
        typer.Option(
            "--allow-demo-accounts",
            help="serve on a non-loopback address although demo accounts with the published password exist",
        ),
    ] = False,
    behind_https_proxy: Annotated[
        bool, typer.Option(help="reached through an HTTPS proxy: Secure cookies, X-Forwarded-Proto believed")
    ] = False,
    forwarded_allow_ips: Annotated[
        str, typer.Option(help="the proxy's address(es), whose X-Forwarded-* headers are believed")
    ] = "127.0.0.1",
) -> None:
    """Serve the API (and its docs at /docs) on the store, migrating it first."""
    import os

    logs.configure()  # a worker process of its own logs too
    import uvicorn

    url = database_url(db)
    upgrade(url)
    if demo:
        demo_load(db=url)
    if not allow_demo_accounts:
        _refuse_public_demo(url, host)
    drill = parse_date(today, "--today") if today else None
    serving.ensure_port_free(host, port)  # before the address is announced
    console.print(
        f"fangkong on http://{host}:{port} (store {_shown(url)}"
        + (f", drill date {drill}" if drill else "")
        + (f", {workers} workers" if workers > 1 else "")
        + ")",
        highlight=False,
    )
    os.environ[_SERVE_DB] = url
    if drill is not None:
        os.environ[_SERVE_TODAY] = drill.isoformat()
    else:
        os.environ.pop(_SERVE_TODAY, None)
    # uvloop and httptools (pinned): the venue check's rate is mostly the server's own cost per request.
    # No access log: at a city's scan rate it would be the busiest thing the server does (and a log of who
    # was checked where). No "server: uvicorn" header: it tells a caller nothing it needs.
    uvicorn.run(
        "fangkong.cli.store:served_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        loop="uvloop",
        http="httptools",
        access_log=False,
        server_header=False,
        log_level="warning",
        **serving.server_settings(behind_https_proxy=behind_https_proxy, forwarded_allow_ips=forwarded_allow_ips),
    )
