"""Days of supply for 50,000 sites × 200 items (measure 13; issue 18): the bulk job on DuckDB against the per-line
rule in Python (timed on a sample and scaled to all lines: the same run, the same inputs), and plain PostgreSQL SQL
when `--pg URL` names a server. Prints one line per figure.

    .venv/bin/python bench/days_of_supply.py --sites 50000 --items 200
"""

from __future__ import annotations

import argparse
import time
from datetime import date

import numpy as np
import pyarrow as pa

from fangkong.bulk.days_of_supply import days_of_supply_job, days_of_supply_sql
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sites", type=int, default=50_000)
    parser.add_argument("--items", type=int, default=200)
    parser.add_argument("--per-line", type=int, default=3)
    parser.add_argument("--sample", type=int, default=20_000, help="lines the Python rule is timed on")
    parser.add_argument("--pg", default=None, help="a PostgreSQL URL for the plain-SQL baseline")
    args = parser.parse_args()
    rules = load_policy().at(AS_OF)
    stock, used = inputs(args.sites, args.items, args.per_line)
    lines = stock.num_rows
    engine = DuckDBEngine()
    engine.arrow("stock", stock)
    engine.arrow("dispensed", used)
    engine.query("SELECT 1")  # warm
    t0 = time.perf_counter()
    out = days_of_supply_job(engine, stock, used, rules, AS_OF)
    bulk = time.perf_counter() - t0
    alerts = out.filter(pa.compute.not_equal(out["alert"], "none")).num_rows
    print(f"bulk duckdb: {lines:,} lines ({used.num_rows:,} dispensations) in {bulk:.3f} s; {alerts:,} alerts")
    # the per-line rule on the first `sample` lines, grouped in Python as a service would
    sample = min(args.sample, lines)
    head = stock.slice(0, sample).to_pylist()
    keys = {(r["site_id"], r["item_id"]) for r in head}
    t0 = time.perf_counter()
    by_line: dict[tuple[int, int], dict[date, int]] = {}
    u = used.to_pydict()
    for s, i, d, q in zip(u["site_id"], u["item_id"], u["day"], u["quantity"], strict=True):
        if (s, i) in keys:
            line = by_line.setdefault((s, i), {})
            day = from_epoch_day(d)
            line[day] = line.get(day, 0) + q
    for r in head:
        reorder(
            days_of_supply(r["quantity"], by_line.get((r["site_id"], r["item_id"]), {}), AS_OF, rules),
            r["category"],
            rules,
        )
    rule_s = (time.perf_counter() - t0) * lines / sample
    print(
        f"per-line rule (python): {sample:,} lines timed, {rule_s:.1f} s scaled to {lines:,} lines; "
        f"bulk {rule_s / bulk:.0f}x faster"
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
            cur.fetchall()
            print(f"plain postgresql sql: {time.perf_counter() - t0:.2f} s")
        finally:
            raw.close()
    engine.close()


if __name__ == "__main__":
    main()
