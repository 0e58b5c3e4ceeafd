"""Today's work lists for everyone under management in a city (measures 1, 3, 5, 10: the plans' phases and
test days), as one job: the rows `rules.work_list.work_entries` gives each order, for all orders at once.

Tables read: `orders(order_id, person_id, community_id, category, start_day, released_day)` (active orders),
`phases(order_id, phase_index, kind, start_day, end_day)`, the test schedule `tests(order_id, phase_index, kind,
phase_day, test_day)` and `samplings(order_id, sampled_day)` (one per order and day: the store's unique key).
Rows out: `section, order_id, person_id, community_id, category, phase_index, kind, phase_day, test_day,
sampled` — grouped by community for the rounds, as the lists are.
"""

from __future__ import annotations

from datetime import date

from fangkong.rules.plans import Plan
from fangkong.rules.work_list import work_entries

from .timebase import epoch_day

KEYS = ["section", "order_id", "phase_index", "test_day"]
COLUMNS = [
    "section",
    "order_id",
    "person_id",
    "community_id",
    "category",
    "phase_index",
    "kind",
    "phase_day",
    "test_day",
    "sampled",
]


def work_lists_sql(day: int, overdue_days: int) -> str:
    """The job, once, in DuckDB's dialect (transpiled for Spark and PostgreSQL)."""
    return f"""
WITH live AS (
    SELECT order_id, person_id, community_id, category, released_day
    FROM orders
    WHERE start_day <= {day} AND released_day >= {day - overdue_days}
),
scheduled AS (
    SELECT order_id, phase_index, kind, phase_day, test_day
    FROM tests
    WHERE test_day >= {day - overdue_days} AND test_day <= {day}
),
taken AS (
    SELECT order_id, sampled_day
    FROM samplings
    WHERE sampled_day >= {day - overdue_days} AND sampled_day <= {day}
),
tested AS (
    SELECT o.order_id, o.person_id, o.community_id, o.category, t.phase_index, t.kind, t.phase_day, t.test_day,
           k.order_id IS NOT NULL AS sampled
    FROM scheduled t
    JOIN live o ON o.order_id = t.order_id
    LEFT JOIN taken k ON k.order_id = t.order_id AND k.sampled_day = t.test_day
)
SELECT 'release' AS section, order_id, person_id, community_id, category,
       CAST(NULL AS INTEGER) AS phase_index, CAST(NULL AS VARCHAR) AS kind, CAST(NULL AS INTEGER) AS phase_day,
       CAST(NULL AS INTEGER) AS test_day, CAST(NULL AS BOOLEAN) AS sampled
FROM live WHERE released_day = {day}
UNION ALL
SELECT 'phase_change', o.order_id, o.person_id, o.community_id, o.category, CAST(p.phase_index AS INTEGER), p.kind,
       CAST(NULL AS INTEGER), CAST(NULL AS INTEGER), CAST(NULL AS BOOLEAN)
FROM live o JOIN phases p ON p.order_id = o.order_id
WHERE p.start_day = {day} AND p.phase_index > 0
UNION ALL
SELECT 'test_due', order_id, person_id, community_id, category, CAST(phase_index AS INTEGER), kind,
       CAST(phase_day AS INTEGER), test_day, sampled
FROM tested WHERE test_day = {day}
UNION ALL
SELECT 'overdue_test', order_id, person_id, community_id, category, CAST(phase_index AS INTEGER), kind,
       CAST(phase_day AS INTEGER), test_day, CAST(NULL AS BOOLEAN)
FROM tested WHERE test_day < {day} AND NOT sampled
"""


Row = tuple[str, int, int | None, int | None]  # section, order, phase index, test day


def per_order(
    order_id: int, plan: Plan, released_on: date, on: date, sampled: set[date], overdue_days: int
) -> set[Row]:
    """The per-order rule's rows, keyed as the job's (the bulk job's oracle)."""
    return {
        (
            e.section,
            order_id,
            e.phase_index if e.section != "release" else None,
            epoch_day(e.test_day) if e.test_day is not None else None,
        )
        for e in work_entries(plan, released_on, on, sampled, overdue_days)
    }
