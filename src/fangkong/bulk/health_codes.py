"""Every resident's health-code status on a day, after a change of risk areas (measures 1, 3, 4, 5, 10;
section 3; colours by the province's table, measure 16).

A person's code depends on which of seven statuses they have today (`policy.health_codes.STATUSES`): the phase
of a management plan they are in, an infection, temporary control after a positive pool, living in a high- or
medium-risk area — and, where a province colours a phase kind for one category (`close_contact.home_isolation`:
the home phase of 5+3 yellow, spill-over home isolation red), that category's phase as a status of its own
(`STATUS_KEYS`). Nine yes/no facts make 512 combinations, and the colour of each combination in each province is
decided once by the per-person rule itself (`rules.health_code.health_code`) — the *colour table* below. The
population's job is then two steps: each person's status bits, and a lookup of (province, bits). The rule stays
the only place that knows how colours are chosen.

Which days each fact counts on is the rule's too (`rules.health_code.statuses_on_day`): the same half-open
windows, with the choices the texts leave open (`health_code.*`, `code_windows`) bound into the SQL from the
policy in force on the day — an infection from its confirmation until its discharge, a hold from its first day
until the day it ends, a phase from its first to its last day while its order runs.

Tables read: `residents(person_id, unit_id, building_id, community_id, province)` (-1 where a home's unit or
building is not recorded), `orders(order_id, person_id, category, start_day, released_day)`,
`phases(order_id, kind, start_day, end_day)`, `cases(case_id, sampled_day, confirmed_day, discharged_day)`
(no discharge: null), `held(person_id, started_day, ended_day)`, `risk_areas(kind, area_id, level)` (the
day's) and the colour table `colours(province, bits, colour)`. Rows out: `person_id, bits, colour`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from fangkong.policy import PolicyAt, load_policy
from fangkong.policy.health_codes import (
    PHASE_STATUSES,
    STATUSES,
    ColourTables,
    colour_tables,
    keyed_statuses,
)
from fangkong.rules.health_code import Status, code_windows, health_code, status_clauses

from .engines import Engine
from .timebase import from_epoch_day

# the statuses of the rule, then each category's phase kind some province colours on its own
KEYED = keyed_statuses(colour_tables())
STATUS_KEYS = (*STATUSES, *KEYED)
BIT = {status: 1 << i for i, status in enumerate(STATUS_KEYS)}
COMBINATIONS = 1 << len(STATUS_KEYS)
BITS = np.uint16  # 9 statuses today; room for 16
AREA_KINDS = ("unit", "building", "community")
Array = np.ndarray[Any, Any]


def keys_of(bits: int) -> list[str]:
    """The status keys a combination of bits holds (a keyed phase as `<category>.<kind>`)."""
    return [s for s in STATUS_KEYS if bits & BIT[s]]


def statuses_of(bits: int) -> list[str]:
    """The statuses a combination of bits holds, named as the rule names them (a keyed phase by its kind)."""
    return list(dict.fromkeys(s.rpartition(".")[2] for s in keys_of(bits)))


def _status(key: str) -> Status:
    """A status as the rule takes it: a keyed phase is its kind, for its category."""
    category, _, kind = key.rpartition(".")
    return Status(status=kind, category=category or None, clause="-", text=key)


def colour_table(tables: ColourTables, provinces: list[str], policy: PolicyAt) -> pa.Table:
    """(province, bits, colour) for every province and every combination of statuses, by the per-person rule."""
    rows: dict[str, list[Any]] = {"province": [], "bits": [], "colour": []}
    for province in provinces:
        table = tables.for_jurisdiction(province)
        for bits in range(COMBINATIONS):
            statuses = [_status(s) for s in keys_of(bits)]
            rows["province"].append(province)
            rows["bits"].append(bits)
            rows["colour"].append(health_code(statuses, table, policy).colour)
    return pa.table(
        {
            "province": pa.array(rows["province"], pa.string()),
            "bits": pa.array(rows["bits"], pa.int32()),
            "colour": pa.array(rows["colour"], pa.string()),
        }
    )


def _phase_bit(category: str, kind: str) -> str:
    """SQL for the bit of a phase: its category's own where a table colours it, else its kind's."""
    keyed = " ".join(
        f"WHEN {category} = '{key.split('.')[0]}' AND {kind} = '{key.split('.')[1]}' THEN {BIT[key]}" for key in KEYED
    )
    kinds = " ".join(f"WHEN {kind} = '{s}' THEN {BIT[s]}" for s in PHASE_STATUSES)
    return f"CASE {keyed} {kinds} ELSE 0 END"


def _in_force(day: int, policy: PolicyAt | None) -> PolicyAt:
    return policy if policy is not None else load_policy().at(from_epoch_day(day))


def _within(day: int, first: str, until: str, *, until_counts: bool = False) -> str:
    """SQL for the rule's half-open window: `first` ≤ day < `until` (a null `until`: still open); with
    `until_counts`, the day `until` itself is inside too."""
    below = "<=" if until_counts else "<"
    return f"{first} <= {day} AND ({until} IS NULL OR {day} {below} {until})"


def person_statuses_sql(day: int, policy: PolicyAt | None = None) -> str:
    """Status bits of the people who have any status other than their home's area (orders, infections, holds),
    with the windows of `statuses_on_day` under `policy` (default: the national rules in force on the day)."""
    windows = code_windows(_in_force(day, policy))
    infection_from = windows.infection_from  # confirmed_day or sampled_day: a column of `cases`
    return f"""
