"""Health-code status of a whole population: the SQL job, the numpy pass and the per-person rule agree for every
resident, on the city's day and the days around it, before and after a change of risk areas, and across the
changes of rules (11 Nov, 21 Nov, 7 Dec 2022, 8 Jan 2023). `run_job` on DuckDB runs the numpy pass (what
`fangkong bulk run health_codes` and bench/population_codes.py run): its rows are the SQL job's, column for
column."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fangkong.bulk import health_codes as hc
from fangkong.bulk.city import ZONE, City
from fangkong.bulk.engines import DuckDBEngine, canonical
from fangkong.bulk.jobs import JobRun, run_job
from fangkong.bulk.timebase import epoch_day, from_epoch_day
from fangkong.policy import load_policy
from fangkong.policy.health_codes import colour_tables
from fangkong.policy.terms import Category
from fangkong.rules.health_code import (
    AreaFact,
    HoldFact,
    InfectionFact,
    PersonFacts,
    PhaseFact,
    health_code,
    statuses_on_day,
)
from fangkong.rules.plans import Plan, management_plan
from tests.bulk.helpers import TRANSITION_DAYS, register_city

POLICY = load_policy()
PROVINCES = ["31", "44"]


def colours_on(on: date) -> pa.Table:
    return hc.colour_table(colour_tables(), PROVINCES, POLICY.at(on))


def city_facts(city: City, areas: str) -> tuple[dict[int, PersonFacts], dict[int, str]]:
    """Every resident's facts (phases of plans remade by the plan rule, infections, holds, the areas of the file
    `areas` covering their home) and province, from the city's tables."""
    phases: dict[int, list[PhaseFact]] = defaultdict(list)
    infections: dict[int, list[InfectionFact]] = defaultdict(list)
    holds: dict[int, list[HoldFact]] = defaultdict(list)
    homes: dict[int, list[AreaFact]] = defaultdict(list)
    for o in pq.read_table(city.path("orders.parquet")).to_pylist():
        start = from_epoch_day(o["start_day"])
        plan = management_plan(Category(o["category"]), start, POLICY.at(start))
        assert isinstance(plan, Plan)
        phases[o["person_id"]] += [
            PhaseFact(
                category=o["category"],
                kind=p.kind,
                start=p.start,
                end=p.end,
                order_start=start,
                released_on=from_epoch_day(o["released_day"]),
            )
            for p in plan.phases
        ]
    for c in pq.read_table(city.path("cases.parquet")).to_pylist():
        discharged = c["discharged_day"]
        infections[c["case_id"]].append(
            InfectionFact(
                kind="confirmed",
                sampled_on=from_epoch_day(c["sampled_day"]),
                confirmed_on=from_epoch_day(c["confirmed_day"]),
                discharged_on=None if discharged is None else from_epoch_day(discharged),
            )
        )
    for h in pq.read_table(city.path("held.parquet")).to_pylist():
        ended = h["ended_day"]
        holds[h["person_id"]].append(
            HoldFact(
                started_on=from_epoch_day(h["started_day"]), ended_on=None if ended is None else from_epoch_day(ended)
            )
        )
    marked = {(a["kind"], a["area_id"]): a["level"] for a in pq.read_table(city.path(f"{areas}.parquet")).to_pylist()}
    facts, provinces = {}, {}
    for r in pq.read_table(city.path("residents.parquet")).to_pylist():
        person = r["person_id"]
        for kind in hc.AREA_KINDS:
            level = marked.get((kind, r[f"{kind}_id"]))
            if level is not None:
                homes[person].append(AreaFact(level=level))
        facts[person] = PersonFacts(
            phases=tuple(phases[person]),
            infections=tuple(infections[person]),
            holds=tuple(holds[person]),
            areas=tuple(homes[person]),
        )
        provinces[person] = r["province"]
    return facts, provinces


def per_person(city: City, on: date, areas: str) -> dict[int, tuple[str, frozenset[str]]]:
    """Every resident's colour and statuses by the per-person rules (`statuses_on_day`, `health_code`), from the
    city's facts."""
    facts, provinces = city_facts(city, areas)
    tables, rules = colour_tables(), POLICY.at(on)
    out = {}
    for person, mine in facts.items():
        statuses = statuses_on_day(mine, on, rules)
        decision = health_code(statuses, tables.for_jurisdiction(provinces[person]), rules)
        out[person] = (decision.colour, frozenset(s.status for s in statuses))
    return out


