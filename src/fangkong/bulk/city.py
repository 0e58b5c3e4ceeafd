"""A synthetic city for the bulk jobs and their benchmarks: seeded and deterministic, from a test county to
20 million residents, written as Parquet a chunk at a time (memory stays bounded as the city grows).

What it holds, and how it hangs together:
- residents in households; households in units (单元) of buildings in communities in counties, counties in two
  provinces (one of them with its own health-code colours, so the provincial tables matter);
- venues with codes, most people scanning venues of their own community, some their workplace, some anywhere;
- 14 days of venue-code scans ending on the city's "today", one file a day, in arrival (time) order;
- infections found in the last days (the cases whose close contacts are sought), some symptomatic, some confirmed
  the day after their sample;
- people under management: orders whose plans are made by the real plan rule (`rules.plans`) under the rules in
  force on their first day — the 9th edition before 11 Nov 2022, the 20 measures after — with each phase, the
  test schedule (a row per test day, carrying its phase's kind) and the samples taken so far (at most one per
  order and day, as the store's unique key keeps them);
- people held after a positive pool, and the high-risk areas before and after a day's change;
- a day's nucleic-acid tubes (nine in ten 10-in-1 pools, the rest single), their members and their results with
  Ct per gene: a few positive pools and single tubes, some in the 35–40 band.

The generator draws every random number from one seeded numpy generator per table, so the same size and seed
give the same bytes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from fangkong.errors import InvalidInput
from fangkong.policy import Policy, load_policy
from fangkong.policy.terms import Category
from fangkong.rules.plans import Plan, management_plan

from .timebase import DAY_S, epoch_day, fixed_offset

ZONE = ZoneInfo("Asia/Shanghai")
TODAY = date(2022, 11, 16)  # the demo county's drill day: the 20 measures in force, the 9th edition days before
PERSONS_PER_HOUSEHOLD = (1, 2, 2, 3, 3, 3, 4, 5)  # drawn uniformly: mean 2.9
HOUSEHOLDS_PER_UNIT = 12
UNITS_PER_BUILDING = 4
BUILDINGS_PER_COMMUNITY = 10
COMMUNITIES_PER_COUNTY = 3
SECOND_PROVINCE_EVERY = 2  # every second county lies in province 44, whose colour table differs
PROVINCES = ("31", "44")
RESIDENTS_PER_VENUE = 50
CHUNK = 2_000_000  # rows generated and written at a time
TABLES = (
    "residents",
    "units",
    "venues",
    "cases",
    "orders",
    "phases",
    "tests",
    "samplings",
    "held",
    "risk_areas_before",
    "risk_areas",
    "lab_tubes",
    "lab_members",
    "lab_results",
)


@dataclass(frozen=True)
class CitySize:
    name: str
    residents: int
    scans: int  # over `days`
    managed: int
    cases: int
    held: int
    lab_tubes: int
    days: int = 14


SIZES = {
    "tiny": CitySize("tiny", residents=5_000, scans=40_000, managed=400, cases=20, held=30, lab_tubes=2_000),
    "small": CitySize(
        "small", residents=100_000, scans=1_000_000, managed=10_000, cases=100, held=500, lab_tubes=20_000
    ),
    "medium": CitySize(
        "medium", residents=2_000_000, scans=10_000_000, managed=50_000, cases=1_000, held=5_000, lab_tubes=200_000
    ),
    "full": CitySize(
        "full", residents=20_000_000, scans=100_000_000, managed=500_000, cases=1_000, held=20_000, lab_tubes=1_000_000
    ),
}

# Categories of the people under management, with their share (close contacts dominate, as in every outbreak).
MANAGED_MIX = (
    (Category.close_contact, 0.6),
    (Category.high_risk_spillover, 0.2),
    (Category.entry_personnel, 0.1),
    (Category.high_risk_post_worker, 0.1),
)
PHASE_KINDS = ("centralized_isolation", "home_isolation", "home_health_monitoring")


def size_named(name: str) -> CitySize:
    try:
        return SIZES[name]
    except KeyError:
        raise InvalidInput("size", f"unknown size {name!r}; known: {', '.join(SIZES)}") from None


@dataclass(frozen=True)
class City:
    """Where a generated city's files are, and what it is."""

    root: Path
    size: CitySize
    seed: int
    today: date
    residents: int
    households: int
    units: int
    buildings: int
    communities: int
    counties: int
    venues: int

    def path(self, name: str) -> Path:
        return self.root / name

    @property
    def complete(self) -> bool:
        """Whether every table of this version of the generator is there (an older city lacks some)."""
        return all(self.path(f"{name}.parquet").exists() for name in TABLES) and bool(self.scan_files)

    @property
    def scan_files(self) -> list[Path]:
        return sorted((self.root / "scans").glob("*.parquet"))

    @property
    def first_day(self) -> date:
        return self.today - timedelta(days=self.size.days - 1)

    @classmethod
    def open(cls, root: Path) -> City:
        meta = json.loads((root / "city.json").read_text(encoding="utf-8"))
        try:
            meta["size"] = CitySize(**meta["size"])
        except TypeError:
            raise InvalidInput("city", f"{root} was made by another version of the generator; make it again") from None
        meta["today"] = date.fromisoformat(meta["today"])
        meta["root"] = root
        return cls(**meta)

    def save(self) -> None:
        meta: dict[str, Any] = asdict(self)
        meta.pop("root")
        meta["today"] = self.today.isoformat()
        (self.root / "city.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")


