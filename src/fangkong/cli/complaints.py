"""`fangkong complaints escalate --as USER [--now INSTANT]` and `fangkong complaints import FILE --as USER`: complaints
and hotline calls (接诉即办, measure 18; clues, measure 16). `escalate` is the periodic job that sends every complaint
not answered by its deadline one level up the jurisdiction tree, and a second level later (complaints-escalation);
each level once, however often it runs: run it from cron every few minutes (an emergency is due in 2 hours). `import`
receives a hotline centre's export, all or nothing; a second import of the same file changes nothing."""

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
from fangkong.policy import load_policy
from fangkong.services.calendar import assume_local, local_day, system_clock
from fangkong.services.complaints.imports import import_complaints
from fangkong.services.complaints.service import escalate_late
from fangkong.services.settings import database_url
from fangkong.services.store import unit_of_work, upgrade

complaints_app = typer.Typer(help="Complaints and hotline calls (接诉即办, measures 18 and 16).", no_args_is_help=True)


def _instant(said: str | None) -> datetime:
    if said is None:
        return system_clock()
    try:
        return assume_local(datetime.fromisoformat(said))
    except ValueError:
        raise InvalidInput("--now", f"{said!r} is not an ISO 8601 date-time") from None


@complaints_app.command("escalate")
@reports_errors
def escalate(
    username: StaffUser,
    now: Annotated[
        str | None, typer.Option("--now", help="the instant to judge lateness at (ISO 8601; default: now)")
    ] = None,
    db: Db = None,
) -> None:
    """Escalate every late complaint in your jurisdiction: one level up at its deadline, two levels up later."""
    url = database_url(db)
    upgrade(url)
    at = _instant(now)
    with unit_of_work(sessions_on(url, today=local_day(at))) as session:
        made = escalate_late(session, staff_actor(session, username), now=at, policy=load_policy())
        lines = [(e.complaint_id, e.level, e.to_jurisdiction_code) for e in made]
    for complaint_id, level, to in lines:
        console.print(f"complaint {complaint_id}: escalated to level {level} ({to})", highlight=False)
    console.print(f"{len(lines)} escalations", highlight=False)


@complaints_app.command("import")
@reports_errors
def import_file(path: ImportFile, username: StaffUser, fmt: FormatOption = None, db: Db = None) -> None:
    """Import complaints: `content, jurisdiction_code` and optionally `received_at, channel, complainant_kind,
    complainant_name, complainant_phone, complainant_id_number, category, place, affected, urgency, department`. All
    or nothing; a second import of the same file changes nothing."""
    summary = import_as(
        path,
        username,
        fmt,
        db,
        lambda session, actor, data, chosen, now: import_complaints(
            session, actor, data, chosen, now=now, filename=path.name
        ),
    )
    say_imported(summary, also=f", {summary.outcomes.get('clues', 0)} clues of over-reach")