def test_colour_table_is_the_rule() -> None:
    table = colours_on(date(2022, 11, 16)).to_pylist()
    assert len(table) == len(PROVINCES) * hc.COMBINATIONS
    colour = {(r["province"], r["bits"]): r["colour"] for r in table}
    assert colour[("31", 0)] == "green"
    assert colour[("31", hc.BIT["home_isolation"])] == "red"
    assert colour[("44", hc.BIT["home_isolation"])] == "yellow"  # Guangdong's overlay
    assert colour[("44", hc.BIT["home_isolation"] | hc.BIT["high_risk_area"])] == "red"  # the strictest wins
    assert colour[("31", hc.BIT["home_health_monitoring"])] == "yellow"


@pytest.mark.parametrize("areas", ["risk_areas_before", "risk_areas"])
def test_every_resident_agrees_three_ways(tiny_city: City, areas: str) -> None:
    on = tiny_city.today
    engine = DuckDBEngine()
    register_city(engine, tiny_city, areas)
    engine.arrow("colours", colours_on(on))
    sql = canonical(engine.query(hc.health_codes_sql(epoch_day(on))), ["person_id"])
    population = hc.Population.load(tiny_city.path("residents.parquet"))
    codes = hc.compute(
        population,
        engine.query(hc.person_statuses_sql(epoch_day(on))),
        pq.read_table(tiny_city.path(f"{areas}.parquet")),
        colours_on(on),
    )
    engine.close()
    names = np.asarray(codes.colours)
    assert sql.column("person_id").to_pylist() == population.person_id.tolist()
    assert sql.column("bits").to_pylist() == codes.bits.tolist()
    assert sql.column("colour").to_pylist() == names[codes.colour].tolist()
    oracle = per_person(tiny_city, on, areas)
    for person, bits, colour in zip(*(sql.column(c).to_pylist() for c in ("person_id", "bits", "colour")), strict=True):
        assert (colour, frozenset(hc.statuses_of(bits))) == oracle[person], person
    assert set(sql.column("colour").to_pylist()) == {"red", "yellow", "green"}


@settings(max_examples=6, deadline=None)
@given(shift=st.integers(-4, 3))
def test_other_days_agree(tiny_city: City, shift: int) -> None:
    on = tiny_city.today + timedelta(days=shift)
    engine = DuckDBEngine()
    register_city(engine, tiny_city)
    engine.arrow("colours", colours_on(on))
    sql = engine.query(hc.health_codes_sql(epoch_day(on)))
    engine.close()
    oracle = per_person(tiny_city, on, "risk_areas")
    got = {
        p: (c, frozenset(hc.statuses_of(b)))
        for p, b, c in zip(*(sql.column(k).to_pylist() for k in ("person_id", "bits", "colour")), strict=True)
    }
    assert got == oracle


def test_changes_after_new_areas(tiny_city: City) -> None:
    on = tiny_city.today
    engine = DuckDBEngine()
    register_city(engine, tiny_city)
    person_bits = engine.query(hc.person_statuses_sql(epoch_day(on)))
    engine.close()
    population = hc.Population.load(tiny_city.path("residents.parquet"))
    colours = colours_on(on)
    before = hc.compute(population, person_bits, pq.read_table(tiny_city.path("risk_areas_before.parquet")), colours)
    after = hc.compute(population, person_bits, pq.read_table(tiny_city.path("risk_areas.parquet")), colours)
    moved = hc.changes(before, after, population)
    assert moved.num_rows > 0
    expected = per_person(tiny_city, on, "risk_areas_before"), per_person(tiny_city, on, "risk_areas")
    assert {
        (p, a, b)
        for p, a, b in zip(
            *(moved.column(c).to_pylist() for c in ("person_id", "from_colour", "to_colour")), strict=True
        )
    } == {(p, expected[0][p][0], expected[1][p][0]) for p in expected[0] if expected[0][p][0] != expected[1][p][0]}
    assert sum(after.counts().values()) == len(population.person_id)


def both_ways(folder: Path, on: date, before: Path | None = None) -> tuple[JobRun, JobRun]:
    """The job as `fangkong bulk run health_codes` runs it on DuckDB (the numpy pass), and as its SQL."""
    runs = []
    for sql in (False, True):
        engine = DuckDBEngine()
        runs.append(run_job("health_codes", folder, engine, POLICY, on, ZONE, before=before, sql=sql))
        engine.close()
    return runs[0], runs[1]


