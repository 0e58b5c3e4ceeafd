"""`fangkong needs escalate --as USER [--now INSTANT]`: the periodic job of measure 17 (m20.17) that escalates every
late need in the user's jurisdiction one level up the jurisdiction tree at its deadline and a second level later
(closure-escalation); each level once, however often it runs. Run it from cron every few minutes: an emergency is due
in hours."""

from __future__ import annotations

import typer

from fangkong.cli.common import (
    NowOption,
    StaffUser,
    reports_errors,
    run_job,
)
from fangkong.cli.store import Db
from fangkong.policy import load_policy
from fangkong.services.closure_services.service import escalate_late

needs_app = typer.Typer(help="Needs of people under closure (measure 17).", no_args_is_help=True)


@needs_app.command("escalate")
@reports_errors
def escalate(username: StaffUser, now: NowOption = None, db: Db = None) -> None:
    """Escalate every late need in your jurisdiction: one level up at its deadline, two levels up later."""
    run_job(
        username,
        now,
        db,
        lambda session, actor, at: [
            f"need {e.need_id}: escalated to level {e.level} ({e.to_jurisdiction_code})"
            for e in escalate_late(session, actor, now=at, policy=load_policy())
        ],
        counted="escalations",
    )
