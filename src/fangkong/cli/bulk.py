"""`fangkong bulk`: whole-population jobs over Parquet tables, on DuckDB (one machine) or Spark (a province).

fangkong bulk city DIR --size small                 a synthetic city (seeded) to try the jobs on
fangkong bulk index INDEX SCANS.parquet ...          organise arrived days of venue scans for tracing
fangkong bulk run contacts --data DIR [--index INDEX] [--engine duckdb|spark] [--out FILE.parquet]
fangkong bulk run health_codes --data DIR [--areas AREAS.parquet] [--before AREAS.parquet [--changes FILE]]
fangkong bulk run work_lists --data DIR [--on DATE] [--overdue-days 7]
fangkong bulk beds DIR [--facilities 3000]           a synthetic province's infections, census and staffed beds
fangkong bulk run bed_projection --data DIR [--on DATE]   beds and ICU beds needed per facility, run-out days
fangkong bulk supplies DIR [--sites 50000 --items 200]   a synthetic province's stock lines (measure 13)
fangkong bulk run days_of_supply --data DIR [--on DATE]   days of supply and reorder alerts per site and item
fangkong bulk vaccination DIR [--residents 20000000]   a synthetic province's residents and doses (measure 12)
fangkong bulk run vaccination_coverage --data DIR [--on DATE]   coverage by community × age band, outreach list
    (the folder's optional asked and key_people tables: outcomes of asking, registry kinds)
fangkong bulk signals DIR [--communities 20000 --days 730]   a synthetic province's early-warning signals (measure 15)
fangkong bulk run early_warning --data DIR [--on DATE]   every series judged, alarms, each community's alert

On DuckDB (the default) health codes and work lists run their vectorized passes (the figures in bench/RESULTS.md),
Spark the same jobs' SQL; both give the same rows.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pyarrow.compute as pc
import pyarrow.parquet as pq
import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from fangkong.cli.common import console, parse_date, reports_errors

bulk_app = typer.Typer(
    help="Whole-population jobs over Parquet (DuckDB, or Spark for a province).", no_args_is_help=True
)


@bulk_app.command("city")
@reports_errors
def city(
    folder: Annotated[Path, typer.Argument(help="where the city's Parquet files go (replaced if there)")],
    size: Annotated[str, typer.Option(help="tiny, small, medium or full (20 M residents, 100 M scans)")] = "small",
    seed: Annotated[int, typer.Option(help="the same seed gives the same city")] = 20221111,
    today: Annotated[str, typer.Option(help="the city's last day of scans")] = "2022-11-16",
) -> None:
    """Generate a synthetic city: residents, buildings, venues and 14 days of scans, infections, people under
    management (plans by the plan rule), holds and risk areas."""
    from fangkong.bulk.city import generate, size_named

    chosen = size_named(size)
    day = parse_date(today, "--today")
    with console.status(f"generating a {chosen.name} city ({chosen.residents:,} residents, {chosen.scans:,} scans)"):
        made = generate(folder, chosen, seed=seed, today=day)
    console.print(
        f"{made.residents:,} residents in {made.households:,} households, {made.buildings:,} buildings, "
        f"{made.communities:,} communities; {made.venues:,} venues; {chosen.scans:,} scans "
        f"{made.first_day}..{made.today}: {folder}"
    )


@bulk_app.command("index")
@reports_errors
def index(
    folder: Annotated[Path, typer.Argument(help="the scan index (created if new)")],
    scans: Annotated[list[Path], typer.Argument(exists=True, dir_okay=False, help="days of scans (Parquet)")],
) -> None:
    """Organise arrived days of venue scans (person_id, venue_id, at_s) for tracing; a day again replaces it."""
    from fangkong.bulk.scan_index import ScanIndex

    target = ScanIndex(folder)
    with Progress(
        TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), console=console, transient=True
    ) as progress:
        task = progress.add_task("organising scans", total=len(scans))
        rows = 0
        for f in scans:
            progress.update(task, description=f"organising {f.name}")
            rows += target.add_day(f)
            progress.advance(task)
    console.print(f"{rows:,} scans organised; the index holds {target.scans:,} in {len(target.partitions)} days")


@bulk_app.command("run")
@reports_errors
def run(
    job: Annotated[
        str,
        typer.Argument(
            help="contacts, health_codes, work_lists, lab_outcomes, bed_projection, days_of_supply, "
            "vaccination_coverage or early_warning"
        ),
    ],
    data: Annotated[Path, typer.Option(help="the folder of tables (a city, or an export in its layout)")],
    on: Annotated[str | None, typer.Option(help="the day (default: the city's today)")] = None,
    engine: Annotated[str, typer.Option(help="duckdb, or spark (SPARK_MASTER for a cluster)")] = "duckdb",
    out: Annotated[Path | None, typer.Option(help="write the rows to this Parquet file")] = None,
    index: Annotated[Path | None, typer.Option(help="contacts: the scan index (`fangkong bulk index`)")] = None,
    areas: Annotated[Path | None, typer.Option(help="health_codes: the risk areas (kind, area_id, level)")] = None,
    overdue_days: Annotated[int, typer.Option(help="work_lists: look-back for tests not taken")] = 7,
    before: Annotated[
        Path | None, typer.Option(help="health_codes: the risk areas before a change; list whose colour moved")
    ] = None,
    changes: Annotated[
        Path | None, typer.Option(help="health_codes with --before: write (person_id, from, to) to this Parquet file")
    ] = None,
) -> None:
    """Run one job for one day under the rules in force that day; print a summary, optionally write the rows."""
    import json
    from datetime import date

    from fangkong.bulk.city import ZONE
    from fangkong.bulk.engines import open_engine
    from fangkong.bulk.jobs import run_job
    from fangkong.bulk.scan_index import ScanIndex
    from fangkong.errors import InvalidInput
    from fangkong.policy import load_policy

    if not data.is_dir():
        raise InvalidInput("data", f"{data} is not a folder")
    if on is not None:
        day = parse_date(on, "--on")
    elif (data / "city.json").exists() or (data / "export.json").exists():
        meta = data / "city.json" if (data / "city.json").exists() else data / "export.json"
        day = date.fromisoformat(json.loads(meta.read_text(encoding="utf-8"))["today"])
    else:
        raise InvalidInput("on", "give the day (the folder is not a generated city)")
    if index is not None and not index.is_dir():
        raise InvalidInput("index", f"{index} is not a scan index folder")
    if changes is not None and (before is None or job != "health_codes"):
        raise InvalidInput("changes", "only with health_codes and --before")
    runner = open_engine(engine)
    try:
        result = run_job(
            job,
            data,
            runner,
            load_policy(),
            day,
            ZONE,
            overdue_days=overdue_days,
            areas=areas,
            index=ScanIndex(index) if index is not None else None,
            before=before,
        )
    finally:
        runner.close()
    console.print(f"{job} on {day} under {result.policy} ({result.engine}): {result.rows.num_rows:,} rows")
    table = Table()
    column = {
        "contacts": None,
        "health_codes": "colour",
        "work_lists": "section",
        "lab_outcomes": "consequence",
        "bed_projection": "kind",
        "days_of_supply": "alert",
        "vaccination_coverage": None,
        "early_warning": "channel",
    }[job]
    if job == "bed_projection":
        from fangkong.bulk.bed_projection import run_outs
        from fangkong.bulk.timebase import from_epoch_day

        # measure 11: how many facilities run out of each kind of bed within the horizon, and the earliest day
        ends = run_outs(result.rows)
        table.add_column("kind")
        table.add_column("facilities running out", justify="right")
        table.add_column("first run-out", justify="right")
        for kind in ("inpatient", "icu"):
            days = ends.filter(pc.equal(ends.column("kind"), kind)).column("run_out_day").to_pylist()
            first = from_epoch_day(min(days)).isoformat() if days else "-"
            table.add_row(kind, f"{len(days):,}", first)
    elif job == "vaccination_coverage":
        # measure 12: the province's coverage per age band (the communities' rows are in --out)
        rows = result.rows.group_by(["band_from", "band_to"]).aggregate(
            [(c, "sum") for c in ("persons", "any_dose", "full_course", "boosted")]
        )
        table.add_column("age band")
        for c in ("persons", "any dose", "full course", "boosted"):
            table.add_column(c, justify="right")
        for r in sorted(rows.to_pylist(), key=lambda r: int(r["band_from"])):
            n = max(int(r["persons_sum"]), 1)
            table.add_row(
                f"{r['band_from']}–{r['band_to']}" if r["band_to"] is not None else f"{r['band_from']}+",
                f"{int(r['persons_sum']):,}",
                *(f"{int(r[c + '_sum']) / n:.1%}" for c in ("any_dose", "full_course", "boosted")),
            )
    elif column is not None:
        table.add_column(column)
        table.add_column("rows", justify="right")
        # counted by Arrow: a city's 20 M codes would take seconds as Python objects
        counted = pc.value_counts(result.rows.column(column)).to_pylist()
        for value, n in sorted((str(c["values"]), int(c["counts"])) for c in counted):
            table.add_row(value, f"{n:,}")
    else:
        table.add_column("infections with contacts", justify="right")
        table.add_column("contacts", justify="right")
        table.add_row(f"{len(set(result.rows.column('case_id').to_pylist())):,}", f"{result.rows.num_rows:,}")
    console.print(table)
    console.print(f"clauses: {', '.join(result.cite)}")
    if result.changes is not None and before is not None:
        moved = result.changes
        console.print(f"{moved.num_rows:,} residents changed colour since the areas in {before.name}")
        pairs = pc.value_counts(pc.binary_join_element_wise(moved["from_colour"], moved["to_colour"], " → "))
        for pair in sorted(pairs.to_pylist(), key=lambda p: str(p["values"])):
            console.print(f"  {pair['values']}: {int(pair['counts']):,}")
        if changes is not None:
            pq.write_table(moved, changes)
            console.print(f"changes written to {changes}")
    if result.alerts is not None:
        kinds = pc.value_counts(result.alerts.column("kind")).to_pylist() if result.alerts.num_rows else []
        said = ", ".join(f"{int(k['counts']):,} {str(k['values']).replace('_', ' ')}" for k in kinds) or "none"
        console.print(f"alerts: {result.alerts.num_rows:,} communities ({said}); the alarms above are per channel")
    if result.outreach is not None:
        console.print(
            f"outreach: {result.outreach.num_rows:,} elderly people to ask, older age bands first, key people "
            "moved up within a band (outcomes recorded in asked.arrow/parquet leave people off)"
        )
    if out is not None:
        pq.write_table(result.rows, out)
        console.print(f"rows written to {out}")
        if result.outreach is not None:
            pq.write_table(result.outreach, out.with_suffix(".outreach.parquet"))
            console.print(f"outreach list written to {out.with_suffix('.outreach.parquet')}")
        if result.alerts is not None:
            pq.write_table(result.alerts, out.with_suffix(".alerts.parquet"))
            console.print(f"alerts written to {out.with_suffix('.alerts.parquet')}")


@bulk_app.command("beds")
@reports_errors
def beds(
    folder: Annotated[Path, typer.Argument(help="where the province's Parquet files go (replaced if there)")],
    facilities: Annotated[int, typer.Option(help="facilities (hospitals with beds)")] = 3000,
    daily: Annotated[int, typer.Option(help="new infections a day in all, about")] = 100_000,
    days: Annotated[int, typer.Option(help="days of infections up to --today")] = 28,
    seed: Annotated[int, typer.Option(help="the same seed gives the same province")] = 20221111,
    today: Annotated[str, typer.Option(help="the province's last day of infections")] = "2022-12-20",
) -> None:
    """Generate a synthetic province for the bed projection (measure 11): daily infections per facility catchment,
    age band and vaccination; beds in use; staffed beds (`bulk run bed_projection` reads them)."""
    from fangkong.bulk.bed_projection import generate_province
    from fangkong.errors import InvalidInput

    if not 1 <= facilities <= 100_000:
        raise InvalidInput("facilities", "between 1 and 100000")
    if not 1 <= days <= 366:
        raise InvalidInput("days", "between 1 and 366")
    if not 0 <= daily <= 10**8:
        raise InvalidInput("daily", "between 0 and 100000000")
    made = generate_province(folder, facilities, daily, days, parse_date(today, "--today"), seed=seed)
    console.print(
        f"{made.facilities:,} facilities, {made.infections:,} rows of daily infections "
        f"over {made.days} days to {made.today}: {folder}"
    )


@bulk_app.command("supplies")
@reports_errors
def supplies(
    folder: Annotated[Path, typer.Argument(help="where the province's Parquet files go (replaced if there)")],
    sites: Annotated[
        int, typer.Option(help="supply sites (hospitals, pharmacies, health centres, isolation sites)")
    ] = 50_000,
    items: Annotated[int, typer.Option(help="items stocked at every site")] = 200,
    seed: Annotated[int, typer.Option(help="the same seed gives the same province")] = 20221111,
    today: Annotated[str, typer.Option(help="the day the stock and the kept window figures are for")] = "2022-12-20",
) -> None:
    """Generate a synthetic province's stock lines for days of supply (measure 13): stock per site and item with the
    window's dispensations the store keeps on each line (`bulk run days_of_supply` reads them)."""
    from fangkong.bulk.days_of_supply import generate_supplies
    from fangkong.errors import InvalidInput

    if not 1 <= sites <= 1_000_000:
        raise InvalidInput("sites", "between 1 and 1000000")
    if not 1 <= items <= 10_000:
        raise InvalidInput("items", "between 1 and 10000")
    lines = generate_supplies(folder, sites, items, parse_date(today, "--today"), seed=seed)
    console.print(f"{lines:,} stock lines ({sites:,} sites × {items:,} items) for {today}: {folder}")


