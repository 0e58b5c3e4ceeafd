"""`fangkong complaints escalate --as USER [--now INSTANT]` and `fangkong complaints import FILE --as USER`: complaints
and hotline calls (接诉即办, measure 18; clues, measure 16). `escalate` is the periodic job that sends every complaint
not answered by its deadline one level up the jurisdiction tree, and a second level later (complaints-escalation);
each level once, however often it runs: run it from cron every few minutes (an emergency is due in 2 hours). `import`
receives a hotline centre's export, all or nothing; a second import of the same file changes nothing."""

from __future__ import annotations

import typer

from fangkong.cli.common import (
    FormatOption,
    ImportFile,
    NowOption,
    StaffUser,
    import_as,
    reports_errors,
    run_job,
    say_imported,
)
from fangkong.cli.store import Db
from fangkong.policy import load_policy
from fangkong.services.complaints.imports import import_complaints
from fangkong.services.complaints.service import escalate_late

complaints_app = typer.Typer(help="Complaints and hotline calls (接诉即办, measures 18 and 16).", no_args_is_help=True)


@complaints_app.command("escalate")
@reports_errors
def escalate(username: StaffUser, now: NowOption = None, db: Db = None) -> None:
    """Escalate every late complaint in your jurisdiction: one level up at its deadline, two levels up later."""
    run_job(
        username,
        now,
        db,
        lambda session, actor, at: [
            f"complaint {e.complaint_id}: escalated to level {e.level} ({e.to_jurisdiction_code})"
            for e in escalate_late(session, actor, now=at, policy=load_policy())
        ],
        counted="escalations",
    )


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
