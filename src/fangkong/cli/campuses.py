"""`fangkong campuses import FILE --as USER` and `fangkong campuses escalate --as USER [--now INSTANT]`: the campus
registry of measure 18 (m20.18) from an education bureau's list, and the periodic job that escalates every response
task not done by its deadline to the jurisdiction above the campus's — once per task, however often it runs
(campus-task-deadline). Runs as a named staff account (its role and jurisdiction)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer

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
from fangkong.errors import InvalidInput
from fangkong.services.calendar import assume_local, local_day, system_clock
from fangkong.services.campuses.imports import import_campuses
from fangkong.services.campuses.service import escalate_late
from fangkong.services.settings import database_url
from fangkong.services.store import unit_of_work, upgrade

campuses_app = typer.Typer(help="Campuses: the registry and outbreak responses (measure 18).", no_args_is_help=True)


def _instant(said: str | None) -> datetime:
    if said is None:
        return system_clock()
    try:
        return assume_local(datetime.fromisoformat(said))
    except ValueError:
        raise InvalidInput("--now", f"{said!r} is not an ISO 8601 date-time") from None


@campuses_app.command("import")
@reports_errors
def import_file(path: ImportFile, username: StaffUser, fmt: FormatOption = None, db: Db = None) -> None:
    """Import schools and universities: `code, name, kind, jurisdiction_code` and optionally `boarding, students,
    staff, off_campus_families`. All or nothing; a second import of the same file changes nothing; a campus already
    registered is updated where the file differs."""
    summary = import_as(
        path,
        username,
        fmt,
        db,
        lambda session, actor, data, chosen, now: import_campuses(
            session, actor, data, chosen, now=now, filename=path.name
        ),
    )
    say_imported(
        summary,
        also=f", {summary.outcomes.get('updated', 0)} updated, {summary.outcomes.get('unchanged', 0)} unchanged",
    )


@campuses_app.command("escalate")
@reports_errors
def escalate(
    username: StaffUser,
    now: Annotated[
        str | None, typer.Option("--now", help="the instant to judge lateness at (ISO 8601; default: now)")
    ] = None,
    db: Db = None,
) -> None:
    """Escalate every late response task of your jurisdiction to the jurisdiction above the campus's, once."""
    url = database_url(db)
    upgrade(url)
    at = _instant(now)
    with unit_of_work(sessions_on(url, today=local_day(at))) as session:
        made = escalate_late(session, staff_actor(session, username), now=at)
        lines = [(t.id, t.response_id, t.kind, t.escalated_to) for t in made]
    for task_id, response_id, kind, to in lines:
        console.print(f"task {task_id} ({kind}) of response {response_id}: escalated to {to}", highlight=False)
    console.print(f"{len(lines)} escalations", highlight=False)
