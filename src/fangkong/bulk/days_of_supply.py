"""Days of supply and reorder alerts for every site and item at once (measure 13, m20.13; issue 18: "days of supply for
50,000 sites × 200 items"), as SQL in DuckDB's dialect with the policy's values bound in (`bulk.engines`: DuckDB,
Spark local mode, PostgreSQL) and, on DuckDB, as one vectorized pass over the stock lines (`days_of_supply_pass`).
The same figures as `rules.supplies.days_of_supply` and `reorder` per line.

Two inputs give the dispensations in the consumption window:

- the figure the store keeps on each stock line (`supply_stock.used_in_window`, dispensed in the window ending on
  `used_through`, kept up to date as movements are recorded: `services.supplies.service.refresh_use`): the
  `stock` table then carries `dispensed` and `used_through` and the job is a single pass over the lines
  (`days_of_supply_lines_sql`, `days_of_supply_pass`);
- the ledger itself, `dispensed(site_id, item_id, day, quantity)`, aggregated over the window
  (`days_of_supply_sql`): the definition the kept figure is checked against, and the path for an export that
  has only the movements.

`stock(site_id, item_id, category, quantity[, dispensed, used_through])`; days in days since the epoch
(`bulk.timebase`). Output: one row per stock line with `dispensed` (in the window), `reorder_point`, `daily_use`
(NULL: no use), `days` (NULL: does not run out; 0 for an empty shelf) and `alert` (none, reorder, critical)."""

from __future__ import annotations

import json
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.ipc as ipc
import pyarrow.parquet as pq

from fangkong.bulk.engines import Engine
from fangkong.bulk.timebase import epoch_day
from fangkong.errors import InvalidInput
from fangkong.policy import PolicyAt
from fangkong.policy.terms import SupplyCategory
from fangkong.rules.supplies import SupplyAlert, window_of

# The tables `bulk run days_of_supply` registers from a folder: none by name — it reads the stock lines itself
# (`read_stock`: `supply_stock.arrow`, memory-mapped, or `supply_stock.parquet`).
TABLES: tuple[str, ...] = ()
STOCK_FILE = "supply_stock.arrow"
ALERTS = tuple(a.value for a in (SupplyAlert.none, SupplyAlert.reorder, SupplyAlert.critical))
PARAMETERS = (
    "supplies.consumption_window_days",
    "supplies.critical_days",
    *(f"supplies.reorder_days.{c.value}" for c in SupplyCategory),
)


@dataclass(frozen=True)
class Thresholds:
    """The values of `supplies.*` in force on a day (m20.13): the window, the critical threshold, the reorder point
    of each category."""

    window: int
    critical: int
    points: dict[str, int]

    @classmethod
    def of(cls, rules: PolicyAt) -> Thresholds:
        return cls(
            window=int(rules.integer("supplies.consumption_window_days").value or 1),
            critical=int(rules.integer("supplies.critical_days").value or 0),
            points={c.value: int(rules.integer(f"supplies.reorder_days.{c.value}").value or 0) for c in SupplyCategory},
        )


def cites(rules: PolicyAt) -> tuple[str, ...]:
    """The clauses of the parameters the job used (all m20.13 today), first mention first."""
    found = (rules.find(p) for p in PARAMETERS)
    return tuple(dict.fromkeys(f.source.clause for f in found if f is not None and f.value is not None))


def _figures_sql(t: Thresholds, lines: str) -> str:
    """The per-line figures over `lines` (site_id, item_id, category, stock, dispensed): the rule's arithmetic."""
    points = " ".join(f"WHEN '{c}' THEN {p}" for c, p in t.points.items())
    return f"""
figures AS (
  SELECT site_id, item_id, category, stock, dispensed,
         CASE category {points} ELSE NULL END AS reorder_point,
         CASE WHEN dispensed = 0 THEN NULL ELSE CAST(dispensed AS DOUBLE) / {t.window} END AS daily_use,
         CASE WHEN stock = 0 THEN CAST(0 AS DOUBLE)
              WHEN dispensed = 0 THEN NULL
              ELSE CAST(stock AS DOUBLE) / (CAST(dispensed AS DOUBLE) / {t.window}) END AS days
  FROM {lines}
)
SELECT site_id, item_id, category, stock, dispensed, reorder_point, daily_use, days,
       CASE WHEN days IS NULL THEN 'none'
            WHEN days < {t.critical} THEN 'critical'
            WHEN days < reorder_point THEN 'reorder'
            ELSE 'none' END AS alert
FROM figures
"""


