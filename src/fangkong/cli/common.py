"""What every command shares: one console, date parsing, and errors as messages with exit code 2."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from functools import wraps
from pathlib import Path
from typing import Annotated, Literal, ParamSpec, TypeVar

import typer
from rich.console import Console
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from fangkong.errors import FangkongError, InvalidInput, RowError
from fangkong.policy import Policy, PolicyAt
from fangkong.services.access import Actor
from fangkong.services.file_imports.batches import ImportSummary

console = Console()
errors = Console(stderr=True)

P = ParamSpec("P")
R = TypeVar("R")

EXIT_FAILED = 1
EXIT_BAD_INPUT = 2


def reports_errors(fn: Callable[P, R]) -> Callable[P, R]:
    """A FangkongError becomes `error: <field>: <message>` on stderr and exit code 2."""

    @wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except FangkongError as exc:
            clause = f" ({exc.clause})" if isinstance(exc, RowError) and exc.clause else ""
            errors.print(f"[bold red]error:[/] {exc}{clause}", highlight=False, markup=True)
            raise typer.Exit(EXIT_BAD_INPUT) from None

    return wrapper


def parse_date(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(option, f"{value!r} is not a date (YYYY-MM-DD)") from None


def rules_for(policy: Policy, spec: str, option: str) -> PolicyAt:
    """A version id (`m20`) or a date (`2022-11-14`) as a rule set."""
    if spec in policy.versions:
        return policy.for_version(spec)
    if spec[:1].isdigit():
        return policy.at(parse_date(spec, option))
    raise InvalidInput(option, f"{spec!r} is neither a version ({', '.join(policy.versions)}) nor a date")


def sessions_on(url: str, *, today: date) -> sessionmaker[Session]:
    """Sessions on the store at `url` whose commits refresh the health codes their changes touch, for `today`
    under the national policy (services.health_codes.follow)."""
    from fangkong.policy import load_policy
    from fangkong.services.health_codes.follow import following
    from fangkong.services.store import make_engine

    return following(make_engine(url), today=lambda: today, policy=load_policy())


ImportFile = Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="a .csv or .json file")]
StaffUser = Annotated[str, typer.Option("--as", help="the staff account the command runs as")]
FormatOption = Annotated[str | None, typer.Option("--format", help="csv or json (default: from the file name)")]


def staff_actor(session: Session, username: str) -> Actor:
    """The active staff account a command runs as (its role and jurisdiction); refused naming `--as` otherwise."""
    from fangkong.services.users.models import User as UserRow
    from fangkong.services.users.service import actor_for_user

    user = session.scalar(select(UserRow).where(UserRow.username == username, UserRow.active.is_(True)))
    if user is None:
        raise InvalidInput("--as", f"no active user {username!r}")
    return actor_for_user(session, user)


def file_format(fmt: str | None, path: Path) -> Literal["csv", "json"]:
    """The format of an imported file: `--format` when given (csv or json, else refused naming it), else its name's."""
    from fangkong.services.file_imports.rows import format_of

    if fmt == "csv":
        return "csv"
    if fmt == "json":
        return "json"
    if fmt is not None:
        raise InvalidInput("--format", f"{fmt!r} is not one of csv, json")
    return format_of(path.name)


# An import run by a command: (session, the staff actor, the file's bytes, its format, the instant) -> its summary.
Importer = Callable[[Session, Actor, bytes, Literal["csv", "json"], datetime], ImportSummary]


def import_as(path: Path, username: str, fmt: str | None, db: str | None, run: Importer) -> ImportSummary:
    """Run one file import as a staff account on the store (migrated first), all in one unit of work, on the day
    of the real clock; the import's own summary."""
    from fangkong.services.calendar import local_day, system_clock
    from fangkong.services.settings import database_url
    from fangkong.services.store import unit_of_work, upgrade

    url = database_url(db)
    upgrade(url)
    chosen = file_format(fmt, path)
    now = system_clock()
    with unit_of_work(sessions_on(url, today=local_day(now))) as session:
        return run(session, staff_actor(session, username), path.read_bytes(), chosen, now)


NowOption = Annotated[
    str | None, typer.Option("--now", help="the instant to judge lateness at (ISO 8601; default: now)")
]


def instant(said: str | None) -> datetime:
    """The instant a periodic job judges at: `--now` read in the jurisdiction's zone, else the real clock."""
    from fangkong.services.calendar import assume_local, system_clock

    if said is None:
        return system_clock()
    try:
        return assume_local(datetime.fromisoformat(said))
    except ValueError:
        raise InvalidInput("--now", f"{said!r} is not an ISO 8601 date-time") from None


# A periodic job run by a command: (session, the staff actor, the instant) -> a line for each thing it did.
Job = Callable[[Session, Actor, datetime], list[str]]


def run_job(username: str, now: str | None, db: str | None, job: Job, *, counted: str) -> None:
    """Run a periodic job (the escalations) as a staff account on the store (migrated first), in one unit of work
    on the day of its instant; print what it did, a line each, and how many."""
    from fangkong.services.calendar import local_day
    from fangkong.services.settings import database_url
    from fangkong.services.store import unit_of_work, upgrade

    url = database_url(db)
    upgrade(url)
    at = instant(now)
    with unit_of_work(sessions_on(url, today=local_day(at))) as session:
        lines = job(session, staff_actor(session, username), at)
    for line in lines:
        console.print(line, highlight=False)
    console.print(f"{len(lines)} {counted}", highlight=False)


def say_imported(summary: ImportSummary, *, added: str = "new", also: str = "") -> None:
    """What an import did, in one line: already imported (nothing changed), or its rows and what it added."""
    if summary.already_imported:
        console.print(f"already imported as import {summary.import_id}: nothing changed", highlight=False)
    else:
        console.print(
            f"import {summary.import_id}: {summary.rows} rows, {summary.added} {added}{also}", highlight=False
        )
