"""The synthetic city: deterministic for a seed, internally consistent, its plans made by the plan rule."""

from __future__ import annotations

import hashlib
import itertools
import json
from datetime import timedelta
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from fangkong.bulk.city import SIZES, City, CitySize, generate, size_named
from fangkong.bulk.timebase import epoch_day, from_epoch_day
from fangkong.errors import InvalidInput
from fangkong.policy import load_policy
from fangkong.policy.terms import Category
from fangkong.rules.plans import Plan, management_plan

SMALLER = CitySize("smaller", residents=800, scans=3_000, managed=60, cases=5, held=5, lab_tubes=50, days=5)


def digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*.parquet"))
    }


def test_the_same_seed_gives_the_same_bytes(tmp_path: Path) -> None:
    a = generate(tmp_path / "a", SMALLER, seed=7)
    b = generate(tmp_path / "b", SMALLER, seed=7)
    c = generate(tmp_path / "c", SMALLER, seed=8)
    assert digest(a.root) == digest(b.root)
    assert a.complete
    assert digest(a.root) != digest(c.root)
    assert City.open(a.root) == a


def test_unknown_size_is_refused_with_the_field() -> None:
    with pytest.raises(InvalidInput) as err:
        size_named("metropolis")
    assert err.value.field == "size"
    assert size_named("full").residents == 20_000_000


def test_hierarchy_households_and_provinces(tiny_city: City) -> None:
    con = duckdb.connect()
    residents = f"read_parquet('{tiny_city.path('residents.parquet')}')"
    units = f"read_parquet('{tiny_city.path('units.parquet')}')"
    # every resident's unit lies in their building, which lies in their community
    bad = con.execute(
        f"SELECT count(*) FROM {residents} r JOIN {units} u USING (unit_id) "
        "WHERE u.building_id <> r.building_id OR u.community_id <> r.community_id"
    ).fetchone()
    assert bad == (0,)
    # a household lives in one unit, and has 1 to 5 people
    sizes = con.execute(
        f"SELECT min(n), max(n), max(units) FROM (SELECT household_id, count(*) n, count(DISTINCT unit_id) units "
        f"FROM {residents} GROUP BY household_id)"
    ).fetchone()
    assert sizes is not None and sizes[0] >= 1 and sizes[1] <= 5 and sizes[2] == 1
    provinces = {r[0] for r in con.execute(f"SELECT DISTINCT province FROM {residents}").fetchall()}
    assert provinces == {"31", "44"}


def test_scans_cover_the_days_in_arrival_order(tiny_city: City) -> None:
    files = tiny_city.scan_files
    assert [f.stem for f in files] == [
        (tiny_city.first_day + timedelta(days=i)).isoformat() for i in range(tiny_city.size.days)
    ]
    total = 0
    for f in files:
        at = pq.read_table(f).column("at_s").to_numpy()
        total += len(at)
        assert (at[1:] >= at[:-1]).all()
        days = {int(x) for x in (at + 8 * 3600) // 86400}
        assert days == {epoch_day(tiny_city.first_day) + files.index(f)}
    assert total == tiny_city.size.scans


def test_every_order_follows_the_plan_rule_in_force_on_its_first_day(tiny_city: City) -> None:
    policy = load_policy()
    orders = pq.read_table(tiny_city.path("orders.parquet")).to_pylist()
    phases = pq.read_table(tiny_city.path("phases.parquet")).to_pylist()
    tests = pq.read_table(tiny_city.path("tests.parquet")).to_pylist()
    assert len(orders) > 0.9 * tiny_city.size.managed
    by_order: dict[int, list[tuple[str, int, int]]] = {}
    for p in phases:
        by_order.setdefault(p["order_id"], []).append((p["kind"], p["start_day"], p["end_day"]))
    test_days: dict[int, list[tuple[int, str, int, int]]] = {}
    for t in tests:
        test_days.setdefault(t["order_id"], []).append((t["phase_index"], t["kind"], t["phase_day"], t["test_day"]))
    for o in orders:
        start = from_epoch_day(o["start_day"])
        plan = management_plan(Category(o["category"]), start, policy.at(start))
        assert isinstance(plan, Plan)
        assert o["policy"] == plan.policy
        assert epoch_day(plan.released_on) == o["released_day"]
        assert by_order[o["order_id"]] == [(p.kind.value, epoch_day(p.start), epoch_day(p.end)) for p in plan.phases]
        assert sorted(test_days[o["order_id"]]) == [
            (i, p.kind.value, n, epoch_day(d))
            for i, p in enumerate(plan.phases)
            for n, d in zip(p.test_days, p.test_dates, strict=True)
        ]
    assert {o["policy"] for o in orders} == {"v9", "m20"}  # the city's fortnight spans 11 Nov 2022


def test_sizes_grow() -> None:
    names = list(SIZES)
    assert names == ["tiny", "small", "medium", "full"]
    for a, b in itertools.pairwise(names):
        assert SIZES[a].residents < SIZES[b].residents and SIZES[a].scans < SIZES[b].scans


def test_a_city_of_another_generator_version_is_refused(tmp_path: Path) -> None:
    city = generate(tmp_path / "c", SMALLER)
    meta = json.loads((city.root / "city.json").read_text(encoding="utf-8"))
    del meta["size"]["lab_tubes"]
    (city.root / "city.json").write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(InvalidInput) as err:
        City.open(city.root)
    assert err.value.field == "city"
