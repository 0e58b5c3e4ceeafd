"""The bulk days of supply (measure 13) equal the per-line rule (`rules.supplies`) on seeded random inputs, on DuckDB
(and on Spark local mode when FANGKONG_REQUIRE_SPARK is set, as the other jobs are checked)."""

from __future__ import annotations

import os
import random
from contextlib import ExitStack
from datetime import date
from typing import Any

import pyarrow as pa
import pytest

from fangkong.bulk.days_of_supply import days_of_supply_job
from fangkong.bulk.engines import DuckDBEngine, Engine, PostgresEngine
from fangkong.bulk.timebase import epoch_day, from_epoch_day
from fangkong.policy import load_policy
from fangkong.policy.terms import SupplyCategory
from fangkong.rules.supplies import days_of_supply, reorder
from fangkong.services.store import scratch_database

AS_OF = date(2022, 12, 10)


def random_inputs(seed: int, sites: int, items: int) -> tuple[pa.Table, pa.Table]:
    rng = random.Random(seed)
    categories = list(SupplyCategory)
    stock: dict[str, list[Any]] = {"site_id": [], "item_id": [], "category": [], "quantity": []}
    used: dict[str, list[Any]] = {"site_id": [], "item_id": [], "day": [], "quantity": []}
    for s in range(sites):
        for i in range(items):
            stock["site_id"].append(s)
            stock["item_id"].append(i)
            stock["category"].append(categories[i % len(categories)].value)
            stock["quantity"].append(rng.choice([0, rng.randint(0, 50), rng.randint(0, 2000)]))
            for back in rng.sample(range(20), rng.randint(0, 6)):
                used["site_id"].append(s)
                used["item_id"].append(i)
                used["day"].append(epoch_day(AS_OF) - back)
                used["quantity"].append(rng.randint(1, 40))
    return pa.table(stock), pa.table(
        used,
        schema=pa.schema(
            [("site_id", pa.int64()), ("item_id", pa.int64()), ("day", pa.int64()), ("quantity", pa.int64())]
        ),
    )


def engines() -> list[str]:
    names = ["duckdb"]
    if os.environ.get("FANGKONG_REQUIRE_SPARK"):
        names.append("spark")
    if os.environ.get("FANGKONG_TEST_PG_URL") or os.environ.get("FANGKONG_REQUIRE_PG"):
        names.append("postgresql")
    return names


@pytest.mark.parametrize("engine_name", engines())
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_bulk_equals_the_rule(seed: int, engine_name: str, request: pytest.FixtureRequest) -> None:
    rules = load_policy().at(AS_OF)
    stock, used = random_inputs(seed, 30, 14)
    engine: Engine
    with ExitStack() as stack:
        if engine_name == "duckdb":
            engine = DuckDBEngine()
        elif engine_name == "spark":
            # the session's one Spark context (tests/bulk/conftest.py): closing one of our own would stop it for
            # every other Spark test in this worker
            engine = request.getfixturevalue("spark")
        else:
            url = os.environ.get("FANGKONG_TEST_PG_URL")
            if not url:
                pytest.fail("PostgreSQL is required here (FANGKONG_TEST_PG_URL)")
            engine = PostgresEngine(stack.enter_context(scratch_database(url, "fk_supply")))
        if engine_name != "spark":
            stack.callback(engine.close)
        out = days_of_supply_job(engine, stock, used, rules, AS_OF).to_pylist()
    by_line: dict[tuple[int, int], dict[date, int]] = {}
    for row in used.to_pylist():
        d = by_line.setdefault((row["site_id"], row["item_id"]), {})
        day = from_epoch_day(row["day"])
        d[day] = d.get(day, 0) + row["quantity"]
    assert len(out) == stock.num_rows
    for row in out:
        supply = days_of_supply(row["stock"], by_line.get((row["site_id"], row["item_id"]), {}), AS_OF, rules)
        decided = reorder(supply, row["category"], rules)
        assert row["dispensed"] == supply.dispensed_in_window
        assert row["alert"] == decided.alert.value, row
        assert row["reorder_point"] == decided.reorder_point
        if supply.days is None:
            assert row["days"] is None
        else:
            assert row["days"] == pytest.approx(supply.days, rel=1e-12)
