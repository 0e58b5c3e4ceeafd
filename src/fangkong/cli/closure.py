"""`fangkong needs escalate --as USER [--now INSTANT]`: the periodic job of measure 17 (m20.17) that escalates every
late need in the user's jurisdiction one level up the jurisdiction tree at its deadline and a second level later
(closure-escalation); each level once, however often it runs. Run it from cron every few minutes: an emergency is due
in hours."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer

from fangkong.cli.common import (
    StaffUser,
    console,
    reports_errors,
    sessions_on,
    staff_actor,
)
from fangkong.cli.store import Db
from fangkong.errors import InvalidInput
from fangkong.policy import load_policy
from fangkong.services.calendar import assume_local, local_day, system_clock
from fangkong.services.closure_services.service import escalate_late
from fangkong.services.settings import database_url
from fangkong.services.store import unit_of_work, upgrade

needs_app = typer.Typer(help="Needs of people under closure (measure 17).", no_args_is_help=True)


def _instant(said: str | None) -> datetime:
    if said is None:
        return system_clock()
    try:
        return assume_local(datetime.fromisoformat(said))
    except ValueError:
        raise InvalidInput("--now", f"{said!r} is not an ISO 8601 date-time") from None


@needs_app.command("escalate")
@reports_errors
def escalate(
    username: StaffUser,
    now: Annotated[
        str | None, typer.Option("--now", help="the instant to judge lateness at (ISO 8601; default: now)")
    ] = None,
    db: Db = None,
) -> None:
    """Escalate every late need in your jurisdiction: one level up at its deadline, two levels up later."""
    url = database_url(db)
    upgrade(url)
    at = _instant(now)
    with unit_of_work(sessions_on(url, today=local_day(at))) as session:
        made = escalate_late(session, staff_actor(session, username), now=at, policy=load_policy())
        lines = [(e.need_id, e.level, e.to_jurisdiction_code) for e in made]
    for need_id, level, to in lines:
        console.print(f"need {need_id}: escalated to level {level} ({to})", highlight=False)
    console.print(f"{len(lines)} escalations", highlight=False)