SELECT o.person_id, {_phase_bit("o.category", "p.kind")} AS bit
FROM orders o JOIN phases p ON p.order_id = o.order_id
WHERE o.start_day <= {day} AND {day} < o.released_day AND p.start_day <= {day} AND {day} <= p.end_day
UNION ALL
SELECT case_id AS person_id, {BIT["infection"]} AS bit
FROM cases WHERE {_within(day, infection_from, "discharged_day", until_counts=windows.infection_on_discharge_day)}
UNION ALL
SELECT person_id, {BIT["temporary_control"]} AS bit
FROM held WHERE {_within(day, "started_day", "ended_day", until_counts=windows.hold_on_end_day)}
"""


def cites(policy: PolicyAt) -> tuple[str, ...]:
    """The clauses the job applies under the rules in force: those the per-person rule may cite."""
    return status_clauses(policy)


def health_codes_sql(day: int, policy: PolicyAt | None = None) -> str:
    """The job, once, in DuckDB's dialect (transpiled for Spark and PostgreSQL)."""
    area_bit = (
        f"CASE a.level WHEN 'high' THEN {BIT['high_risk_area']} WHEN 'medium' THEN {BIT['medium_risk_area']} ELSE 0 END"
    )
    areas = "\nUNION ALL\n".join(
        f"SELECT r.person_id, {area_bit} AS bit FROM residents r "
        f"JOIN risk_areas a ON a.kind = '{kind}' AND a.area_id = r.{kind}_id"
        for kind in AREA_KINDS
    )
    return f"""
WITH statuses AS (
{person_statuses_sql(day, policy)}
UNION ALL
{areas}
),
bits AS (SELECT person_id, BIT_OR(bit) AS bits FROM statuses GROUP BY person_id)
SELECT r.person_id, COALESCE(b.bits, 0) AS bits, c.colour
FROM residents r
LEFT JOIN bits b ON b.person_id = r.person_id
JOIN colours c ON c.province = r.province AND c.bits = COALESCE(b.bits, 0)
"""


@dataclass
class Population:
    """The residents' columns a code pass needs, loaded once per run (or kept by a command centre's long-running
    job between changes of areas)."""

    person_id: Array
    unit_id: Array
    building_id: Array
    community_id: Array
    province: Array  # index into `provinces`
    provinces: list[str]
    # where each person id sits when the ids are not simply 0..n-1 (a store's export): the positions sorted by id
    by_id: Array | None = None

    @classmethod
    def load(cls, residents: Path) -> Population:
        t = pq.read_table(residents, columns=["person_id", "unit_id", "building_id", "community_id", "province"])
        # the SQL job joins on the province and the person: a resident without either has no row there either
        if t.column("province").null_count or t.column("person_id").null_count:
            t = t.filter(pc.and_(pc.is_valid(t.column("province")), pc.is_valid(t.column("person_id"))))
        province = t.column("province").combine_chunks()
        if not pa.types.is_dictionary(province.type):
            province = province.dictionary_encode()

        def ids(name: str) -> Array:
            column = t.column(name)
            if column.null_count:  # an area not recorded joins no risk area, as -1 does
                column = pc.fill_null(column, -1)
            out: Array = column.to_numpy()
            return out

        person_id = ids("person_id")
        n = len(person_id)
        dense = n == 0 or bool(person_id[0] == 0 and person_id[-1] == n - 1 and (np.diff(person_id) == 1).all())
        return cls(
            person_id=person_id,
            unit_id=ids("unit_id"),
            building_id=ids("building_id"),
            community_id=ids("community_id"),
            province=province.indices.to_numpy(zero_copy_only=False),
            provinces=[str(p) for p in province.dictionary.to_pylist()],
            by_id=None if dense else np.argsort(person_id, kind="stable"),
        )

    def positions(self, person_ids: Array) -> Array:
        """Where each of `person_ids` sits in the population; -1 for a person who is not a resident (the SQL job's
        LEFT JOIN from the residents drops their statuses too)."""
        n = len(self.person_id)
        ids = person_ids.astype(np.int64)
        if self.by_id is None:  # the city's residents are numbered 0..n-1 in file order
            out: Array = np.where((ids >= 0) & (ids < n), ids, -1)
            return out
        ordered = self.person_id[self.by_id]
        at = np.minimum(np.searchsorted(ordered, ids), max(n - 1, 0))
        found = (ordered[at] == ids) if n else np.zeros(len(ids), dtype=bool)
        out = np.where(found, self.by_id[at] if n else -1, -1)
        return out