@pytest.mark.parametrize(("today", "on"), TRANSITION_DAYS)
def test_the_commands_pass_is_the_sql_and_the_rule(city_on: Callable[[date], City], today: date, on: date) -> None:
    city = city_on(today)
    fast, sql = both_ways(city.root, on)
    assert (fast.engine, sql.engine) == ("duckdb + numpy", "duckdb")
    assert fast.rows.schema == sql.rows.schema  # the same columns, of the same types
    assert fast.rows.column("person_id").to_pylist() == sorted(fast.rows.column("person_id").to_pylist())
    assert canonical(fast.rows, ["person_id"]).equals(canonical(sql.rows, ["person_id"]))
    assert (fast.policy, fast.cite) == (sql.policy, sql.cite) == (POLICY.at(on).version, hc.cites(POLICY.at(on)))
    oracle = per_person(city, on, "risk_areas")
    got = {
        p: (c, frozenset(hc.statuses_of(b)))
        for p, b, c in zip(*(fast.rows.column(k).to_pylist() for k in ("person_id", "bits", "colour")), strict=True)
    }
    assert got == oracle
    assert {"red", "green"} <= {c for c, _ in got.values()}


def test_the_changes_the_command_lists(tiny_city: City) -> None:
    on = tiny_city.today
    fast, sql = both_ways(tiny_city.root, on, before=tiny_city.path("risk_areas_before.parquet"))
    assert fast.changes is not None and sql.changes is not None
    assert fast.changes.num_rows > 0 and fast.changes.equals(sql.changes)
    before, after = per_person(tiny_city, on, "risk_areas_before"), per_person(tiny_city, on, "risk_areas")
    listed = zip(*(fast.changes.column(c).to_pylist() for c in ("person_id", "from_colour", "to_colour")), strict=True)
    assert set(listed) == {(p, before[p][0], after[p][0]) for p in after if before[p][0] != after[p][0]}


def test_a_stores_layout_gives_the_sqls_rows(tiny_city: City, tmp_path: Path) -> None:
    """Residents as an export may hold them: ids not 0..n-1 and not in order, a province or a unit not recorded,
    statuses of people who are not residents. The pass keeps to the SQL's joins: no row without a province, no
    status for a non-resident, no area for an unrecorded unit."""
    folder = tmp_path / "store"
    folder.mkdir()
    residents = pq.read_table(tiny_city.path("residents.parquet"))
    n = residents.num_rows
    rng = np.random.default_rng(7)
    number = rng.permutation(n).astype(np.int64) * 3 + 11  # person p is numbered number[p]
    keep = np.sort(rng.choice(n, n - 50, replace=False))  # 50 residents gone; their orders, cases, holds stay

    def renumbered(column: pa.ChunkedArray) -> pa.Array:
        return pa.array(number[column.to_numpy()].astype(np.int32))

    province = residents.column("province").cast(pa.string()).to_pylist()
    unit = residents.column("unit_id").to_pylist()
    for p in rng.choice(n, 40, replace=False):
        province[p] = None if p % 2 else province[p]
        unit[p] = None if not p % 2 else unit[p]
    order = rng.permutation(keep)
    pq.write_table(
        pa.table(
            {
                "person_id": renumbered(residents.column("person_id")).take(order),
                "unit_id": pa.array(unit, pa.int32()).take(order),
                "building_id": residents.column("building_id").take(order),
                "community_id": residents.column("community_id").take(order),
                "province": pa.array(province, pa.string()).take(order),
            }
        ),
        folder / "residents.parquet",
    )
    for name, column in (("orders", "person_id"), ("cases", "case_id"), ("held", "person_id")):
        table = pq.read_table(tiny_city.path(f"{name}.parquet"))
        at = table.schema.get_field_index(column)
        pq.write_table(table.set_column(at, column, renumbered(table.column(column))), folder / f"{name}.parquet")
    for name in ("phases", "risk_areas", "risk_areas_before"):
        pq.write_table(pq.read_table(tiny_city.path(f"{name}.parquet")), folder / f"{name}.parquet")
    fast, sql = both_ways(folder, tiny_city.today, before=folder / "risk_areas_before.parquet")
    assert fast.rows.schema == sql.rows.schema
    assert 0 < fast.rows.num_rows < n - 50
    assert canonical(fast.rows, ["person_id"]).equals(canonical(sql.rows, ["person_id"]))
    assert fast.changes is not None and sql.changes is not None and fast.changes.num_rows > 0
    assert canonical(fast.changes, ["person_id"]).equals(canonical(sql.changes, ["person_id"]))
    assert pc.sum(pc.not_equal(fast.rows.column("bits"), 0)).as_py() > 0
