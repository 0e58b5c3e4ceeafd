"""Health-code status of a whole population: the SQL job, the numpy pass and the per-person rule agree for every
resident, on the city's day and the days around it, before and after a change of risk areas."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fangkong.bulk import health_codes as hc
from fangkong.bulk.city import City
from fangkong.bulk.engines import DuckDBEngine, canonical
from fangkong.bulk.timebase import epoch_day, from_epoch_day
from fangkong.policy import load_policy
from fangkong.policy.health_codes import colour_tables
from fangkong.policy.terms import Category
from fangkong.rules.health_code import Status, health_code
from fangkong.rules.plans import Plan, management_plan
from tests.bulk.helpers import register_city

POLICY = load_policy()
PROVINCES = ["31", "44"]


def colours_on(on: date) -> pa.Table:
    return hc.colour_table(colour_tables(), PROVINCES, POLICY.at(on))


def per_person(city: City, on: date, areas: str) -> dict[int, tuple[str, frozenset[str]]]:
    """Every resident's colour and statuses by the per-person rule, from the city's facts."""
    day = epoch_day(on)
    statuses: dict[int, list[Status]] = {}

    def add(person: int, status: str) -> None:
        statuses.setdefault(person, []).append(Status(status=status, clause="-", text=status))

    for o in pq.read_table(city.path("orders.parquet")).to_pylist():
        start = from_epoch_day(o["start_day"])
        plan = management_plan(Category(o["category"]), start, POLICY.at(start))
        assert isinstance(plan, Plan)
        if o["start_day"] <= day < o["released_day"]:
            phase = plan.phase_on(on)
            if phase is not None:
                add(o["person_id"], phase.kind.value)
    for c in pq.read_table(city.path("cases.parquet")).to_pylist():
        if c["sampled_day"] <= day:
            add(c["case_id"], "infection")
    for h in pq.read_table(city.path("held.parquet")).to_pylist():
        if h["started_day"] <= day and (h["ended_day"] is None or h["ended_day"] > day):
            add(h["person_id"], "temporary_control")
    marked = {(a["kind"], a["area_id"]): a["level"] for a in pq.read_table(city.path(f"{areas}.parquet")).to_pylist()}
    tables = colour_tables()
    out = {}
    for r in pq.read_table(city.path("residents.parquet")).to_pylist():
        for kind in hc.AREA_KINDS:
            level = marked.get((kind, r[f"{kind}_id"]))
            if level is not None:
                add(r["person_id"], f"{level}_risk_area")
        mine = statuses.get(r["person_id"], [])
        decision = health_code(mine, tables.for_jurisdiction(r["province"]), POLICY.at(on))
        out[r["person_id"]] = (decision.colour, frozenset(s.status for s in mine))
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
