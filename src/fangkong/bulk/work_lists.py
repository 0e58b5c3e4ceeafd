"""Today's work lists for everyone under management in a city (measures 1, 3, 5, 10: the plans' phases and
test days), as one job: the rows `rules.work_list.work_entries` gives each order, for all orders at once.

Tables read: `orders(order_id, person_id, community_id, category, start_day, released_day)` (active orders),
`phases(order_id, phase_index, kind, start_day, end_day)`, the test schedule `tests(order_id, phase_index, kind,
phase_day, test_day)` and `samplings(order_id, sampled_day)` (one per order and day: the store's unique key).
Rows out: `section, order_id, person_id, community_id, category, phase_index, kind, phase_day, test_day,
sampled` — grouped by community for the rounds, as the lists are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from fangkong.rules.plans import Plan
from fangkong.rules.work_list import work_entries

from .timebase import epoch_day

KEYS = ["section", "order_id", "phase_index", "test_day"]
SECTIONS = ("release", "phase_change", "test_due", "overdue_test")
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


Array = np.ndarray[Any, Any]


def _codes(column: pa.ChunkedArray) -> tuple[Array, list[str]]:
    """A string column as small integer codes and their values (dictionary-encoded once, at load)."""
    encoded = column.combine_chunks()
    if not pa.types.is_dictionary(encoded.type):
        encoded = encoded.dictionary_encode()
    return encoded.indices.to_numpy(zero_copy_only=False), [str(v) for v in encoded.dictionary.to_pylist()]


def _strings(codes: Array, values: list[str], mask: Array | None = None) -> pa.Array:
    """Codes back to their strings: the SQL job's column type (plain strings, not a dictionary)."""
    indices = pa.array(codes.astype(np.int32), mask=mask)
    return pa.DictionaryArray.from_arrays(indices, pa.array(values, pa.string())).cast(pa.string())


def _member(ordered: Array, wanted: Array) -> Array:
    """Whether each of `wanted` is in the sorted `ordered` (a binary search each)."""
    if not len(ordered):
        return np.zeros(len(wanted), dtype=bool)
    at = np.minimum(np.searchsorted(ordered, wanted), len(ordered) - 1)
    found: Array = ordered[at] == wanted
    return found