@dataclass
class Codes:
    """Each resident's status bits and colour (an index into `colours`), in `Population` order."""

    bits: Array  # BITS
    colour: Array  # uint8
    colours: list[str]

    def counts(self) -> dict[str, int]:
        found = np.bincount(self.colour, minlength=len(self.colours))
        return {c: int(n) for c, n in zip(self.colours, found, strict=True)}


def _area_flags(ids: Array, areas: pa.Table, kind: str, level: str) -> Array:
    chosen = areas.filter(pc.and_(pc.equal(areas.column("kind"), kind), pc.equal(areas.column("level"), level)))
    marked = chosen.column("area_id").drop_null().to_numpy().astype(np.int64)
    marked = marked[marked >= 0]  # no home is in area -1 ("not recorded")
    # at least one flag: ids of -1 index the last one (masked below) even when no home and no area is numbered
    size = int(max(ids.max(initial=0), marked.max(initial=0))) + 1
    flags = np.zeros(size, dtype=bool)
    flags[marked] = True
    out: Array = np.where(ids >= 0, flags[ids], False)  # -1: the level is not recorded for this home
    return out


def compute(population: Population, person_bits: pa.Table, areas: pa.Table, colours: pa.Table) -> Codes:
    """Every resident's code from the bits of people with a personal status (`person_statuses_sql`: person_id,
    bit) and today's risk areas; the colour from the table made by the per-person rule."""
    bits = np.zeros(len(population.person_id), dtype=BITS)
    position = population.positions(person_bits.column("person_id").to_numpy())
    resident = position >= 0
    np.bitwise_or.at(bits, position[resident], person_bits.column("bit").to_numpy().astype(BITS)[resident])
    for level, status in (("high", "high_risk_area"), ("medium", "medium_risk_area")):
        inside = np.zeros(len(bits), dtype=bool)
        for kind in AREA_KINDS:
            inside |= _area_flags(getattr(population, f"{kind}_id"), areas, kind, level)
        bits |= np.where(inside, BIT[status], 0).astype(BITS)
    names = sorted(set(colours.column("colour").to_pylist()))
    lut = np.zeros((len(population.provinces), COMBINATIONS), dtype=np.uint8)
    wanted = {p: i for i, p in enumerate(population.provinces)}
    for province, b, colour in zip(
        *(colours.column(c).to_pylist() for c in ("province", "bits", "colour")), strict=True
    ):
        if province in wanted:
            lut[wanted[province], b] = names.index(colour)
    return Codes(bits=bits, colour=lut[population.province, bits], colours=names)


def changes(before: Codes, after: Codes, population: Population) -> pa.Table:
    """The residents whose colour changed: (person_id, from_colour, to_colour) — the rows to record and push."""
    if before.colours != after.colours:
        raise ValueError("the two passes use different colour lists")
    moved = np.flatnonzero(before.colour != after.colour)
    names = np.asarray(after.colours)
    return pa.table(
        {
            "person_id": population.person_id[moved].astype(np.int64),
            "from_colour": names[before.colour[moved]],
            "to_colour": names[after.colour[moved]],
        }
    )


def colours_for(population: Population, policy: PolicyAt) -> pa.Table:
    """The colour table of the population's provinces under the rules in force (`colour_table`)."""
    return colour_table(colour_tables(), sorted(population.provinces), policy)


def code_pass(population: Population, engine: Engine, day: int, policy: PolicyAt, areas: pa.Table) -> Codes:
    """The job's pass on a day (what `fangkong bulk run health_codes` runs on DuckDB): the personal statuses by
    `person_statuses_sql` on `engine` (its orders, phases, cases and held tables registered), the home areas and
    the colours of the rule (measures 1, 3, 4, 5, 10, 16; section 3) with numpy over the loaded columns."""
    return compute(population, engine.query(person_statuses_sql(day, policy)), areas, colours_for(population, policy))


def job_rows(population: Population, codes: Codes) -> pa.Table:
    """The pass's answer as the rows of `health_codes_sql` (person_id, bits, colour; the same types), one per
    resident in the residents' order (the SQL's rows come in no set order)."""
    colour = pa.array(codes.colours, pa.string()).take(pa.array(codes.colour))  # a third faster than a dict cast
    return pa.table(
        {
            "person_id": pa.array(population.person_id),
            "bits": pa.array(codes.bits.astype(np.int32)),
            "colour": colour,
        }
    )
