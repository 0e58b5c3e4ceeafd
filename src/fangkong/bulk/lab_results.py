"""A day's lab results judged as columns: each result's outcome depends on a few of its columns only — the Ct
of each gene, whether the sample is a pool (and its size), and the policy in force on the collection day — so
the rules are asked once per distinct combination (a *class*) and the answers are joined back onto the rows.

The rules stay the single source of truth: `rules.pooling.tube_verdict` — `pool_result` for pools (the testing
rules), `adjudicate_ct` for single tubes of the general population at screening (measure 9, section 3), the same
verdict the city-wide job (`bulk.lab_outcomes`) joins. A single tube whose judgement needs the person's context
(an entrant, or a retest after a Ct 35–40 result) is judged by the caller with that context; its verdict replaces
the class's.

Pure: frames in, frames out; no I/O, no clock. Instants are `Datetime("us", "UTC")` columns.
"""

from __future__ import annotations

import json
from datetime import date

import polars as pl

from fangkong.policy import Policy
from fangkong.rules.ct import GeneCt
from fangkong.rules.pooling import tube_verdict

__all__ = ["CLASS_KEY", "VERDICT_SCHEMA", "adjudicate_classes", "local_days", "person_rounds"]

# what a result's outcome depends on, when no person's context is needed
CLASS_KEY = ("pool_size", "ct_orf1ab", "ct_n", "day")
VERDICT_SCHEMA = {"outcome": pl.String, "cite": pl.String, "hold_members": pl.Boolean}


def local_days(instants: pl.Expr, zone: str) -> pl.Expr:
    """The calendar day of each instant in the jurisdiction's zone (the zone's rules, not a fixed offset)."""
    return instants.dt.convert_time_zone(zone).dt.date()


def _verdict(pool_size: int, ct: GeneCt, day: date, policy: Policy) -> tuple[str, str, bool]:
    """One class: (outcome as stored on the result, its clauses as JSON, whether pool members are held)."""
    verdict = tube_verdict(pool_size, ct, policy.at(day))
    return verdict.outcome, json.dumps(verdict.cite), verdict.hold_members


def adjudicate_classes(results: pl.DataFrame, policy: Policy, zone: str) -> pl.DataFrame:
    """`results` (with `pool_size`, `ct_orf1ab`, `ct_n`, `collected_at`) with the rules' verdict on each row:
    `outcome`, `cite` (a JSON list of clause ids) and `hold_members` (a positive pool's members held)."""
    frame = results.with_columns(day=local_days(pl.col("collected_at"), zone))
    classes = frame.select(CLASS_KEY).unique()
    verdicts = [_verdict(size, GeneCt(orf1ab=orf1ab, n=n), day, policy) for size, orf1ab, n, day in classes.iter_rows()]
    table = classes.with_columns(
        pl.DataFrame(verdicts, schema=VERDICT_SCHEMA, orient="row") if verdicts else pl.DataFrame(schema=VERDICT_SCHEMA)
    )
    # a null Ct (not detected) is a class of its own: join with nulls equal
    return frame.join(table, on=list(CLASS_KEY), how="left", nulls_equal=True).drop("day")


def person_rounds(events: pl.DataFrame) -> pl.DataFrame:
    """Number each person's events in this file in the order they happened (collection instant, then file
    row) into `turn`s: turn 1 is everyone's first event, turn 2 the second of those who have two... Within a turn
    a person has one event, so a turn's consequences can be applied to everyone in it at once, and the turns one
    after the other give what taking the results one by one in collection order gives."""
    return events.sort(["person_id", "collected_at", "row"]).with_columns(
        turn=(pl.int_range(pl.len()).over("person_id") + 1).cast(pl.Int32)
    )
