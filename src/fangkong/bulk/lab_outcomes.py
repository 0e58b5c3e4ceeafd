"""A day's nucleic-acid results judged for a whole city on any engine (measure 9, section 3; pools: the testing
rules of 21 Nov 2022): what each tube means and who it touches — the members of a positive pool held and owed a
single-tube retest, the person of a positive single tube an infection.

The store's import (`services.lab`) applies these consequences to the registry in one transaction; this job is its
judgement for a province's lab data on Spark (or DuckDB), and the tests hold both to the rules. As with the health
codes, the rules decide each distinct *class* once — (pool size, Ct per gene, collection day), by
`rules.pooling.tube_verdict`, the verdict the store's import uses too — and the job joins the classes' verdicts
onto the tubes. Community screening is judged for the general population; an entrant's result
needs their context (measure 10) and is the store import's to judge.

Tables read: `lab_tubes(tube_id, pool_size, collected_day)`, `lab_members(tube_id, person_id)`,
`lab_results(tube_id, ct_orf1ab, ct_n)` and the classes' verdicts `lab_classes` (made by `lab_classes`).
Rows out: `tube_id, person_id, outcome, consequence, cite` for every person a result touches.
"""

from __future__ import annotations

import json
from datetime import date

import pyarrow as pa

from fangkong.policy import Policy
from fangkong.rules.ct import GeneCt
from fangkong.rules.pooling import tube_verdict

from .timebase import from_epoch_day

KEYS = ["tube_id", "person_id"]
CLASSES_SQL = """
SELECT DISTINCT t.pool_size, r.ct_orf1ab, r.ct_n, t.collected_day
FROM lab_results r JOIN lab_tubes t ON t.tube_id = r.tube_id
"""


def verdict(pool_size: int, ct: GeneCt, day: date, policy: Policy) -> tuple[str, str, str]:
    """One class: (outcome, consequence for the people in the tube, the clauses as a JSON list)."""
    judged = tube_verdict(pool_size, ct, policy.at(day))
    return judged.outcome, judged.consequence, json.dumps(judged.cite)


def lab_classes(distinct: pa.Table, policy: Policy) -> pa.Table:
    """The verdict of every class in `distinct` (the rows of `CLASSES_SQL`), by the rules."""
    rows = distinct.to_pylist()
    verdicts = [
        verdict(r["pool_size"], GeneCt(orf1ab=r["ct_orf1ab"], n=r["ct_n"]), from_epoch_day(r["collected_day"]), policy)
        for r in rows
    ]
    return pa.table(
        {
            "pool_size": pa.array([r["pool_size"] for r in rows], pa.int32()),
            "ct_orf1ab": pa.array([r["ct_orf1ab"] for r in rows], pa.float64()),
            "ct_n": pa.array([r["ct_n"] for r in rows], pa.float64()),
            "collected_day": pa.array([r["collected_day"] for r in rows], pa.int32()),
            "outcome": pa.array([v[0] for v in verdicts], pa.string()),
            "consequence": pa.array([v[1] for v in verdicts], pa.string()),
            "cite": pa.array([v[2] for v in verdicts], pa.string()),
        }
    )


def lab_outcomes_sql() -> str:
    """The job, once, in DuckDB's dialect (transpiled for Spark and PostgreSQL): every person a result touches.

    "Not detected" (no Ct) is a class of its own: the join compares Ct values with -1 standing for none (a Ct is
    always positive), an equality every engine can hash — PostgreSQL cannot hash `IS NOT DISTINCT FROM`."""
    return """
WITH judged AS (
    SELECT r.tube_id, c.outcome, c.consequence, c.cite
    FROM lab_results r
    JOIN lab_tubes t ON t.tube_id = r.tube_id
    JOIN lab_classes c
      ON c.pool_size = t.pool_size AND c.collected_day = t.collected_day
     AND COALESCE(c.ct_orf1ab, -1) = COALESCE(r.ct_orf1ab, -1) AND COALESCE(c.ct_n, -1) = COALESCE(r.ct_n, -1)
    WHERE c.consequence <> 'none'
)
SELECT j.tube_id, m.person_id, j.outcome, j.consequence, j.cite
FROM judged j JOIN lab_members m ON m.tube_id = j.tube_id
"""


def per_tube(
    pool_size: int, ct: GeneCt, collected_day: int, members: list[int], policy: Policy
) -> set[tuple[int, str]]:
    """The rules' answer for one tube, as (person, consequence) — the job's oracle."""
    _, consequence, _ = verdict(pool_size, ct, from_epoch_day(collected_day), policy)
    return set() if consequence == "none" else {(p, consequence) for p in members}
