"""`fangkong vaccination import FILE --as USER`, `fangkong vaccination status PERSON_ID --as USER [--on DAY]` and
`fangkong vaccination outreach --as USER [--on DAY] [--jurisdiction CODE]`: the doses of a vaccination register
imported (measure 12, m20.12; all or nothing, a second import of the same file changes nothing), a person's
vaccination status on a day with its reasons, and the elderly outreach list. Each runs as a named staff account (its
role and jurisdiction)."""

from __future__ import annotations

from datetime import date
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
from fangkong.services.calendar import local_day, system_clock
from fangkong.services.jurisdictions.service import scope_root
from fangkong.services.settings import database_url
from fangkong.services.store import unit_of_work, upgrade
from fangkong.services.vaccination.coverage import audited, outreach_list
from fangkong.services.vaccination.imports import import_doses
from fangkong.services.vaccination.service import person_doses

vaccination_app = typer.Typer(help="COVID-19 vaccination records and status (measure 12).", no_args_is_help=True)


@vaccination_app.command("import")
@reports_errors
def import_file(
    path: ImportFile,
    username: StaffUser,
    fmt: FormatOption = None,
    db: Db = None,
) -> None:
    """Import doses: document_number, product, dose_number, given_on and optionally document_type (resident_id when
    left out: its check character is verified), manufacturer, site, lot. All rows or none."""
    summary = import_as(
        path,
        username,
        fmt,
        db,
        lambda session, actor, data, chosen, now: import_doses(
            session, actor, data, chosen, today=local_day(now), policy=load_policy(), filename=path.name
        ),
    )
    say_imported(summary)


@vaccination_app.command("status")
@reports_errors
def status(
    person_id: Annotated[int, typer.Argument(help="the person's id", min=1)],
    username: StaffUser,
    on: Annotated[str | None, typer.Option("--on", help="the day asked, YYYY-MM-DD (default: today)")] = None,
    db: Db = None,
) -> None:
    """A person's doses and vaccination status on a day, with the reasons and the clauses they cite (the read is
    audited)."""
    url = database_url(db)
    upgrade(url)
    today = local_day(system_clock())
    try:
        day = date.fromisoformat(on) if on else today
    except ValueError:
        raise InvalidInput("--on", f"{on!r} is not a date (YYYY-MM-DD)") from None
    with unit_of_work(sessions_on(url, today=today)) as session:
        _, doses, decision = person_doses(
            session, staff_actor(session, username), person_id, on=day, policy=load_policy()
        )
        lines = [f"dose {d.dose_number}: {d.product} on {d.given_on}" for d in doses]
    for line in lines:
        console.print(line, highlight=False)
    console.print(f"status on {day}: {decision.status.value}", highlight=False)
    if decision.booster_due_from is not None:
        due = "due" if decision.booster_due else "not due yet"
        console.print(f"booster {due} (from {decision.booster_due_from})", highlight=False)
    for reason in decision.reasons:
        console.print(f"  [{reason.clause}] {reason.text}", highlight=False, markup=False)


@vaccination_app.command("outreach")
@reports_errors
def outreach_cmd(
    username: StaffUser,
    on: Annotated[str | None, typer.Option("--on", help="the day asked, YYYY-MM-DD (default: today)")] = None,
    jurisdiction: Annotated[
        str | None, typer.Option("--jurisdiction", help="a jurisdiction inside your scope (default: all of it)")
    ] = None,
    db: Db = None,
) -> None:
    """The elderly to ask to be vaccinated (measure 12), the oldest first, each with why; a contraindication, a
    recent refusal or a later date agreed leaves a person off (the read is audited)."""
    url = database_url(db)
    upgrade(url)
    today = local_day(system_clock())
    try:
        day = date.fromisoformat(on) if on else today
    except ValueError:
        raise InvalidInput("--on", f"{on!r} is not a date (YYYY-MM-DD)") from None
    with unit_of_work(sessions_on(url, today=today)) as session:
        actor = staff_actor(session, username)
        root = scope_root(session, actor, jurisdiction)
        rows = outreach_list(session, actor, day, root=root, policy=load_policy())
        audited(session, actor, rows)
    for r in rows:
        due = f", booster due from {r.booster_due_from}" if r.booster_due_from else ""
        console.print(
            f"{r.person_id}  {r.name}  {r.jurisdiction_code}  aged {r.age}  {r.status.value}{due}",
            highlight=False,
            markup=False,
        )
    console.print(f"{len(rows)} to ask on {day}", highlight=False)
