"""`fangkong keypop import FILE --as USER`: key-population registry entries of measure 14 (m20.14) from CSV or
JSON, keyed by document number, graded by `rules.risk_grade` on the day of the import; `fangkong keypop
import-members FILE --as USER`: the residents and staff of key institutions (a command of its own: `import` takes
the file directly). Runs as a named staff account (its role and jurisdiction)."""

from __future__ import annotations

import typer

from fangkong.cli.common import (
    FormatOption,
    ImportFile,
    StaffUser,
    import_as,
    reports_errors,
    say_imported,
)
from fangkong.cli.store import Db
from fangkong.services.key_populations.imports import import_entries, import_members

keypop_app = typer.Typer(help="The key-population registry (measure 14).", no_args_is_help=True)


@keypop_app.command("import")
@reports_errors
def import_file(
    path: ImportFile,
    username: StaffUser,
    fmt: FormatOption = None,
    db: Db = None,
) -> None:
    """Import registry entries: `document_number, kinds` (kinds separated by `;`) and optionally `vaccination_status,
    checker, note`. A person already on the registry is updated and graded again. All or nothing; a second import of
    the same file changes nothing; a resident ID that fails its check digit refuses the file naming the row."""
    summary = import_as(
        path,
        username,
        fmt,
        db,
        lambda session, actor, data, chosen, now: import_entries(
            session, actor, data, chosen, now=now, filename=path.name
        ),
    )
    say_imported(summary, also=f", {summary.outcomes.get('updated', 0)} updated")


@keypop_app.command("import-members")
@reports_errors
def import_members_file(
    path: ImportFile,
    username: StaffUser,
    fmt: FormatOption = None,
    db: Db = None,
) -> None:
    """Import the residents and staff of key institutions: `institution` (its name), `document_number`, `role`
    (resident or staff), `started_on` and optionally `ended_on`. An infection recorded for a current member raises the
    institution's alert by itself. All or nothing; a second import of the same file changes nothing."""
    summary = import_as(
        path,
        username,
        fmt,
        db,
        lambda session, actor, data, chosen, now: import_members(
            session, actor, data, chosen, now=now, filename=path.name
        ),
    )
    say_imported(summary, added="members")
