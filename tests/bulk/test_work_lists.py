"""Work lists for a whole city: the SQL job's rows equal what the per-order rule (`rules.work_list`) gives every
order, on any day around the city's and for any look-back of overdue tests, and across the changes of rules
(11 Nov, 21 Nov, 7 Dec 2022, 8 Jan 2023). `run_job` on DuckDB runs the schedule in memory (what `fangkong bulk run
work_lists` and bench/work_lists.py run): its rows are the SQL job's, column for column."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fangkong.bulk import work_lists as wl
from fangkong.bulk.city import ZONE, City
from fangkong.bulk.engines import DuckDBEngine, canonical
from fangkong.bulk.jobs import JobRun, run_job
from fangkong.bulk.timebase import epoch_day, from_epoch_day
from fangkong.policy import load_policy
from fangkong.policy.terms import Category
from fangkong.rules.plans import Plan, management_plan
from tests.bulk.helpers import TRANSITION_DAYS

POLICY = load_policy()


def oracle(city: City, on: date, overdue_days: int) -> set[wl.Row]:
    sampled: dict[int, set[date]] = {}
    for s in pq.read_table(city.path("samplings.parquet")).to_pylist():
        sampled.setdefault(s["order_id"], set()).add(from_epoch_day(s["sampled_day"]))
    out: set[wl.Row] = set()
    day = epoch_day(on)
    for o in pq.read_table(city.path("orders.parquet")).to_pylist():
        if not (o["start_day"] <= day and o["released_day"] >= day - overdue_days):
            continue  # the orders a list considers (services.orders.worklists does the same)
        start = from_epoch_day(o["start_day"])
        plan = management_plan(Category(o["category"]), start, POLICY.at(start))
        assert isinstance(plan, Plan)
        seen = {d for d in sampled.get(o["order_id"], set()) if d <= on}
        out |= wl.per_order(o["order_id"], plan, from_epoch_day(o["released_day"]), on, seen, overdue_days)
    return out


def job(engine: DuckDBEngine, on: date, overdue_days: int) -> set[wl.Row]:
    rows = canonical(engine.query(wl.work_lists_sql(epoch_day(on), overdue_days)), wl.KEYS)
    return set(
        zip(*(rows.column(c).to_pylist() for c in ("section", "order_id", "phase_index", "test_day")), strict=True)
    )


def test_the_citys_day(tiny_city: City, duckdb_city: DuckDBEngine) -> None:
    got = job(duckdb_city, tiny_city.today, 7)
    assert {s for s, *_ in got} == {"test_due", "phase_change", "release", "overdue_test"}
    assert got == oracle(tiny_city, tiny_city.today, 7)


@settings(max_examples=8, deadline=None)
@given(shift=st.integers(-6, 4), overdue_days=st.integers(0, 10))
def test_any_day_and_look_back(tiny_city: City, duckdb_city: DuckDBEngine, shift: int, overdue_days: int) -> None:
    on = tiny_city.today + timedelta(days=shift)
    assert job(duckdb_city, on, overdue_days) == oracle(tiny_city, on, overdue_days)


@settings(max_examples=12, deadline=None)
@given(shift=st.integers(-8, 6), overdue_days=st.integers(0, 12))
def test_the_schedule_in_memory_gives_the_jobs_rows(
    tiny_city: City, duckdb_city: DuckDBEngine, shift: int, overdue_days: int
) -> None:
    day = epoch_day(tiny_city.today) + shift
    schedule = wl.Schedule.load(tiny_city.root)
    sql = canonical(duckdb_city.query(wl.work_lists_sql(day, overdue_days)), wl.KEYS)
    assert canonical(schedule.work(day, overdue_days), wl.KEYS).equals(sql)


def test_tests_due_carry_their_phase_and_whether_sampled(tiny_city: City, duckdb_city: DuckDBEngine) -> None:
    rows = duckdb_city.query(wl.work_lists_sql(epoch_day(tiny_city.today), 7)).to_pylist()
    due = [r for r in rows if r["section"] == "test_due"]
    assert due and all(r["kind"] and r["phase_day"] and r["sampled"] is not None for r in due)
    assert {r["sampled"] for r in due} == {True, False}


def both_ways(folder: Path, on: date, overdue_days: int) -> tuple[JobRun, JobRun]:
    """The job as `fangkong bulk run work_lists` runs it on DuckDB (the schedule in memory), and as its SQL."""
    runs = []
    for sql in (False, True):
        engine = DuckDBEngine()
        runs.append(run_job("work_lists", folder, engine, POLICY, on, ZONE, overdue_days=overdue_days, sql=sql))
        engine.close()
    return runs[0], runs[1]


def keys(rows: pa.Table) -> set[wl.Row]:
    return set(zip(*(rows.column(c).to_pylist() for c in wl.KEYS), strict=True))


@pytest.mark.parametrize("overdue_days", [0, 7])
@pytest.mark.parametrize(("today", "on"), TRANSITION_DAYS)
def test_the_commands_pass_is_the_sql_and_the_rule(
    city_on: Callable[[date], City], today: date, on: date, overdue_days: int
) -> None:
    city = city_on(today)
    fast, sql = both_ways(city.root, on, overdue_days)
    assert (fast.engine, sql.engine) == ("schedule in memory", "duckdb")
    assert fast.rows.schema == sql.rows.schema  # the same columns, of the same types
    assert canonical(fast.rows, wl.KEYS).equals(canonical(sql.rows, wl.KEYS))
    assert (fast.policy, fast.cite) == (sql.policy, sql.cite)
    assert fast.rows.num_rows == len(keys(fast.rows)) > 0
    assert keys(fast.rows) == oracle(city, on, overdue_days)


def test_rows_of_orders_not_listed_and_no_samples(tiny_city: City, tmp_path: Path) -> None:
    """Tables as an export may hold them: phases and tests of orders the orders table lacks (they join nothing),
    no sample taken yet. The schedule keeps to the SQL's joins."""
    folder = tmp_path / "store"
    folder.mkdir()
    orders = pq.read_table(tiny_city.path("orders.parquet"))
    gone = pc.is_in(orders.column("order_id"), pa.array(orders.column("order_id").to_pylist()[::7]))
    pq.write_table(orders.filter(pc.invert(gone)), folder / "orders.parquet")
    for name in ("phases", "tests"):
        pq.write_table(pq.read_table(tiny_city.path(f"{name}.parquet")), folder / f"{name}.parquet")
    pq.write_table(pq.read_table(tiny_city.path("samplings.parquet")).slice(0, 0), folder / "samplings.parquet")
    for shift in (-3, 0):
        fast, sql = both_ways(folder, tiny_city.today + timedelta(days=shift), 7)
        assert fast.rows.schema == sql.rows.schema
        assert canonical(fast.rows, wl.KEYS).equals(canonical(sql.rows, wl.KEYS))
        assert fast.rows.num_rows > 0 and not any(fast.rows.column("sampled").drop_null().to_pylist())
