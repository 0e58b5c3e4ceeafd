"""The bulk days of supply (measure 13) equal the per-line rule (`rules.supplies`) on seeded random inputs, on DuckDB
(and on Spark local mode when FANGKONG_REQUIRE_SPARK is set, PostgreSQL with FANGKONG_TEST_PG_URL, as the other jobs
are checked); the one pass over the lines' kept window figure equals the ledger job; `fangkong bulk run
days_of_supply` runs it."""

from __future__ import annotations

import os
import random
from contextlib import ExitStack
from datetime import UTC, date, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from fangkong.bulk.days_of_supply import days_of_supply_job, days_of_supply_pass
from fangkong.bulk.engines import DuckDBEngine, Engine, PostgresEngine
from fangkong.bulk.jobs import run_job
from fangkong.bulk.timebase import epoch_day, from_epoch_day
from fangkong.cli.main import app
from fangkong.errors import InvalidInput
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


def _with_kept_figure(stock: pa.Table, used: pa.Table, as_of: date, window: int) -> pa.Table:
    """The stock lines with the window's dispensations as the store keeps them (`supply_stock.used_in_window`)."""
    first = epoch_day(as_of) - window + 1
    sums: dict[tuple[int, int], int] = {}
    for row in used.to_pylist():
        if first <= row["day"] <= epoch_day(as_of):
            key = (row["site_id"], row["item_id"])
            sums[key] = sums.get(key, 0) + row["quantity"]
    kept = [sums.get(k, 0) for k in zip(stock["site_id"].to_pylist(), stock["item_id"].to_pylist(), strict=True)]
    return stock.append_column("dispensed", pa.array(kept, pa.int64())).append_column(
        "used_through", pa.array([epoch_day(as_of)] * stock.num_rows, pa.int64())
    )


def _by_line(rows: pa.Table) -> dict[tuple[int, int], dict[str, Any]]:
    return {(r["site_id"], r["item_id"]): r for r in rows.to_pylist()}


@pytest.mark.parametrize("engine_name", engines())
@pytest.mark.parametrize("seed", [4, 5])
def test_one_pass_over_kept_lines_equals_the_ledger_job(
    seed: int, engine_name: str, request: pytest.FixtureRequest
) -> None:
    """The single-pass SQL over the lines' kept window figure, and the numpy pass `bulk run` answers on DuckDB, give
    the ledger job's rows exactly (m20.13): the kept figure is only a sum kept ahead of time."""
    rules = load_policy().at(AS_OF)
    window = int(rules.integer("supplies.consumption_window_days").value or 1)
    stock, used = random_inputs(seed, 25, 14)
    kept = _with_kept_figure(stock, used, AS_OF, window)
    engine: Engine
    with ExitStack() as stack:
        if engine_name == "duckdb":
            engine = DuckDBEngine()
        elif engine_name == "spark":
            engine = request.getfixturevalue("spark")
        else:
            url = os.environ.get("FANGKONG_TEST_PG_URL")
            if not url:
                pytest.fail("PostgreSQL is required here (FANGKONG_TEST_PG_URL)")
            engine = PostgresEngine(stack.enter_context(scratch_database(url, "fk_supply_kept")))
        if engine_name != "spark":
            stack.callback(engine.close)
        ledger = _by_line(days_of_supply_job(engine, stock, used, rules, AS_OF))
        one_pass = _by_line(days_of_supply_job(engine, kept, None, rules, AS_OF))
    vectorized = _by_line(days_of_supply_pass(kept, rules, AS_OF))
    assert len(ledger) == len(one_pass) == len(vectorized) == stock.num_rows
    for key, want in ledger.items():
        for got in (one_pass[key], vectorized[key]):
            for column in ("category", "stock", "dispensed", "reorder_point", "alert"):
                assert got[column] == want[column], (key, column)
            for column in ("days", "daily_use"):
                assert (got[column] is None) == (want[column] is None), (key, column)
                if want[column] is not None:
                    assert got[column] == pytest.approx(want[column], rel=1e-12)


def test_kept_figures_for_another_day_are_refused() -> None:
    """A kept window figure for another day counts another window: refused naming `used_through` (m20.13)."""
    rules = load_policy().at(AS_OF)
    stock, used = random_inputs(6, 3, 2)
    stale = _with_kept_figure(stock, used, AS_OF - timedelta(days=1), 14)
    with pytest.raises(InvalidInput) as raised:
        days_of_supply_pass(stale, rules, AS_OF)
    assert raised.value.field == "used_through"
    with pytest.raises(InvalidInput) as raised:
        days_of_supply_pass(stock, rules, AS_OF)
    assert raised.value.field == "data"


def test_bulk_run_days_of_supply_from_the_cli(tmp_path: Path) -> None:
    """`fangkong bulk supplies DIR` writes a province's stock lines; `fangkong bulk run days_of_supply` reads them,
    counts the alerts and cites measure 13; the SQL on DuckDB gives the pass's rows."""
    folder = tmp_path / "province"
    made = CliRunner().invoke(app, ["bulk", "supplies", str(folder), "--sites", "40", "--items", "12"])
    assert made.exit_code == 0, made.output
    assert "480 stock lines" in made.output
    out = tmp_path / "rows.parquet"
    ran = CliRunner().invoke(app, ["bulk", "run", "days_of_supply", "--data", str(folder), "--out", str(out)])
    assert ran.exit_code == 0, ran.output
    assert "480 rows" in ran.output and "critical" in ran.output and "m20.13" in ran.output
    rows = pq.read_table(out)
    engine = DuckDBEngine()
    try:
        sql = run_job("days_of_supply", folder, engine, load_policy(), date(2022, 12, 20), UTC, sql=True)
    finally:
        engine.close()
    assert _by_line(sql.rows) == _by_line(rows.cast(sql.rows.schema))
    refused = CliRunner().invoke(app, ["bulk", "supplies", str(folder), "--sites", "0"])
    assert refused.exit_code != 0 and "sites" in refused.output
