"""Days of supply for 50,000 sites × 200 items (measure 13; issue 18): the job `bulk run days_of_supply` runs (the
numpy pass over the stock lines and the window figure the store keeps on each, read from Parquet), against the same
job as single-pass SQL on DuckDB, the earlier job that aggregated the ledger's dispensations on DuckDB, the per-line
rule in Python (timed on a sample and scaled to all lines), and plain PostgreSQL SQL over the ledger when `--pg URL`
names a server. The same run, the same inputs; prints one line per figure.

    .venv/bin/python bench/days_of_supply.py --sites 50000 --items 200
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import Baseline, compare, finish, say

from fangkong.bulk.days_of_supply import (
    days_of_supply_job,
    days_of_supply_pass,
    days_of_supply_sql,
    read_stock,
    write_stock,
)
from fangkong.bulk.engines import DuckDBEngine
from fangkong.bulk.timebase import epoch_day, from_epoch_day
from fangkong.policy import load_policy
from fangkong.policy.terms import SupplyCategory
from fangkong.rules.supplies import days_of_supply, reorder

AS_OF = date(2022, 12, 10)


def inputs(sites: int, items: int, per_line: int, seed: int = 7) -> tuple[pa.Table, pa.Table]:
    """Stock lines and `per_line` dispensation days per line over the last 20 days (numpy, seeded)."""
    rng = np.random.default_rng(seed)
    n = sites * items
    site = np.repeat(np.arange(sites, dtype=np.int64), items)
    item = np.tile(np.arange(items, dtype=np.int64), sites)
    cats = np.array([c.value for c in SupplyCategory])
    stock = pa.table(
        {
            "site_id": site,
            "item_id": item,
            "category": pa.array(cats[item % len(cats)]),
            "quantity": rng.integers(0, 2000, n),
        }
    )
    used = pa.table(
        {
            "site_id": np.repeat(site, per_line),
            "item_id": np.repeat(item, per_line),
            "day": epoch_day(AS_OF) - rng.integers(0, 20, n * per_line),
            "quantity": rng.integers(1, 40, n * per_line),
        }
    )
    return stock, used


def kept(stock: pa.Table, used: pa.Table, as_of: date, window: int) -> pa.Table:
    """The stock lines with the window figure the store keeps on each (`supply_stock.used_in_window`), computed
    here from the same ledger (not timed: the store keeps it as movements are recorded)."""
    first = epoch_day(as_of) - window + 1
    day = used.column("day").to_numpy()
    inside = used.filter(pa.array((day >= first) & (day <= epoch_day(as_of))))
    n_items = int(pa.compute.max(stock.column("item_id")).as_py()) + 1
    key = inside.column("site_id").to_numpy() * n_items + inside.column("item_id").to_numpy()
    line = stock.column("site_id").to_numpy() * n_items + stock.column("item_id").to_numpy()
    sums = np.bincount(key, weights=inside.column("quantity").to_numpy(), minlength=int(line.max()) + 1)
    return stock.append_column("dispensed", pa.array(sums[line].astype(np.int64))).append_column(
        "used_through", pa.array(np.full(stock.num_rows, epoch_day(as_of), dtype=np.int64))
    )


def best(runs: int, fn: Callable[[], pa.Table]) -> tuple[float, pa.Table]:
    """The best of `runs` timings of `fn` and its last answer."""
    times = []
    out = pa.table({})
    for _ in range(runs):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def figures_of(rows: pa.Table) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """A job's answer in line order: days (NaN: does not run out), reorder points and alerts, to compare runs."""
    rows = rows.sort_by([("site_id", "ascending"), ("item_id", "ascending")])
    days = rows.column("days").to_numpy(zero_copy_only=False).astype(np.float64)
    points = rows.column("reorder_point").to_numpy(zero_copy_only=False)
    alerts = rows.column("alert").cast(pa.string()).to_pylist()
    return days, points, alerts


