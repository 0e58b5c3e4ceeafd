"""Days of supply and reorder alerts for every site and item at once (measure 13, m20.13; issue 18: "days of supply for
50,000 sites × 200 items"), as one SQL job in DuckDB's dialect with the policy's values bound in (`bulk.engines`:
DuckDB, Spark local mode, PostgreSQL). The same figures as `rules.supplies.days_of_supply` and `reorder` per line.

Inputs (Arrow or Parquet): `stock(site_id, item_id, category, quantity)` and
`dispensed(site_id, item_id, day, quantity)` (`day` in days since the epoch,
`bulk.timebase`). Output: one row per stock line with `dispensed` (in the window),
`daily_use` (NULL: no use), `days` (NULL: does not run out; 0 for an empty shelf) and `alert` (none, reorder,
critical)."""

from __future__ import annotations

from datetime import date

import pyarrow as pa

from fangkong.bulk.engines import Engine
from fangkong.bulk.timebase import epoch_day
from fangkong.policy import PolicyAt
from fangkong.policy.terms import SupplyCategory
from fangkong.rules.supplies import window_of


def days_of_supply_sql(rules: PolicyAt, as_of: date) -> str:
    """The job's SQL for `as_of` under `rules` (the window, the reorder points by category, the critical threshold
    of `supplies.*`, m20.13)."""
    window = int(rules.integer("supplies.consumption_window_days").value or 1)
    critical = int(rules.integer("supplies.critical_days").value or 0)
    first, last = window_of(as_of, window)
    points = " ".join(
        f"WHEN '{c.value}' THEN {int(rules.integer(f'supplies.reorder_days.{c.value}').value or 0)}"
        for c in SupplyCategory
    )
    return f"""
WITH used AS (
  SELECT site_id, item_id, SUM(quantity) AS dispensed
  FROM dispensed
  WHERE day >= {epoch_day(first)} AND day <= {epoch_day(last)}
  GROUP BY site_id, item_id
), lines AS (
  SELECT s.site_id, s.item_id, s.category, s.quantity AS stock, COALESCE(u.dispensed, 0) AS dispensed,
         CASE s.category {points} ELSE NULL END AS reorder_point
  FROM stock s LEFT JOIN used u ON u.site_id = s.site_id AND u.item_id = s.item_id
), figures AS (
  SELECT site_id, item_id, category, stock, dispensed, reorder_point,
         CASE WHEN dispensed = 0 THEN NULL ELSE CAST(dispensed AS DOUBLE) / {window} END AS daily_use,
         CASE WHEN stock = 0 THEN CAST(0 AS DOUBLE)
              WHEN dispensed = 0 THEN NULL
              ELSE CAST(stock AS DOUBLE) / (CAST(dispensed AS DOUBLE) / {window}) END AS days
  FROM lines
)
SELECT site_id, item_id, category, stock, dispensed, reorder_point, daily_use, days,
       CASE WHEN days IS NULL THEN 'none'
            WHEN days < {critical} THEN 'critical'
            WHEN days < reorder_point THEN 'reorder'
            ELSE 'none' END AS alert
FROM figures
"""


def days_of_supply_job(engine: Engine, stock: pa.Table, dispensed: pa.Table, rules: PolicyAt, as_of: date) -> pa.Table:
    """Run the job on `engine` over the two tables (m20.13)."""
    engine.arrow("stock", stock)
    engine.arrow("dispensed", dispensed)
    return engine.query(days_of_supply_sql(rules, as_of))
