"""`fangkong retention run` (the daily anonymising job, PIPL art. 47) and `fangkong persons export` (PIPL art. 45)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from fangkong.cli.common import console, parse_date, reports_errors
from fangkong.errors import InvalidInput
from fangkong.services.settings import database_url

Db = Annotated[
    str | None, typer.Option("--db", help="SQLAlchemy URL (default: $FANGKONG_DB or SQLite in the data dir).")
]
Today = Annotated[
    str | None, typer.Option("--today", help="the day the job runs for (YYYY-MM-DD; default: today in China)")
]

retention_app = typer.Typer(
    help="Retention of personal data (Personal Information Protection Law).", no_args_is_help=True
)
persons_app = typer.Typer(help="A person's rights over their data.", no_args_is_help=True)

# who the job's audit entries name: the job itself, an administrator of the whole tree
JOB = "retention job"


def _day(today: str | None) -> date:
    from fangkong.services.calendar import today as today_in_china

    return parse_date(today, "--today") if today else today_in_china()


@retention_app.command("run")
@reports_errors
def retention_run(
    db: Db = None,
    today: Today = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="count who would be anonymised; change nothing")] = False,
) -> None:
    """Anonymise the personal data of people whose management ended more than the retention period ago
    (policy parameter privacy.retention_days); idempotent, each person audited. Run it daily."""
    from fangkong.policy import load_policy
    from fangkong.services.access import Actor, Role
    from fangkong.services.retention.service import run_retention
    from fangkong.services.store import make_engine, session_factory, unit_of_work, upgrade

    day = _day(today)
    url = database_url(db)
    upgrade(url)
    engine = make_engine(url)
    try:
        with unit_of_work(session_factory(engine)) as session:
            run = run_retention(session, Actor(JOB, Role.admin, "/"), load_policy(), today=day, dry_run=dry_run)
    finally:
        engine.dispose()
    kept = ", ".join(f"{n} {why}" for why, n in sorted(run.kept.items())) or "none"
    verb = "would be anonymised" if run.dry_run else "anonymised"
    console.print(
        f"{run.today}: {run.anonymised} {verb} (management ended on or before {run.cutoff}; kept {run.retention_days} "
        f"days, {run.clause}); kept: {kept}; complaints {verb}: {run.complaints_anonymised}",
        highlight=False,
    )


@persons_app.command("export")
@reports_errors
def persons_export(
    person_id: int,
    username: Annotated[str, typer.Option("--as", help="the staff account that exports (audited under its name)")],
    out: Annotated[Path | None, typer.Option("--out", help="write the JSON here (default: standard output)")] = None,
    reason: Annotated[str | None, typer.Option(help="why (kept in the audit log)")] = None,
    db: Db = None,
) -> None:
    """Everything held about one person, as JSON (PIPL art. 45: access and copy), exported by a staff account
    within its jurisdiction; the export is audited."""
    from sqlalchemy import select

    from fangkong.services.access import Actor, Role
    from fangkong.services.jurisdictions.models import Jurisdiction
    from fangkong.services.retention.export import person_export
    from fangkong.services.store import make_engine, session_factory, unit_of_work, upgrade
    from fangkong.services.users.models import User

    url = database_url(db)
    upgrade(url)
    engine = make_engine(url)
    try:
        with unit_of_work(session_factory(engine)) as session:
            user = session.scalar(select(User).where(User.username == username))
            if user is None or not user.active:
                raise InvalidInput("--as", f"no active staff account {username!r}")
            jurisdiction = session.get(Jurisdiction, user.jurisdiction_code)
            assert jurisdiction is not None
            actor = Actor(user.username, Role(user.role), jurisdiction.path)
            document = person_export(session, actor, person_id, reason=reason)
    finally:
        engine.dispose()
    text = json.dumps(document, ensure_ascii=False, indent=2)
    if out is None:
        typer.echo(text)
    else:
        out.write_text(text + "\n", encoding="utf-8")
        console.print(f"person {person_id} exported to {out}", highlight=False)
