"""`fangkong lab samples|results FILE` and `fangkong tracing scans FILE`: the same imports as the API, for
files too big to upload, with a progress bar. Each runs as a named staff account (its role and jurisdiction)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import select

from fangkong.cli.common import console, reports_errors, sessions_on
from fangkong.cli.store import Db
from fangkong.errors import InvalidInput
from fangkong.policy import load_policy
from fangkong.services.calendar import local_day, system_clock
from fangkong.services.file_imports.batches import ImportSummary
from fangkong.services.file_imports.rows import format_of
from fangkong.services.lab.imports import import_results, import_samples
from fangkong.services.settings import database_url
from fangkong.services.store import unit_of_work, upgrade
from fangkong.services.tracing.venues import import_scans
from fangkong.services.users.models import User as UserRow
from fangkong.services.users.service import actor_for_user

lab_app = typer.Typer(help="Samples and lab results.", no_args_is_help=True)
tracing_app = typer.Typer(help="Close-contact tracing.", no_args_is_help=True)

File = Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="a .csv or .json file")]
User = Annotated[str, typer.Option("--as", help="the staff account the import is recorded under")]

STAGES = {
    "samples": ("checked", "samples", "members"),
    "results": ("checked", "matched", "adjudicated", "stored", "applied"),
    "scans": ("checked",),
}


@contextmanager
def _bar(kind: str) -> Iterator[Callable[[str, int, int], None]]:
    stages = STAGES[kind]
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:,}/{task.total:,}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task(f"{kind}: reading", total=len(stages))

        def step(stage: str, done: int, total: int) -> None:
            n = stages.index(stage) + 1 if stage in stages else 0
            progress.update(task, completed=n, description=f"{kind}: {stage} ({done:,} rows)")

        yield step


Import = Callable[..., ImportSummary]  # an import service: (session, actor, data, *, fmt, now, filename, progress)


def _run(kind: str, path: Path, username: str, db: str | None, run: Import) -> ImportSummary:
    url = database_url(db)
    upgrade(url)
    data = path.read_bytes()
    fmt = format_of(path.name)
    now = system_clock()
    with unit_of_work(sessions_on(url, today=local_day(now))) as session, _bar(kind) as step:
        user = session.scalar(select(UserRow).where(UserRow.username == username, UserRow.active.is_(True)))
        if user is None:
            raise InvalidInput("--as", f"no active user {username!r}")
        return run(
            session,
            actor_for_user(session, user),
            data,
            fmt=fmt,
            now=now,
            filename=path.name,
            progress=step,
        )


def _show(summary: ImportSummary) -> None:
    if summary.already_imported:
        console.print(f"already imported as import {summary.import_id}: nothing changed", highlight=False)
        return
    console.print(
        f"import {summary.import_id}: {summary.rows} rows, {summary.added} new"
        + (f"; outcomes {summary.outcomes}" if summary.outcomes else "")
        + (f"; consequences {summary.consequences}" if summary.consequences else ""),
        highlight=False,
    )


@lab_app.command("samples")
@reports_errors
def samples(path: File, username: User, db: Db = None) -> None:
    """Register tubes: barcode, pool_size, sampling_point, collected_at, members (document numbers, ;-separated)."""
    _show(_run("samples", path, username, db, partial(import_samples, policy=load_policy())))


@lab_app.command("results")
@reports_errors
def results(path: File, username: User, db: Db = None) -> None:
    """Import results (barcode, lab, reported_at, ct_orf1ab, ct_n) and apply their consequences."""
    _show(_run("results", path, username, db, partial(import_results, policy=load_policy())))


@tracing_app.command("scans")
@reports_errors
def scans(path: File, username: User, db: Db = None) -> None:
    """Import venue-code scans (document_number, venue_code, scanned_at)."""
    _show(_run("scans", path, username, db, import_scans))