def days_of_supply_sql(rules: PolicyAt, as_of: date) -> str:
    """The job's SQL over the ledger for `as_of` under `rules`: the window's dispensations summed per line, then the
    figures (the window, the reorder points by category, the critical threshold of `supplies.*`, m20.13)."""
    t = Thresholds.of(rules)
    first, last = window_of(as_of, t.window)
    return f"""
WITH used AS (
  SELECT site_id, item_id, SUM(quantity) AS dispensed
  FROM dispensed
  WHERE day >= {epoch_day(first)} AND day <= {epoch_day(last)}
  GROUP BY site_id, item_id
), lines AS (
  SELECT s.site_id, s.item_id, s.category, s.quantity AS stock, CAST(COALESCE(u.dispensed, 0) AS BIGINT) AS dispensed
  FROM stock s LEFT JOIN used u ON u.site_id = s.site_id AND u.item_id = s.item_id
), {_figures_sql(t, "lines")}"""


def days_of_supply_lines_sql(rules: PolicyAt) -> str:
    """The job's SQL over stock lines that carry the kept window figure (`dispensed`): one pass, no aggregation
    (m20.13)."""
    t = Thresholds.of(rules)
    return f"""
WITH lines AS (
  SELECT site_id, item_id, category, quantity AS stock, dispensed FROM stock
), {_figures_sql(t, "lines")}"""


def check_kept(stock: pa.Table, as_of: date) -> None:
    """Refuse stock lines whose kept window figure is not for `as_of` (naming `used_through`): a figure kept
    through another day counts another window's dispensations."""
    if "dispensed" not in stock.column_names or "used_through" not in stock.column_names:
        raise InvalidInput("data", "the stock lines carry no kept window figure (dispensed, used_through)")
    if stock.num_rows == 0:
        return
    through = stock.column("used_through")
    if through.null_count:
        raise InvalidInput("used_through", "some stock lines have no kept window figure: refresh them first")
    bounds = pc.min_max(through).as_py()
    if bounds["min"] != epoch_day(as_of) or bounds["max"] != epoch_day(as_of):
        raise InvalidInput("used_through", f"the kept window figures are not all for {as_of}: refresh them first")


def days_of_supply_job(
    engine: Engine, stock: pa.Table, dispensed: pa.Table | None, rules: PolicyAt, as_of: date
) -> pa.Table:
    """Run the job's SQL on `engine` (m20.13): over the ledger `dispensed` when given, else over the window figure
    the stock lines carry (checked to be for `as_of`)."""
    if dispensed is None:
        check_kept(stock, as_of)
        engine.arrow("stock", stock)
        return engine.query(days_of_supply_lines_sql(rules))
    engine.arrow("stock", stock)
    engine.arrow("dispensed", dispensed)
    return engine.query(days_of_supply_sql(rules, as_of))


CHUNK = 1 << 20  # lines a thread computes at a time: numpy releases the GIL, so the cores share the pass


def _validity(valid: np.ndarray) -> pa.Buffer:
    """An Arrow validity bitmap from a boolean array (bit i set: line i has a value)."""
    return pa.py_buffer(np.packbits(valid, bitorder="little"))


