"""`fangkong sim`: what a version of the rules costs and what it prevents, on a synthetic city (issue 22).

fangkong sim run --policy m20 [--switch 2022-12-07:n10] --population 100000 --days 60 --seed 1 [--json] [--out F]
fangkong sim compare v9 m20 [n10 classb none] --seeds 10 --population 100000 --days 60 [--json] [--out F]
    [--png F] [--html F]
Both take a county's own area-wide testing: --local-campaign first_case|always|where_allowed --tests-per-day N
[--unguarded] (the over-reach guard refuses what the rule refuses; --unguarded runs it anyway and counts it).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from fangkong.cli.common import console, parse_date, reports_errors

if TYPE_CHECKING:
    from fangkong.sim.local_rules import LocalCampaign

sim_app = typer.Typer(help="Policy impact simulation on a synthetic city (issue 22).", no_args_is_help=True)

Population = Annotated[int, typer.Option(help="people in the synthetic city")]
Days = Annotated[int, typer.Option(help="days simulated")]
Start = Annotated[str, typer.Option(help="the first simulated day (the demo county's drill day by default)")]
Params = Annotated[list[str] | None, typer.Option("--param", help="NAME=VALUE: a simulator parameter")]
Switches = Annotated[list[str] | None, typer.Option("--switch", help="DATE:VERSION, the version from that date on")]
AsJson = Annotated[bool, typer.Option("--json", help="the whole result as JSON on standard output")]
Out = Annotated[Path | None, typer.Option(help="save the result (JSON, with its parameters and code version)")]
When = Annotated[
    str,
    typer.Option(
        "--local-campaign",
        help="a county's own area-wide testing: where_allowed (the national rule), first_case (daily from the first "
        "case found outside centralized isolation) or always (daily, outbreak or not)",
    ),
]
TestsPerDay = Annotated[
    int, typer.Option("--tests-per-day", help="rounds of the county's area-wide testing a day (1-3)")
]
Unguarded = Annotated[
    bool,
    typer.Option("--unguarded", help="run refused rounds anyway and count them as over-reach (the guard refuses them)"),
]

SHOWN = (
    ("infections", "infections"),
    ("found", "found"),
    ("missed", "missed"),
    ("close_contacts", "close contacts"),
    ("venue_contacts", "  of them found from venue scans"),
    ("room_nights", "isolation room-nights"),
    ("room_nights_close_contacts", "  of close contacts"),
    ("room_nights_spillover", "  of people outside a sealed area"),
    ("room_nights_entrants", "  of entrants"),
    ("peak_rooms", "peak rooms"),
    ("room_nights_per_contact", "room-nights per close contact"),
    ("tubes", "tubes"),
    ("pool_retests", "  single-tube retests of positive pools"),
    ("held_person_days", "person-days held awaiting a retest"),
    ("past_infections", "entrants judged past infections (Ct 35-40)"),
    ("found_after_recovery", "positives found after the infection ended"),
    ("campaign_days", "days of area-wide testing"),
    ("campaign_refused", "  rounds refused by the over-reach guard"),
    ("campaign_overreach", "  rounds run against the rule (unguarded)"),
    ("peak_high_risk_areas", "peak high-risk areas"),
    ("peak_medium_risk_areas", "peak medium-risk areas"),
    ("peak_ward_beds", "peak ward beds"),
    ("peak_icu_beds", "peak ICU beds"),
    ("deaths", "deaths"),
)


def _check_outputs(**paths: Path | None) -> None:
    """Refuse, before anything runs, a file to be written into a folder that does not exist (nothing is written)."""
    from fangkong.errors import InvalidInput

    for name, path in paths.items():
        if path is not None and not path.resolve().parent.is_dir():
            raise InvalidInput(name, f"{path}: the folder {path.parent} does not exist")


def _local(when: str, tests_per_day: int, unguarded: bool) -> LocalCampaign:
    """The county's proposal, checked before anything runs (a bad value names its option; nothing is written)."""
    from fangkong.sim.local_rules import LocalCampaign

    return LocalCampaign(when=when, tests_per_day=tests_per_day, guarded=not unguarded).check()


def _write(out: Path | None, payload: dict[str, object]) -> None:
    if out is not None:
        out.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")