@bulk_app.command("vaccination")
@reports_errors
def vaccination(
    folder: Annotated[Path, typer.Argument(help="where the province's Arrow files go (replaced if there)")],
    residents: Annotated[int, typer.Option(help="residents (20000000 gives about 45 M doses)")] = 20_000_000,
    seed: Annotated[int, typer.Option(help="the same seed gives the same province")] = 20221111,
    today: Annotated[str, typer.Option(help="the province's day (export.json)")] = "2022-12-10",
) -> None:
    """Generate a synthetic province's residents and COVID-19 vaccine doses (measure 12): most adults two inactivated
    doses and a booster, the elderly less (`bulk run vaccination_coverage` reads them)."""
    from fangkong.bulk.vaccination_coverage import generate_vaccination
    from fangkong.errors import InvalidInput

    if not 1 <= residents <= 100_000_000:
        raise InvalidInput("residents", "between 1 and 100000000")
    people, doses = generate_vaccination(folder, residents, parse_date(today, "--today"), seed=seed)
    console.print(f"{people:,} residents, {doses:,} doses for {today}: {folder}")


@bulk_app.command("export")
@reports_errors
def export(
    folder: Annotated[Path, typer.Argument(help="where the tables go (the layout `bulk run --data` reads)")],
    username: Annotated[str, typer.Option("--as", help="the staff account the export is recorded under")],
    on: Annotated[str | None, typer.Option(help="the day (default today in Asia/Shanghai)")] = None,
    jurisdiction: Annotated[str | None, typer.Option(help="only this subtree")] = None,
    db: Annotated[str | None, typer.Option(help="SQLAlchemy URL (default: $FANGKONG_DB or SQLite)")] = None,
) -> None:
    """Export the store's people, orders, samples, infections, holds, scans and risk areas as bulk tables
    (identifiers and facts only: no names, documents, phones or addresses)."""
    from fangkong.cli.areas import _actor, _day
    from fangkong.services.bulk_export import export_tables
    from fangkong.services.settings import database_url
    from fangkong.services.store import make_engine, session_factory, unit_of_work, upgrade

    url = database_url(db)
    upgrade(url)
    day = _day(on)
    with unit_of_work(session_factory(make_engine(url))) as session:
        counts = export_tables(session, _actor(session, username), folder, on=day, jurisdiction_code=jurisdiction)
    console.print(f"{day}: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()) + f" → {folder}", highlight=False)


@bulk_app.command("signals")
@reports_errors
def signals(
    folder: Annotated[Path, typer.Argument(help="where the province's Arrow file goes (replaced if there)")],
    communities: Annotated[int, typer.Option(help="communities (6 channels each)")] = 20_000,
    days: Annotated[int, typer.Option(help="days of counts up to --today")] = 730,
    seed: Annotated[int, typer.Option(help="the same seed gives the same province")] = 20221111,
    today: Annotated[str, typer.Option(help="the province's last day of counts")] = "2022-11-16",
) -> None:
    """Generate a synthetic province's early-warning signals (measure 15): daily counts of 6 channels per community
    with a weekly pattern and outbreaks in about 1 % of communities (`bulk run early_warning` reads them)."""
    from fangkong.bulk.early_warning import generate_signals
    from fangkong.errors import InvalidInput

    if not 1 <= communities <= 1_000_000:
        raise InvalidInput("communities", "between 1 and 1000000")
    if not 30 <= days <= 3_660:
        raise InvalidInput("days", "between 30 and 3660")
    series = generate_signals(folder, communities, days, parse_date(today, "--today"), seed=seed)
    console.print(f"{series:,} series of {days:,} days ({communities:,} communities × 6 channels) to {today}: {folder}")