@dataclass
class Schedule:
    """Every active order's schedule, held in memory and sorted by day — the tests by test day, the phases by
    first day — so a day's lists are slices, not scans (the same rows as `work_lists_sql`; tests check it)."""

    order_id: Array  # sorted
    person_id: Array
    community_id: Array
    category: Array
    categories: list[str]
    start_day: Array
    released_day: Array
    test_order: Array  # the test schedule, sorted by test_day
    test_phase: Array
    test_kind: Array
    test_phase_day: Array
    test_day: Array
    phase_order: Array  # phases after the first, sorted by start_day
    phase_index: Array
    phase_kind: Array
    phase_start: Array
    kinds: list[str]
    sampled: Array  # sorted keys order_id << 32 | sampled_day
    test_day_type: type[np.signedinteger[Any]]

    @classmethod
    def load(cls, folder: Path) -> Schedule:
        orders = pq.read_table(folder / "orders.parquet").sort_by("order_id")
        tests = pq.read_table(folder / "tests.parquet").sort_by("test_day")
        phases = pq.read_table(folder / "phases.parquet")
        phases = phases.filter(pc.greater(phases.column("phase_index"), 0)).sort_by("start_day")
        samplings = pq.read_table(folder / "samplings.parquet")
        category, categories = _codes(orders.column("category"))
        kinds = sorted({*_codes(tests.column("kind"))[1], *_codes(phases.column("kind"))[1]})
        lookup = {k: i for i, k in enumerate(kinds)}

        def kind_codes(column: pa.ChunkedArray) -> Array:
            codes, values = _codes(column)
            return np.asarray([lookup[v] for v in values], dtype=np.int8)[codes] if len(codes) else codes

        def col(table: pa.Table, name: str) -> Array:
            out: Array = table.column(name).to_numpy()
            return out

        key = (col(samplings, "order_id").astype(np.int64) << 32) | col(samplings, "sampled_day").astype(np.int64)
        return cls(
            order_id=col(orders, "order_id"),
            person_id=col(orders, "person_id"),
            community_id=col(orders, "community_id"),
            category=category,
            categories=categories,
            start_day=col(orders, "start_day"),
            released_day=col(orders, "released_day"),
            test_order=col(tests, "order_id"),
            test_phase=col(tests, "phase_index"),
            test_kind=kind_codes(tests.column("kind")),
            test_phase_day=col(tests, "phase_day"),
            test_day=col(tests, "test_day"),
            phase_order=col(phases, "order_id"),
            phase_index=col(phases, "phase_index"),
            phase_kind=kind_codes(phases.column("kind")),
            phase_start=col(phases, "start_day"),
            kinds=kinds,
            sampled=np.sort(key),
            # the SQL's test_day is its column's type widened to at least INTEGER by the sections' NULLs
            test_day_type=np.int64 if pa.types.is_int64(tests.schema.field("test_day").type) else np.int32,
        )

    def _live_at(self, order_ids: Array, live: Array) -> tuple[Array, Array]:
        """Each order's position in the orders, and whether it is a live order there (a row of an order the
        orders table lacks joins nothing in the SQL job, and is dropped here too)."""
        at = np.minimum(np.searchsorted(self.order_id, order_ids), max(len(self.order_id) - 1, 0))
        if not len(self.order_id):
            return at, np.zeros(len(order_ids), dtype=bool)
        keep: Array = (self.order_id[at] == order_ids) & live[at]
        return at, keep

    def work(self, day: int, overdue_days: int) -> pa.Table:
        """The day's rows, as `work_lists_sql(day, overdue_days)` gives them: the same rows and column types, in
        the sections' order (the SQL's come in no set order). This is what `fangkong bulk run work_lists` runs on
        DuckDB (measures 1, 3, 5, 10: the plans' phases and test days, as `rules.work_list.work_entries`)."""
        live = (self.start_day <= day) & (self.released_day >= day - overdue_days)
        # tests inside the look-back, of orders still considered
        a = int(np.searchsorted(self.test_day, day - overdue_days, "left"))
        b = int(np.searchsorted(self.test_day, day, "right"))
        t_at, keep = self._live_at(self.test_order[a:b], live)
        t_at = t_at[keep]
        t_day = self.test_day[a:b][keep]
        t_phase, t_kind, t_n = (self.test_phase[a:b][keep], self.test_kind[a:b][keep], self.test_phase_day[a:b][keep])
        wanted = (self.order_id[t_at].astype(np.int64) << 32) | t_day.astype(np.int64)
        sampled = _member(self.sampled, wanted)
        due = t_day == day
        overdue = (t_day < day) & ~sampled
        # releases and phases starting today
        released = np.flatnonzero(live & (self.released_day == day))
        c, d = np.searchsorted(self.phase_start, day, "left"), np.searchsorted(self.phase_start, day, "right")
        p_at, p_keep = self._live_at(self.phase_order[c:d], live)
        p_at = p_at[p_keep]

        at = np.concatenate([released, p_at, t_at[due], t_at[overdue]])
        counts = [len(released), len(p_at), int(due.sum()), int(overdue.sum())]
        section = np.repeat(np.arange(4, dtype=np.int8), counts)
        none = np.zeros(len(released), dtype=np.int64)

        def stack(rel: Array, phase: Array, tested: Array) -> Array:
            out: Array = np.concatenate([rel, phase, tested[due], tested[overdue]])
            return out

        phase_index = stack(none, self.phase_index[c:d][p_keep], t_phase)
        kind = stack(none, self.phase_kind[c:d][p_keep], t_kind)
        phase_day = stack(none, np.zeros(len(p_at)), t_n)
        test_day = stack(none, np.zeros(len(p_at)), t_day)
        no_phase = section == 0
        no_test = section <= 1
        return pa.table(
            {
                "section": _strings(section, list(SECTIONS)),
                "order_id": pa.array(self.order_id[at]),
                "person_id": pa.array(self.person_id[at]),
                "community_id": pa.array(self.community_id[at]),
                "category": _strings(self.category[at], self.categories),
                "phase_index": pa.array(phase_index.astype(np.int32), mask=no_phase),
                "kind": _strings(kind, self.kinds, mask=no_phase),
                "phase_day": pa.array(phase_day.astype(np.int32), mask=no_test),
                "test_day": pa.array(test_day.astype(self.test_day_type), mask=no_test),
                "sampled": pa.array(
                    np.concatenate([np.zeros(sum(counts[:2]), bool), sampled[due], np.zeros(counts[3], bool)]),
                    mask=section != 2,
                ),
            }
        )
