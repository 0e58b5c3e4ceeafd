"""Close contacts of many infections at once over the venue-scan log (measure 2).

The job asks what `rules.tracing.venue_candidates` asks of one infection, for all of them: everyone who scanned a
venue the infected person scanned inside their exposure window, at most `tracing.venue_co_presence_minutes`
before or after (interpretation register: venue-co-presence), one row per (infection, person) with the latest
shared scan. The window opens `tracing.look_back_days` days before symptom onset, or sampling when there was no
onset, and closes when the infected person was isolated (look-back-window). Under rules that no longer
determine close contacts (Class B management) the job is refused, as the per-person rule refuses.

Tables read: `cases(case_id, sampled_day, onset_day, isolated_s)` and `scans(person_id, venue_id, at_s)`.
Rows out: `case_id, person_id, last_s, last_day` (see `timebase` for the integer time).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, tzinfo

import pyarrow as pa

from fangkong.errors import Refused
from fangkong.policy import PolicyAt
from fangkong.rules.tracing import InfectionFacts, Scan, exposure_window, venue_candidates

from .timebase import DAY_S, epoch_day, from_epoch_day, from_epoch_s

KEYS = ["case_id", "person_id"]


@dataclass(frozen=True)
class ContactRules:
    """The values of the policy in force that the job binds into its SQL, with their clauses."""

    policy: str | None
    policy_date: date | None
    look_back_days: int
    co_presence_s: int
    offset_s: int  # the jurisdiction's UTC offset, for calendar days
    cite: tuple[str, ...]


def contact_rules(policy: PolicyAt, offset_s: int) -> ContactRules:
    """The look-back and co-presence values in force; refused where close contacts are not determined."""
    days = policy.get("tracing.look_back_days")
    minutes = policy.get("tracing.venue_co_presence_minutes")
    if days.value is None or minutes.value is None:
        clause = (days if days.value is None else minutes).source.clause
        raise Refused(clause, f"close contacts are not determined under {policy.version}")
    return ContactRules(
        policy=policy.version,
        policy_date=policy.on,
        look_back_days=int(days.value),
        co_presence_s=int(minutes.value) * 60,
        offset_s=offset_s,
        cite=tuple(dict.fromkeys((days.source.clause, minutes.source.clause))),
    )


def contacts_sql(rules: ContactRules) -> str:
    """The job, once, in DuckDB's dialect (transpiled for Spark and PostgreSQL)."""
    day = f"CAST((s.at_s + {rules.offset_s}) // {DAY_S} AS BIGINT)"  # the cast: PostgreSQL's DIV gives a numeric
    return f"""
WITH windows AS (
    SELECT case_id, COALESCE(onset_day, sampled_day) - {rules.look_back_days} AS from_day, isolated_s
    FROM cases
),
visits AS (
    SELECT w.case_id, s.venue_id, s.at_s
    FROM windows w JOIN scans s ON s.person_id = w.case_id
    WHERE {day} >= w.from_day AND (w.isolated_s IS NULL OR s.at_s <= w.isolated_s)
),
together AS (
    SELECT v.case_id, s.person_id, s.at_s
    FROM visits v JOIN scans s
      ON s.venue_id = v.venue_id
     AND s.at_s >= v.at_s - {rules.co_presence_s} AND s.at_s <= v.at_s + {rules.co_presence_s}
    WHERE s.person_id <> v.case_id
)
SELECT case_id, person_id, MAX(at_s) AS last_s, CAST((MAX(at_s) + {rules.offset_s}) // {DAY_S} AS BIGINT) AS last_day
FROM together
GROUP BY case_id, person_id
"""


def scan_rows(scans: pa.Table) -> list[Scan]:
    """The log's rows (person_id, venue_id, at_s) as the per-person rule's scans (for small logs: tests, checks)."""
    return [
        Scan(person_id=p, venue=str(v), at=from_epoch_s(t))
        for p, v, t in zip(
            scans.column("person_id").to_pylist(),
            scans.column("venue_id").to_pylist(),
            scans.column("at_s").to_pylist(),
            strict=True,
        )
    ]


def per_person(
    case_id: int,
    sampled_day: int,
    onset_day: int | None,
    isolated_s: int | None,
    scans: Sequence[Scan],
    policy: PolicyAt,
    zone: tzinfo,
) -> set[tuple[int, int, int]]:
    """The per-person rule's answer for one infection, as (case, person, last day): the bulk job's oracle."""
    facts = InfectionFacts(
        onset_on=from_epoch_day(onset_day) if onset_day is not None else None,
        sampled_on=from_epoch_day(sampled_day),
        isolated_at=from_epoch_s(isolated_s) if isolated_s is not None else None,
    )
    window = exposure_window(facts, policy)
    own = [s for s in scans if s.person_id == case_id]
    found = venue_candidates(case_id, own, scans, window, policy, zone)
    return {(case_id, c.person_id, epoch_day(c.last_exposure)) for c in found}