def _write(path: Path, columns: dict[str, np.ndarray[Any, Any] | pa.Array]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table(columns), path, compression="zstd")


def _chunks(total: int) -> Iterator[tuple[int, int]]:
    for start in range(0, total, CHUNK):
        yield start, min(total, start + CHUNK)


def generate(root: Path, size: CitySize, *, seed: int = 20221111, today: date = TODAY) -> City:
    """Write a city of `size` under `root` (replacing one there) and return it."""
    root.mkdir(parents=True, exist_ok=True)
    offset_s = fixed_offset(ZONE, today - timedelta(days=size.days + 30), today + timedelta(days=30))
    households = _residents(root, size, seed)
    units = -(-households // HOUSEHOLDS_PER_UNIT)
    buildings = -(-units // UNITS_PER_BUILDING)
    communities = -(-buildings // BUILDINGS_PER_COMMUNITY)
    counties = -(-communities // COMMUNITIES_PER_COUNTY)
    venues = max(20, size.residents // RESIDENTS_PER_VENUE)
    city = City(
        root=root,
        size=size,
        seed=seed,
        today=today,
        residents=size.residents,
        households=households,
        units=units,
        buildings=buildings,
        communities=communities,
        counties=counties,
        venues=venues,
    )
    _areas(city)
    _venues(city)
    _scans(city, offset_s)
    _cases(city, offset_s)
    _managed(city, load_policy())
    _held(city)
    _risk_areas(city)
    _lab(city)
    city.save()
    return city


def _residents(root: Path, size: CitySize, seed: int) -> int:
    """residents.parquet: person, household, unit, building, community, county, province, workplace."""
    rng = np.random.default_rng([seed, 1])
    sizes = np.asarray(PERSONS_PER_HOUSEHOLD)[rng.integers(0, len(PERSONS_PER_HOUSEHOLD), size.residents)]
    household = np.repeat(np.arange(size.residents, dtype=np.int32), sizes)[: size.residents]
    households = int(household[-1]) + 1
    unit = household // HOUSEHOLDS_PER_UNIT
    building = unit // UNITS_PER_BUILDING
    community = building // BUILDINGS_PER_COMMUNITY
    county = community // COMMUNITIES_PER_COUNTY
    province = np.where(county % SECOND_PROVINCE_EVERY == SECOND_PROVINCE_EVERY - 1, 1, 0).astype(np.int8)
    venues = max(20, size.residents // RESIDENTS_PER_VENUE)
    # 60 % work somewhere with a venue code (an office, a factory, a shop)
    workplace = np.where(rng.random(size.residents) < 0.6, rng.integers(0, venues, size.residents), -1)
    _write(
        root / "residents.parquet",
        {
            "person_id": np.arange(size.residents, dtype=np.int32),
            "household_id": household,
            "unit_id": unit.astype(np.int32),
            "building_id": building.astype(np.int32),
            "community_id": community.astype(np.int32),
            "county_id": county.astype(np.int32),
            "province": pa.array(np.asarray(PROVINCES)[province]).dictionary_encode(),
            "workplace_id": workplace.astype(np.int32),
        },
    )
    return households


def _areas(city: City) -> None:
    """units.parquet: every unit with its building and community (the area hierarchy, flattened)."""
    unit = np.arange(city.units, dtype=np.int32)
    building = unit // UNITS_PER_BUILDING
    community = building // BUILDINGS_PER_COMMUNITY
    _write(
        city.path("units.parquet"),
        {"unit_id": unit, "building_id": building, "community_id": community},
    )


def _venues(city: City) -> None:
    rng = np.random.default_rng([city.seed, 2])
    kinds = np.asarray(["market", "restaurant", "supermarket", "office", "transport", "school", "hospital"])
    _write(
        city.path("venues.parquet"),
        {
            "venue_id": np.arange(city.venues, dtype=np.int32),
            "community_id": rng.integers(0, city.communities, city.venues).astype(np.int32),
            "kind": pa.array(kinds[rng.integers(0, len(kinds), city.venues)]).dictionary_encode(),
        },
    )


def _local_seconds(rng: np.random.Generator, n: int) -> np.ndarray[Any, np.dtype[np.int64]]:
    """Seconds after local midnight: morning, noon and evening peaks, a few at night."""
    peaks = np.asarray([8.0, 12.0, 18.5, 21.0]) * 3600
    spread = np.asarray([1.2, 1.0, 1.5, 2.5]) * 3600
    which = rng.choice(4, n, p=[0.3, 0.3, 0.3, 0.1])
    seconds = rng.normal(peaks[which], spread[which])
    return np.clip(seconds, 0, DAY_S - 1).astype(np.int64)


def _scans(city: City, offset_s: int) -> None:
    """scans/<day>.parquet: person, venue, instant (epoch seconds), in arrival order — the raw log as it comes."""
    residents = pq.read_table(city.path("residents.parquet"), columns=["community_id", "workplace_id"])
    home = residents.column("community_id").to_numpy()
    work = residents.column("workplace_id").to_numpy()
    venue_community = pq.read_table(city.path("venues.parquet"), columns=["community_id"]).column(0).to_numpy()
    by_community = np.argsort(venue_community, kind="stable").astype(np.int32)
    starts = np.searchsorted(venue_community[by_community], np.arange(city.communities + 1))
    per_day = city.size.scans // city.size.days
    (city.root / "scans").mkdir(parents=True, exist_ok=True)
    for f in (city.root / "scans").glob("*.parquet"):
        f.unlink()
    for d in range(city.size.days):
        day = city.first_day + timedelta(days=d)
        rng = np.random.default_rng([city.seed, 3, d])
        n = per_day + (city.size.scans - per_day * city.size.days if d == city.size.days - 1 else 0)
        writer: pq.ParquetWriter | None = None
        path = city.root / "scans" / f"{day.isoformat()}.parquet"
        # one day is generated whole (to sort it by time) but written in row groups
        person = rng.integers(0, city.residents, n).astype(np.int32)
        choice = rng.random(n)
        c = home[person]
        count = starts[c + 1] - starts[c]
        local = by_community[np.minimum(starts[c] + (rng.random(n) * count).astype(np.int64), len(by_community) - 1)]
        anywhere = rng.integers(0, city.venues, n).astype(np.int32)
        venue = np.where((choice < 0.65) & (count > 0), local, anywhere)
        at_work = (choice >= 0.65) & (choice < 0.85) & (work[person] >= 0)
        venue = np.where(at_work, work[person], venue).astype(np.int32)
        at = epoch_day(day) * DAY_S - offset_s + _local_seconds(rng, n)
        order = np.argsort(at, kind="stable")
        person, venue, at = person[order], venue[order], at[order]
        schema = pa.schema([("person_id", pa.int32()), ("venue_id", pa.int32()), ("at_s", pa.int64())])
        writer = pq.ParquetWriter(path, schema, compression="zstd")
        for start, end in _chunks(n):
            writer.write_table(
                pa.table({"person_id": person[start:end], "venue_id": venue[start:end], "at_s": at[start:end]})
            )
        writer.close()


def _cases(city: City, offset_s: int) -> None:
    """cases.parquet: infections found in the last three days (sampled, onset for the symptomatic, isolated;
    confirmed the day of sampling or, for some, the day after, never after today; none discharged yet)."""
    rng = np.random.default_rng([city.seed, 4])
    n = city.size.cases
    person = rng.choice(city.residents, n, replace=False).astype(np.int32)
    sampled = epoch_day(city.today) - rng.integers(0, 3, n)
    symptomatic = rng.random(n) < 0.6
    onset = pa.array(sampled - rng.integers(0, 3, n), mask=~symptomatic, type=pa.int32())
    isolated = (sampled + 1) * DAY_S - offset_s - 4 * 3600 + rng.integers(0, 3 * 3600, n)  # the evening of sampling
    not_yet = rng.random(n) < 0.1
    confirmed = np.minimum(sampled + (rng.random(n) < 0.3), epoch_day(city.today))
    _write(
        city.path("cases.parquet"),
        {
            "case_id": person,
            "sampled_day": sampled.astype(np.int32),
            "onset_day": onset,
            "isolated_s": pa.array(isolated, mask=not_yet, type=pa.int64()),
            "confirmed_day": confirmed.astype(np.int32),
            "discharged_day": pa.nulls(n, pa.int32()),
        },
    )


def _plan_rows(plan: Plan) -> tuple[list[tuple[int, str, int, int]], list[tuple[int, str, int, int]]]:
    phases = [(i, p.kind.value, epoch_day(p.start), epoch_day(p.end)) for i, p in enumerate(plan.phases)]
    tests = [
        (i, p.kind.value, n, epoch_day(d))
        for i, p in enumerate(plan.phases)
        for n, d in zip(p.test_days, p.test_dates, strict=True)
    ]
    return phases, tests


def _managed(city: City, policy: Policy) -> None:
    """orders, phases, tests and samplings of the people under management, plans made by the plan rule."""
    rng = np.random.default_rng([city.seed, 5])
    n = city.size.managed
    person = rng.choice(city.residents, n, replace=False).astype(np.int32)
    categories = [c for c, _ in MANAGED_MIX]
    category = rng.choice(len(categories), n, p=[share for _, share in MANAGED_MIX])
    start = epoch_day(city.today) - rng.integers(0, 12, n)
    community = pq.read_table(city.path("residents.parquet"), columns=["community_id"]).column(0).to_numpy()[person]
    # One plan per (category, first day): the real rule, under the version in force that day.
    plans: dict[tuple[int, int], Plan] = {}
    for c, s in set(zip(category.tolist(), start.tolist(), strict=True)):
        first = city.today + timedelta(days=s - epoch_day(city.today))
        made = management_plan(categories[c], first, policy.at(first))
        if isinstance(made, Plan):
            plans[(c, s)] = made
    keep = np.asarray([(c, s) in plans for c, s in zip(category.tolist(), start.tolist(), strict=True)], dtype=bool)
    person, category, start, community = person[keep], category[keep], start[keep], community[keep]
    order_id = np.arange(1, len(person) + 1, dtype=np.int32)
    released = np.asarray([epoch_day(plans[(c, s)].released_on) for c, s in zip(category, start, strict=True)])
    version = [plans[(c, s)].policy or "" for c, s in zip(category, start, strict=True)]
    _write(
        city.path("orders.parquet"),
        {
            "order_id": order_id,
            "person_id": person,
            "community_id": community.astype(np.int32),
            "category": pa.array([categories[c].value for c in category]).dictionary_encode(),
            "start_day": start.astype(np.int32),
            "released_day": released.astype(np.int32),
            "policy": pa.array(version).dictionary_encode(),
        },
    )
    # Phases and test days: the rows of each distinct plan, repeated for its orders.
    shapes = {key: _plan_rows(plan) for key, plan in plans.items()}
    ph: dict[str, list[Any]] = {"order_id": [], "phase_index": [], "kind": [], "start_day": [], "end_day": []}
    te: dict[str, list[Any]] = {"order_id": [], "phase_index": [], "kind": [], "phase_day": [], "test_day": []}
    for o, c, s in zip(order_id.tolist(), category.tolist(), start.tolist(), strict=True):
        phases, tests = shapes[(c, s)]
        for table, rows in ((ph, phases), (te, tests)):
            for row in rows:
                for name, value in zip(table, (o, *row), strict=True):
                    table[name].append(value)
    _write(
        city.path("phases.parquet"),
        {
            "order_id": pa.array(ph["order_id"], pa.int32()),
            "phase_index": pa.array(ph["phase_index"], pa.int8()),
            "kind": pa.array(ph["kind"]).dictionary_encode(),
            "start_day": pa.array(ph["start_day"], pa.int32()),
            "end_day": pa.array(ph["end_day"], pa.int32()),
        },
    )
    test_order = np.asarray(te["order_id"], dtype=np.int32)
    test_day = np.asarray(te["test_day"], dtype=np.int32)
    _write(
        city.path("tests.parquet"),
        {
            "order_id": test_order,
            "phase_index": np.asarray(te["phase_index"], dtype=np.int8),
            "kind": pa.array(te["kind"]).dictionary_encode(),
            "phase_day": np.asarray(te["phase_day"], dtype=np.int8),
            "test_day": test_day,
        },
    )
    # Samples taken so far: most past test days, some of today's (the rounds are still going).
    today = epoch_day(city.today)
    taken = ((test_day < today) & (rng.random(len(test_day)) < 0.9)) | (
        (test_day == today) & (rng.random(len(test_day)) < 0.3)
    )
    _write(city.path("samplings.parquet"), {"order_id": test_order[taken], "sampled_day": test_day[taken]})


def _held(city: City) -> None:
    """held.parquet: people under temporary control after a positive pool (some already cleared)."""
    rng = np.random.default_rng([city.seed, 6])
    n = min(city.size.held, city.residents)
    started = epoch_day(city.today) - rng.integers(0, 3, n)
    cleared = rng.random(n) < 0.5
    _write(
        city.path("held.parquet"),
        {
            "person_id": rng.choice(city.residents, n, replace=False).astype(np.int32),
            "started_day": started.astype(np.int32),
            "ended_day": pa.array(started + 1, mask=~cleared, type=pa.int32()),
        },
    )


def _risk_areas(city: City) -> None:
    """risk_areas_before.parquet (yesterday's) and risk_areas.parquet (today's): (kind, area_id, level). The homes
    (buildings) of the infections found before today are high-risk (measure 4: by building); today adds the buildings
    of today's infections, lowers the oldest building (5 clean days) and widens one community (a section-3 case of
    unclear transmission)."""
    rng = np.random.default_rng([city.seed, 7])
    cases = pq.read_table(city.path("cases.parquet"), columns=["case_id", "sampled_day"])
    residents = pq.read_table(city.path("residents.parquet"), columns=["building_id", "community_id"])
    building = residents.column("building_id").to_numpy()[cases.column("case_id").to_numpy()]
    community = residents.column("community_id").to_numpy()[cases.column("case_id").to_numpy()]
    sampled = cases.column("sampled_day").to_numpy()
    today = epoch_day(city.today)
    before = np.unique(building[sampled < today])
    after = np.unique(np.concatenate([before[1:], building[sampled == today]]))
    widened = int(community[rng.integers(0, len(community))]) if len(community) else 0

    def table(buildings: np.ndarray[Any, Any], extra: list[tuple[str, int]]) -> dict[str, pa.Array]:
        kinds = ["building"] * len(buildings) + [k for k, _ in extra]
        ids = [*buildings.tolist(), *(i for _, i in extra)]
        return {
            "kind": pa.array(kinds, pa.string()),
            "area_id": pa.array(ids, pa.int32()),
            "level": pa.array(["high"] * len(ids), pa.string()),
        }

    _write(city.path("risk_areas_before.parquet"), table(before, []))
    _write(city.path("risk_areas.parquet"), table(after, [("community", widened)]))


def _lab(city: City) -> None:
    """lab_tubes, lab_members and lab_results: the day's community screening."""
    rng = np.random.default_rng([city.seed, 8])
    n = city.size.lab_tubes
    pool_size = np.where(rng.random(n) < 0.9, 10, 1).astype(np.int32)
    collected = epoch_day(city.today) - (rng.random(n) < 0.2).astype(np.int32)  # some collected yesterday
    members = int(pool_size.sum())
    # everyone sampled at most once while the city has people enough; a pool never holds one person twice
    people = np.resize(rng.permutation(city.residents).astype(np.int32), members)
    positive = rng.random(n) < np.where(pool_size > 1, 0.005, 0.003)
    band = ~positive & (rng.random(n) < 0.003)
    orf1ab = np.where(positive, rng.uniform(18, 34, n), np.where(band, rng.uniform(35, 39.5, n), np.nan)).round(1)
    n_gene = np.where(positive | band, orf1ab + rng.uniform(-2, 2, n).round(1), np.nan).clip(10, 40)
    _write(
        city.path("lab_tubes.parquet"),
        {"tube_id": np.arange(n, dtype=np.int32), "pool_size": pool_size, "collected_day": collected.astype(np.int32)},
    )
    _write(
        city.path("lab_members.parquet"),
        {"tube_id": np.repeat(np.arange(n, dtype=np.int32), pool_size), "person_id": people},
    )
    _write(
        city.path("lab_results.parquet"),
        {
            "tube_id": np.arange(n, dtype=np.int32),
            "ct_orf1ab": pa.array(orf1ab, mask=np.isnan(orf1ab)),
            "ct_n": pa.array(n_gene, mask=np.isnan(n_gene)),
        },
    )
