"""Running a bulk job over a folder of tables (a generated city, or a jurisdiction's export in the same layout):
register the tables the job reads, bind the policy in force on the day, run, and say which clauses it used."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta, tzinfo
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from fangkong.errors import InvalidInput
from fangkong.policy import Policy, PolicyAt
from fangkong.policy.health_codes import colour_tables
from fangkong.policy.terms import Category
from fangkong.rules.bed_projection import projection_parameters

from . import (
    bed_projection,
    contacts,
    days_of_supply,
    early_warning,
    health_codes,
    lab_outcomes,
    vaccination_coverage,
    work_lists,
)
from .engines import Engine
from .scan_index import ScanIndex
from .timebase import epoch_day, fixed_offset

JOBS = (
    "contacts",
    "health_codes",
    "work_lists",
    "lab_outcomes",
    "bed_projection",
    "days_of_supply",
    "vaccination_coverage",
    "early_warning",
)
TABLES = {
    "contacts": ("cases", "scans"),
    "health_codes": ("residents", "orders", "phases", "cases", "held"),
    "work_lists": ("orders", "phases", "tests", "samplings"),
    "lab_outcomes": ("lab_tubes", "lab_members", "lab_results"),
    "bed_projection": bed_projection.TABLES,
    "days_of_supply": days_of_supply.TABLES,
    "vaccination_coverage": vaccination_coverage.TABLES,
    "early_warning": early_warning.TABLES,
}
# The parameters whose sources a day of lab results with no rows cites: the Ct cut-offs and a positive pool's hold.
LAB_PARAMETERS = (
    "ct.general.positive_below",
    "ct.entry_personnel.positive_below",
    "ct.entry_personnel.grey_band_upper",
    "pool.positive_members_held",
)


def _sources(rules: PolicyAt, paths: Iterable[str]) -> tuple[str, ...]:
    """The clauses of the parameters in force with a value, first mention first."""
    found = (rules.find(path) for path in paths)
    return tuple(dict.fromkeys(f.source.clause for f in found if f is not None and f.value is not None))


def work_list_cites(rules: PolicyAt) -> tuple[str, ...]:
    """The clauses of the plans whose phases and tests the work lists follow: each category's phases in force."""
    return _sources(rules, (f"management.{c.value}.phases" for c in Category))


def lab_cites(rules: PolicyAt) -> tuple[str, ...]:
    """The clauses of the lab rules in force (Ct cut-offs, the entrants' band, a positive pool's hold)."""
    return _sources(rules, LAB_PARAMETERS)


@dataclass(frozen=True)
class JobRun:
    job: str
    on: date
    policy: str
    engine: str  # what answered: the engine's SQL, or the vectorized pass run beside DuckDB
    rows: pa.Table
    cite: tuple[str, ...]
    changes: pa.Table | None = None  # health codes with `before`: (person_id, from_colour, to_colour)
    outreach: pa.Table | None = None  # vaccination coverage: the elderly to ask, the oldest first
    alerts: pa.Table | None = None  # early warning: each community's alert on the day


# What answers a job on DuckDB when the SQL is not asked for: the passes the benchmarks time (bench/*.py).
FAST = {
    "health_codes": "duckdb + numpy",
    "work_lists": "schedule in memory",
    "days_of_supply": "numpy",
    "vaccination_coverage": "numpy",
    "early_warning": "numpy",
}


def _table(folder: Path, name: str) -> Path:
    path = folder / name if name == "scans" else folder / f"{name}.parquet"
    if not path.exists():
        raise InvalidInput("data", f"{folder} has no {path.name} (the job needs it)")
    return path