def days_of_supply_pass(stock: pa.Table, rules: PolicyAt, as_of: date) -> pa.Table:
    """The rows of `days_of_supply_lines_sql`, computed by numpy over the stock lines' columns (m20.13): what
    `bulk run days_of_supply` answers on DuckDB. Nothing is converted row by row (category and alert stay
    dictionary-encoded, the stock and dispensed columns are passed through), the arithmetic is the rule's own
    (stock / (dispensed / window), so the doubles agree exactly) and the lines are cut in chunks that the cores
    compute at once. Raises InvalidInput naming `category` for a category outside the vocabulary, and as
    `check_kept` does."""
    check_kept(stock, as_of)
    t = Thresholds.of(rules)
    stock = stock.unify_dictionaries() if pa.types.is_dictionary(stock.schema.field("category").type) else stock
    category = stock.column("category")
    if not pa.types.is_dictionary(category.type):
        category = pc.dictionary_encode(category)
    category = category.combine_chunks() if isinstance(category, pa.ChunkedArray) else category
    words = category.dictionary.to_pylist()
    unknown = [w for w in words if w not in t.points]
    if unknown:
        raise InvalidInput("category", f"{unknown[0]!r} is not a category")
    points = np.array([t.points[w] for w in words] or [0], dtype=np.int64)
    limits = points.astype(np.float64)
    index = category.indices.to_numpy(zero_copy_only=False)
    quantity_col = stock.column("quantity").cast(pa.int64())
    used_col = stock.column("dispensed").cast(pa.int64())
    quantity = quantity_col.to_numpy()
    used = used_col.to_numpy()
    n = len(quantity)
    daily_use = np.empty(n, dtype=np.float64)
    days = np.empty(n, dtype=np.float64)
    reorder_point = np.empty(n, dtype=np.int64)
    alert = np.empty(n, dtype=np.int8)

    def fill(lo: int) -> None:
        hi = min(lo + CHUNK, n)
        q, u, d, use = quantity[lo:hi], used[lo:hi], days[lo:hi], daily_use[lo:hi]
        with np.errstate(divide="ignore", invalid="ignore"):
            np.divide(u, float(t.window), out=use)
            # no use and stock left: stock / 0 = inf, which no threshold is above (no alert; NULL below)
            np.divide(q, use, out=d)
        d[q == 0] = 0.0  # an empty shelf has 0 days whatever the use
        np.take(points, index[lo:hi], out=reorder_point[lo:hi])
        a = alert[lo:hi]
        a[:] = d < np.take(limits, index[lo:hi])
        a[d < t.critical] = 2

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        list(pool.map(fill, range(0, n, CHUNK)))
    return pa.table(
        {
            "site_id": stock.column("site_id"),
            "item_id": stock.column("item_id"),
            "category": category,
            "stock": quantity_col,
            "dispensed": used_col,
            "reorder_point": pa.array(reorder_point),
            "daily_use": pa.Array.from_buffers(pa.float64(), n, [_validity(used != 0), pa.py_buffer(daily_use)]),
            "days": pa.Array.from_buffers(pa.float64(), n, [_validity(np.isfinite(days)), pa.py_buffer(days)]),
            "alert": pa.DictionaryArray.from_arrays(pa.array(alert), pa.array(ALERTS)),
        }
    )


def read_stock(folder: Path) -> pa.Table:
    """The stock lines of a folder in `bulk run`'s layout: `supply_stock.arrow` (an Arrow IPC file, memory-mapped:
    the columns are read where they lie, nothing decoded), else `supply_stock.parquet`."""
    arrow = folder / STOCK_FILE
    if arrow.exists():
        with pa.memory_map(str(arrow)) as source:
            return ipc.open_file(source).read_all()
    path = folder / "supply_stock.parquet"
    if not path.exists():
        raise InvalidInput("data", f"{folder} has no {STOCK_FILE} or {path.name} (the job needs one)")
    return pq.read_table(path)


def write_stock(table: pa.Table, folder: Path, as_of: date) -> None:
    """Write stock lines with their kept window figure as `read_stock` reads them fastest (`supply_stock.arrow`,
    uncompressed), with `export.json` naming the day they are for."""
    folder.mkdir(parents=True, exist_ok=True)
    with pa.OSFile(str(folder / STOCK_FILE), "wb") as sink, ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)
    (folder / "export.json").write_text(json.dumps({"today": as_of.isoformat()}), encoding="utf-8")


def stock_lines(sites: int, items: int, as_of: date, *, seed: int = 20221111) -> pa.Table:
    """Synthetic stock lines for `sites` × `items` with a kept window figure for `as_of` (numpy, seeded): the
    benchmark's and `fangkong bulk supplies`'s province."""
    rng = np.random.default_rng(seed)
    n = sites * items
    item = np.tile(np.arange(items, dtype=np.int64), sites)
    cats = [c.value for c in SupplyCategory]
    return pa.table(
        {
            "site_id": np.repeat(np.arange(sites, dtype=np.int64), items),
            "item_id": item,
            "category": pa.DictionaryArray.from_arrays(pa.array((item % len(cats)).astype(np.int32)), pa.array(cats)),
            "quantity": rng.integers(0, 2000, n),
            # about one line in ten with no use in the window; the rest up to 120 units over it
            "dispensed": np.where(rng.random(n) < 0.1, 0, rng.integers(1, 120, n)),
            "used_through": np.full(n, epoch_day(as_of), dtype=np.int64),
        }
    )


def generate_supplies(folder: Path, sites: int, items: int, as_of: date, *, seed: int = 20221111) -> int:
    """Write a synthetic province's stock lines to `folder` (`write_stock`); the number of lines."""
    table = stock_lines(sites, items, as_of, seed=seed)
    write_stock(table, folder, as_of)
    return int(table.num_rows)