@sim_app.command("run")
@reports_errors
def run(
    policy_name: Annotated[str, typer.Option("--policy", help="v9, m20, n10, classb or none")] = "m20",
    switch: Switches = None,
    population: Population = 100_000,
    days: Days = 60,
    seed: Annotated[int, typer.Option(help="the same seed gives the same run")] = 1,
    start: Start = "2022-11-16",
    param: Params = None,
    as_json: AsJson = False,
    out: Out = None,
    local_campaign: When = "where_allowed",
    tests_per_day: TestsPerDay = 1,
    unguarded: Unguarded = False,
) -> None:
    """One run: the day-by-day series of one policy (and its switches) on one seed."""
    from fangkong.policy import load_policy
    from fangkong.sim.model import RunSpec, Simulation
    from fangkong.sim.parameters import SimParameters
    from fangkong.sim.policy_link import Schedule, check_version, parse_switch

    _check_outputs(out=out)
    local = _local(local_campaign, tests_per_day, unguarded)
    policy = load_policy()
    first = parse_date(start, "--start")
    check_version(policy, policy_name, "policy")
    switches = tuple(sorted(parse_switch(policy, s, first, days) for s in switch or ()))
    params = SimParameters().with_overrides(param or [])
    spec = RunSpec(population, days, seed, Schedule(policy_name, switches), first).check(policy)
    with Progress(
        TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), console=console, transient=True
    ) as progress:
        task = progress.add_task("building the city", total=days)
        sim = Simulation(spec, policy, params, local=local)
        progress.update(task, description=f"simulating {policy_name}")
        result = sim.run(lambda t: progress.update(task, completed=t))
    payload = result.as_json()
    _write(out, payload)
    if as_json:
        typer.echo(json.dumps(payload, ensure_ascii=False))
        return
    table = Table(title=f"{policy_name}, {population:,} people, {days} days, seed {seed}")
    for col in ("", "total", "peak a day"):
        table.add_column(col, justify="right" if col else "left")
    for name in ("new_infections", "found", "missed", "room_nights", "tubes", "high_risk_areas", "deaths"):
        table.add_row(name.replace("_", " "), f"{result.total(name):,.0f}", f"{result.peak(name):,.0f}")
    for name in ("campaign_rounds", "campaign_refused", "campaign_overreach"):
        table.add_row(name.replace("_", " "), f"{result.total(name):,.0f}", f"{result.peak(name):,.0f}")
    for name in ("ward_beds", "icu_beds"):
        table.add_row(name.replace("_", " "), "", f"{result.peak(name):,.0f}")
    console.print(table)
    if result.refusals:
        refused = ", ".join(f"{clause} on {days} days" for clause, days in result.refusals.items())
        console.print(f"rounds refused by the over-reach guard: {refused}")
    console.print("versions: " + " → ".join(dict.fromkeys(result.versions)))


@sim_app.command("compare")
@reports_errors
def compare_cmd(
    policies: Annotated[list[str], typer.Argument(help="two or more of v9, m20, n10, classb, none")],
    seeds: Annotated[int, typer.Option(help="replicates (seeds 0 .. K-1 from --first-seed)")] = 5,
    first_seed: Annotated[int, typer.Option(help="the first seed")] = 0,
    population: Population = 100_000,
    days: Days = 60,
    start: Start = "2022-11-16",
    param: Params = None,
    as_json: AsJson = False,
    out: Out = None,
    png: Annotated[Path | None, typer.Option(help="draw the charts into a PNG file")] = None,
    html: Annotated[Path | None, typer.Option(help="write the charts and the table as one HTML page (offline)")] = None,
    local_campaign: When = "where_allowed",
    tests_per_day: TestsPerDay = 1,
    unguarded: Unguarded = False,
) -> None:
    """Policies side by side on the same cities and random numbers: means with 95 % intervals over seeds, and each
    policy's difference from the first (paired by seed)."""
    from fangkong.policy import load_policy
    from fangkong.sim.compare import compare
    from fangkong.sim.parameters import SimParameters
    from fangkong.sim.policy_link import check_version

    _check_outputs(out=out, png=png, html=html)
    local = _local(local_campaign, tests_per_day, unguarded)
    policy = load_policy()
    first = parse_date(start, "--start")
    for name in policies:
        check_version(policy, name, "policies")
    params = SimParameters().with_overrides(param or [])
    with Progress(
        TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), console=console, transient=True
    ) as progress:
        task = progress.add_task("simulating", total=seeds * len(policies))
        result = compare(
            policy,
            policies,
            population=population,
            days=days,
            seeds=seeds,
            first_seed=first_seed,
            start=first,
            params=params,
            progress=lambda: progress.advance(task),
            local=local,
        )
    payload = result.as_json()
    _write(out, payload)
    if png is not None or html is not None:
        from fangkong.cli.sim_charts import write_html, write_png

        if png is not None:
            write_png(payload, png)
        if html is not None:
            write_html(payload, html)
    if as_json:
        typer.echo(json.dumps(payload, ensure_ascii=False))
        return
    table = Table(
        title=f"{population:,} people, {days} days from {first}, {seeds} seeds",
        caption=escape(
            "each policy: mean [where 95 % of the seeds lie]; a difference, paired by seed: mean (95 % confidence "
            "interval of the mean) [where 95 % of the seeds lie]"
        ),
    )
    table.add_column("")
    for name in policies:
        table.add_column(name, justify="right")
    for name in policies[1:]:
        table.add_column(f"{name} − {policies[0]}", justify="right")
    for key, label in SHOWN:
        cells = [_cell(result.summary[p][key]) for p in policies]
        cells += [_cell(result.differences[p][key], with_mean=True) for p in policies[1:]]
        table.add_row(label, *cells)
    console.print(table)
    for name, clauses in payload["refusals"].items():
        if clauses:
            refused = ", ".join(f"{clause} on {days:,.1f} days" for clause, days in clauses.items())
            console.print(f"{name}: rounds refused by the over-reach guard, a run's mean: {refused}")


def _cell(i: object, with_mean: bool = False) -> str:
    from fangkong.sim.compare import Interval

    assert isinstance(i, Interval)
    fine = abs(i.mean) < 10 and i.mean != int(i.mean)
    f = "{:,.1f}" if fine else "{:,.0f}"
    text = f.format(i.mean)
    if with_mean:
        text += f" ({f.format(i.mean_low)}, {f.format(i.mean_high)})"
    return text + f" [{f.format(i.low)}, {f.format(i.high)}]"