def run_job(
    job: str,
    folder: Path,
    engine: Engine,
    policy: Policy,
    on: date,
    zone: tzinfo,
    *,
    overdue_days: int = 7,
    areas: Path | None = None,
    index: ScanIndex | None = None,
    before: Path | None = None,
    sql: bool = False,
) -> JobRun:
    """Run `job` over the tables in `folder` for the day `on`; contacts use `index` when one is given.

    On DuckDB, health codes and work lists run their vectorized passes (`health_codes.code_pass`,
    `work_lists.Schedule`), which give the rows of their SQL; `sql` runs the SQL instead (as Spark always does).
    Health codes with `before` (the risk areas before a change) also list the residents whose colour moved."""
    if job not in JOBS:
        raise InvalidInput("job", f"unknown job {job!r}; known: {', '.join(JOBS)}")
    if not 0 <= overdue_days <= 60:
        raise InvalidInput("overdue_days", "between 0 and 60")
    rules = policy.at(on)
    for name in TABLES[job]:
        if not (job == "contacts" and name == "scans" and index is not None):
            engine.parquet(name, _table(folder, name))
    day = epoch_day(on)
    if job == "contacts":
        found = contacts.contact_rules(rules, fixed_offset(zone, on - timedelta(days=30), on))
        if index is not None:
            rows = index.contacts(pq.read_table(_table(folder, "cases")), found)
            return JobRun(job, on, rules.version, "scan index", rows, found.cite)
        return JobRun(job, on, rules.version, engine.name, engine.query(contacts.contacts_sql(found)), found.cite)
    fast = engine.name == "duckdb" and not sql and job in FAST
    if job == "health_codes":
        area_file = areas or folder / "risk_areas.parquet"
        if not area_file.exists():
            raise InvalidInput("areas", f"no risk areas file {area_file}")
        if before is not None and not before.exists():
            raise InvalidInput("before", f"no risk areas file {before}")
        if fast:
            return _codes_pass(engine, folder, rules, on, pq.read_table(area_file), before)
        provinces = sorted(
            str(p) for p in engine.query("SELECT DISTINCT province FROM residents").column(0).to_pylist()
        )
        engine.arrow("colours", health_codes.colour_table(colour_tables(), provinces, rules))
        earlier = None
        if before is not None:
            engine.parquet("risk_areas", before)
            earlier = engine.query(health_codes.health_codes_sql(day, rules))
        engine.parquet("risk_areas", area_file)
        rows = engine.query(health_codes.health_codes_sql(day, rules))
        changed = _moved(earlier, rows) if earlier is not None else None
        return JobRun(job, on, rules.version, engine.name, rows, health_codes.cites(rules), changed)
    if job == "bed_projection":
        # measure 11: beds ahead of the wave, per facility and kind (the rule's method as SQL)
        params = projection_parameters(rules)
        bed_projection.register_parameters(engine, params)
        rows = engine.query(bed_projection.bed_projection_sql(on, params))
        return JobRun(job, on, rules.version, engine.name, rows, bed_projection.cites(rules))
    if job == "days_of_supply":
        # measure 13: one pass over the stock lines and the window figure the store keeps on each
        stock = days_of_supply.read_stock(folder)
        if fast:
            rows = days_of_supply.days_of_supply_pass(stock, rules, on)
        else:
            rows = days_of_supply.days_of_supply_job(engine, stock, None, rules, on)
        return JobRun(job, on, rules.version, FAST[job] if fast else engine.name, rows, days_of_supply.cites(rules))
    if job == "vaccination_coverage":
        # measure 12: coverage by community × age band and the elderly to ask, in one numpy pass on any engine
        covered = vaccination_coverage.run_coverage(folder, rules, on)
        cited = vaccination_coverage.cites(rules)
        return JobRun(job, on, rules.version, FAST[job], covered.coverage, cited, outreach=covered.outreach)
    if job == "early_warning":
        # measure 15: every series judged, the alarms of the window, each community's alert
        warned = early_warning.run_early_warning(folder, rules, on)
        cited = early_warning.cites(rules)
        return JobRun(job, on, rules.version, FAST[job], warned.alarms, cited, alerts=warned.alerts)
    if job == "lab_outcomes":
        engine.arrow("lab_classes", lab_outcomes.lab_classes(engine.query(lab_outcomes.CLASSES_SQL), policy))
        rows = engine.query(lab_outcomes.lab_outcomes_sql())
        cites = sorted({c for text in set(rows.column("cite").to_pylist()) for c in json.loads(text)})
        return JobRun(job, on, rules.version, engine.name, rows, tuple(cites) or lab_cites(rules))
    if fast:
        rows = work_lists.Schedule.load(folder).work(day, overdue_days)
    else:
        rows = engine.query(work_lists.work_lists_sql(day, overdue_days))
    return JobRun(job, on, rules.version, FAST[job] if fast else engine.name, rows, work_list_cites(rules))


def _codes_pass(
    engine: Engine, folder: Path, rules: PolicyAt, on: date, areas: pa.Table, before: Path | None
) -> JobRun:
    """Health codes on DuckDB: the residents' columns loaded once, the personal statuses by DuckDB's SQL over the
    registered tables, areas and colours by numpy (`health_codes.code_pass`); the rows of `health_codes_sql`."""
    population = health_codes.Population.load(_table(folder, "residents"))
    codes = health_codes.code_pass(population, engine, epoch_day(on), rules, areas)
    changed = None
    if before is not None:
        earlier = health_codes.code_pass(population, engine, epoch_day(on), rules, pq.read_table(before))
        changed = health_codes.changes(earlier, codes, population)
    rows = health_codes.job_rows(population, codes)
    return JobRun("health_codes", on, rules.version, FAST["health_codes"], rows, health_codes.cites(rules), changed)


def _moved(before: pa.Table, after: pa.Table) -> pa.Table:
    """The residents whose colour differs between two runs of the SQL job, as `health_codes.changes` lists them."""
    joined = after.select(["person_id", "colour"]).join(
        before.select(["person_id", "colour"]).rename_columns(["person_id", "from_colour"]), "person_id"
    )
    moved = joined.filter(pc.not_equal(joined.column("from_colour"), joined.column("colour")))
    return pa.table(
        {
            "person_id": moved.column("person_id").cast(pa.int64()),
            "from_colour": moved.column("from_colour"),
            "to_colour": moved.column("colour"),
        }
    ).sort_by("person_id")