def same(a: pa.Table, b: pa.Table) -> bool:
    da, pa_, aa = figures_of(a)
    db, pb, ab = figures_of(b)
    return bool(np.array_equal(da, db, equal_nan=True) and np.array_equal(pa_, pb) and aa == ab)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sites", type=int, default=50_000)
    parser.add_argument("--items", type=int, default=200)
    parser.add_argument("--per-line", type=int, default=3)
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each path (the best is taken)")
    parser.add_argument("--sample", type=int, default=20_000, help="lines the Python rule is timed on")
    parser.add_argument("--pg", default=None, help="a PostgreSQL URL for the plain-SQL baseline")
    args = parser.parse_args()
    rules = load_policy().at(AS_OF)
    stock, used = inputs(args.sites, args.items, args.per_line)
    lines = stock.num_rows
    window = int(rules.integer("supplies.consumption_window_days").value or 1)
    with_figure = kept(stock, used, AS_OF, window)
    say(f"{lines:,} stock lines, {used.num_rows:,} dispensations over 20 days; window {window} days")
    # fangkong: what `bulk run days_of_supply` does on DuckDB — the lines as `fangkong supplies export` writes them
    # (an Arrow file, category dictionary-encoded), memory-mapped, and the numpy pass over them
    with tempfile.TemporaryDirectory() as folder:
        write_stock(
            with_figure.set_column(2, "category", pa.compute.dictionary_encode(with_figure.column("category"))),
            Path(folder),
            AS_OF,
        )
        pass_s, fast = best(args.runs, lambda: days_of_supply_pass(read_stock(Path(folder)), rules, AS_OF))
        parquet = Path(folder) / "supply_stock.parquet"
        pq.write_table(with_figure, parquet)
        parquet_s, _ = best(args.runs, lambda: days_of_supply_pass(pq.read_table(parquet), rules, AS_OF))
    say(f"the same pass with the lines read from Parquet instead: {parquet_s:.3f} s")
    alerts = fast.filter(pa.compute.not_equal(fast["alert"], "none")).num_rows
    say(
        f"fangkong: numpy pass over the kept lines, Arrow file read included: {pass_s:.3f} s (best of {args.runs}); "
        f"{alerts:,} alerts"
    )
    engine = DuckDBEngine()
    engine.query("SELECT 1")  # warm
    lines_s, one = best(args.runs, lambda: days_of_supply_job(engine, with_figure, None, rules, AS_OF))
    ledger_s, old = best(args.runs, lambda: days_of_supply_job(engine, stock, used, rules, AS_OF))
    engine.close()
    baselines = [
        Baseline(
            "ledger_duckdb",
            "the earlier job: ledger SQL on DuckDB (sums the window's dispensations)",
            ledger_s,
            same(old, fast),
        ),
        Baseline(
            "lines_duckdb", "the same job as single-pass SQL on DuckDB over the kept lines", lines_s, same(one, fast)
        ),
    ]
    # the per-line rule on the first `sample` lines, grouped in Python as a service would, checked on those lines
    sample = min(args.sample, lines)
    head = stock.slice(0, sample).to_pylist()
    keys = {(r["site_id"], r["item_id"]) for r in head}
    u = used.to_pydict()  # the ledger as Python values: a service's query would hand them so (not timed)
    t0 = time.perf_counter()
    by_line: dict[tuple[int, int], dict[date, int]] = {}
    for s, i, d, q in zip(u["site_id"], u["item_id"], u["day"], u["quantity"], strict=True):
        if (s, i) in keys:
            line = by_line.setdefault((s, i), {})
            day = from_epoch_day(d)
            line[day] = line.get(day, 0) + q
    decided = [
        reorder(
            days_of_supply(r["quantity"], by_line.get((r["site_id"], r["item_id"]), {}), AS_OF, rules),
            r["category"],
            rules,
        ).alert.value
        for r in head
    ]
    rule_s = (time.perf_counter() - t0) * lines / sample
    agree = decided == fast.slice(0, sample).column("alert").cast(pa.string()).to_pylist()
    baselines.append(
        Baseline(
            "rule_python",
            "the per-line rule in Python",
            rule_s,
            agree,
            extrapolated=True,
            detail=f"{sample:,} lines timed, scaled to {lines:,}",
        )
    )
    if args.pg:
        import sqlalchemy as sa

        from fangkong.bulk.engines import postgres_sql

        pg = sa.create_engine(args.pg)
        with pg.begin() as c:
            c.exec_driver_sql("DROP TABLE IF EXISTS stock; DROP TABLE IF EXISTS dispensed")
            c.exec_driver_sql(
                "CREATE UNLOGGED TABLE stock (site_id bigint, item_id bigint, category text, quantity bigint)"
            )
            c.exec_driver_sql(
                "CREATE UNLOGGED TABLE dispensed (site_id bigint, item_id bigint, day bigint, quantity bigint)"
            )
        raw = pg.raw_connection()
        try:
            cur = raw.cursor()
            for name, table in (("stock", stock), ("dispensed", used)):
                with cur.copy(f"COPY {name} FROM STDIN") as copy:
                    for row in zip(*(table.column(c).to_pylist() for c in table.column_names), strict=True):
                        copy.write_row(row)
            raw.commit()
            cur.execute("ANALYZE stock; ANALYZE dispensed")
            t0 = time.perf_counter()
            cur.execute(postgres_sql(days_of_supply_sql(rules, AS_OF)))
            got = cur.fetchall()
            pg_s = time.perf_counter() - t0
            names = [d.name for d in cur.description or []]
            rows = pa.table({n: [r[k] for r in got] for k, n in enumerate(names)})
            baselines.append(
                Baseline("pg_ledger", "plain PostgreSQL, the ledger SQL, fetch included", pg_s, same(rows, fast))
            )
        finally:
            raw.close()
    figures = compare(pass_s, baselines)
    finish("days_of_supply", {"lines": lines, "alerts": alerts, **figures}, baselines)


if __name__ == "__main__":
    main()
