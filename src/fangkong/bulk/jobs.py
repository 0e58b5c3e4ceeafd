"""Running a bulk job over a folder of tables (a generated city, or a jurisdiction's export in the same layout):
register the tables the job reads, bind the policy in force on the day, run, and say which clauses it used."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta, tzinfo
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from fangkong.errors import InvalidInput
from fangkong.policy import Policy, PolicyAt
from fangkong.policy.health_codes import colour_tables
from fangkong.policy.terms import Category

from . import contacts, health_codes, lab_outcomes, work_lists
from .engines import Engine
from .scan_index import ScanIndex
from .timebase import epoch_day, fixed_offset

JOBS = ("contacts", "health_codes", "work_lists", "lab_outcomes")
TABLES = {
    "contacts": ("cases", "scans"),
    "health_codes": ("residents", "orders", "phases", "cases", "held"),
    "work_lists": ("orders", "phases", "tests", "samplings"),
    "lab_outcomes": ("lab_tubes", "lab_members", "lab_results"),
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
    engine: str
    rows: pa.Table
    cite: tuple[str, ...]


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
) -> JobRun:
    """Run `job` over the tables in `folder` for the day `on`; contacts use `index` when one is given."""
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
    if job == "health_codes":
        area_file = areas or folder / "risk_areas.parquet"
        if not area_file.exists():
            raise InvalidInput("areas", f"no risk areas file {area_file}")
        engine.parquet("risk_areas", area_file)
        provinces = sorted(
            str(p) for p in engine.query("SELECT DISTINCT province FROM residents").column(0).to_pylist()
        )
        engine.arrow("colours", health_codes.colour_table(colour_tables(), provinces, rules))
        rows = engine.query(health_codes.health_codes_sql(day, rules))
        return JobRun(job, on, rules.version, engine.name, rows, health_codes.cites(rules))
    if job == "lab_outcomes":
        engine.arrow("lab_classes", lab_outcomes.lab_classes(engine.query(lab_outcomes.CLASSES_SQL), policy))
        rows = engine.query(lab_outcomes.lab_outcomes_sql())
        cites = sorted({c for text in set(rows.column("cite").to_pylist()) for c in json.loads(text)})
        return JobRun(job, on, rules.version, engine.name, rows, tuple(cites) or lab_cites(rules))
    return JobRun(
        job,
        on,
        rules.version,
        engine.name,
        engine.query(work_lists.work_lists_sql(day, overdue_days)),
        work_list_cites(rules),
    )
