"""`fangkong campuses import FILE --as USER` and `fangkong campuses escalate --as USER [--now INSTANT]`: the campus
registry of measure 18 (m20.18) from an education bureau's list, and the periodic job that escalates every response
task not done by its deadline to the jurisdiction above the campus's — once per task, however often it runs
(campus-task-deadline). Runs as a named staff account (its role and jurisdiction)."""

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
from fangkong.services.campuses.imports import import_campuses
from fangkong.services.campuses.service import escalate_late

campuses_app = typer.Typer(help="Campuses: the registry and outbreak responses (measure 18).", no_args_is_help=True)


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
def escalate(username: StaffUser, now: NowOption = None, db: Db = None) -> None:
    """Escalate every late response task of your jurisdiction to the jurisdiction above the campus's, once."""
    run_job(
        username,
        now,
        db,
        lambda session, actor, at: [
            f"task {t.id} ({t.kind}) of response {t.response_id}: escalated to {t.escalated_to}"
            for t in escalate_late(session, actor, now=at)
        ],
        counted="escalations",
    )
