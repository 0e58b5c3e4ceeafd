"""`fangkong warning detect FILE --method ears-c1|ears-c2|ears-c3|farrington [--alpha A] [--baseline N] [--years B]
[--json]`: aberration detection on the count series of a CSV file (measure 15, m20.15: multi-channel monitoring and
early warning), for scripts and other tools. The file has `series,date,count` rows, several series in any order; each
series is daily or weekly (dates 1 or 7 days apart) and is judged as R `surveillance` judges it (earsC,
farringtonFlexible) with the values of `warning.*` (its defaults) unless a flag changes one. With --json, one JSON
object per line per series and date judged: {"series", "date", "count", "upperbound", "alarm"}; otherwise a table. A
bad file (a missing or repeated date, mixed spacing, a negative count, too short a history) prints an error naming
the row and field on stderr, exits 2 and prints no result."""

from __future__ import annotations

import json
from datetime import date, time
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from fangkong.cli.common import (
    EXIT_BAD_INPUT,
    StaffUser,
    console,
    parse_date,
    reports_errors,
    rules_for,
    sessions_on,
    staff_actor,
)
from fangkong.cli.store import Db
from fangkong.errors import InvalidInput, RowError
from fangkong.policy import load_policy
from fangkong.policy.terms import Method
from fangkong.rules.aberration import Judged, judge, warning_settings
from fangkong.services.calendar import local_day, local_instant, system_clock
from fangkong.services.file_imports.rows import limited, records, text_of
from fangkong.services.settings import database_url
from fangkong.services.store import unit_of_work, upgrade
from fangkong.services.warning_alerts.job import run_triggers

warning_app = typer.Typer(
    help="Early warning: aberration detection on count series (measure 15).", no_args_is_help=True
)

COLUMNS = ("series", "date", "count")
EXIT_CODE_BAD_INPUT = EXIT_BAD_INPUT  # what a script sees for a bad file or flag
SeriesRows = dict[str, list[tuple[int, date, int]]]  # series -> (row, date, count), in the file's order


def _count(n: int, raw: dict[str, object]) -> int:
    text = text_of(n, raw, "count", max_len=20)
    try:
        return int(text)
    except ValueError:
        raise RowError(n, "count", f"{text!r} is not a whole number") from None


def read_series(data: bytes) -> SeriesRows:
    """The file's series, each row with its number (1 = the first data row); a row that is not a name, a date and a
    whole number refuses the file (RowError)."""
    found: SeriesRows = {}
    for n, raw in limited(records(data, "csv", COLUMNS)):
        name = text_of(n, raw, "series", max_len=200)
        text = text_of(n, raw, "date", max_len=10)
        try:
            day = date.fromisoformat(text)
        except ValueError:
            raise RowError(n, "date", f"{text!r} is not a date (YYYY-MM-DD)") from None
        found.setdefault(name, []).append((n, day, _count(n, raw)))
    if not found:
        raise InvalidInput("file", "no rows: expected series,date,count")
    return found


def detect(
    data: bytes, method: Method, *, alpha: float | None, baseline: int | None, years: int | None, rules: str | None
) -> list[tuple[str, Judged]]:
    """Every series of the file judged (measure 15), series in the order they first appear, each by date; the first
    problem refuses the whole file, naming the row or the series."""
    policy = load_policy()
    at = rules_for(policy, rules, "--rules") if rules else policy.for_version(policy.default_version)
    settings = warning_settings(at).overridden(method, alpha=alpha, baseline=baseline, years=years)
    judged: list[tuple[str, Judged]] = []
    for name, rows in read_series(data).items():
        ordered = sorted(rows, key=lambda r: (r[1], r[0]))
        try:
            found = judge(
                [d for _, d, _ in ordered],
                [c for _, _, c in ordered],
                method,
                settings,
                rows=[n for n, _, _ in ordered],
            )
        except RowError:
            raise
        except InvalidInput as exc:
            raise InvalidInput(exc.field, f"series {name!r}: {exc.message}") from None
        judged.extend((name, j) for j in found)
    return judged


def as_json(name: str, judged: Judged) -> str:
    """One judged epoch as the line scripts read."""
    return json.dumps(
        {
            "series": name,
            "date": judged.day.isoformat(),
            "count": judged.count,
            "upperbound": judged.upperbound,
            "alarm": judged.alarm,
        },
        ensure_ascii=False,
    )


@warning_app.command("detect")
@reports_errors
def detect_command(
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="a CSV of series,date,count")
    ],
    method: Annotated[Method, typer.Option(help="the method (surveillance's earsC C1, C2, C3 or farringtonFlexible)")],
    alpha: Annotated[
        float | None, typer.Option(help="the significance level (default: the method's, warning.*)")
    ] = None,
    baseline: Annotated[int | None, typer.Option(help="EARS: the baseline in epochs (default 7)")] = None,
    years: Annotated[int | None, typer.Option(help="Farrington: the past years b (default 5)")] = None,
    rules: Annotated[str | None, typer.Option(help="a version (m20) or a date whose warning.* values to use")] = None,
    as_lines: Annotated[bool, typer.Option("--json", help="one JSON object per line")] = False,
) -> None:
    """Judge every series of FILE for aberrations (measure 15): the upper bound of each date the method can judge
    and whether its count alarms."""
    judged = detect(file.read_bytes(), method, alpha=alpha, baseline=baseline, years=years, rules=rules)
    if as_lines:
        for name, j in judged:
            typer.echo(as_json(name, j))
        return
    table = Table("series", "date", "count", "upper bound", "alarm", title=method.value)
    for name, j in judged:
        upper = "—" if j.upperbound is None else f"{j.upperbound:.2f}"
        table.add_row(name, j.day.isoformat(), str(j.count), upper, "[bold red]alarm[/]" if j.alarm else "")
    console.print(table)


@warning_app.command("run")
@reports_errors
def run_command(
    username: StaffUser,
    on: Annotated[str | None, typer.Option("--on", help="the day to judge, YYYY-MM-DD (default: today)")] = None,
    method: Annotated[str | None, typer.Option(help="another method than the one in force")] = None,
    db: Db = None,
) -> None:
    """The daily job (measure 15): judge every signal series of the account's jurisdiction with the method in force
    and raise the alerts multi-point triggering calls for; run twice on a day, it raises nothing twice."""
    url = database_url(db)
    upgrade(url)
    now = system_clock()
    day = parse_date(on, "--on") if on else local_day(now)
    at = now if day == local_day(now) else local_instant(day, time(7))
    with unit_of_work(sessions_on(url, today=day)) as session:
        done = run_triggers(
            session, staff_actor(session, username), on=day, now=at, policy=load_policy(), method=method
        )
        raised = [(a.jurisdiction_code, a.kind, ", ".join(a.channels)) for a in done.raised]
    for code, kind, channels in raised:
        console.print(f"alert: {code} {kind.replace('_', ' ')}: {channels}", highlight=False)
    console.print(
        f"{day} ({done.method}): {done.judged} series judged, {len(done.alarms)} alarms, {len(raised)} alerts raised, "
        f"{done.already} already raised; {len(done.gaps)} series with a day missing, {len(done.short)} too short",
        highlight=False,
    )
