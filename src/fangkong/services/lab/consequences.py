"""What a batch of results means and what follows from it, decided by the rules and applied here — as columns
and set-based statements, whatever the batch's size.

- A positive pool: every member under temporary control and owed a single-tube retest (the testing rules).
- A single tube: `rules.ct.adjudicate_ct` with the person's context (`rules.ct.ct_context`) — an entrant (active
  entry order) is judged by the Ct 35 cut-off and the 35–40 band (measure 9, section 3), with the band result it
  follows if any. Positive → an infection and what follows it (`infection_follow_up`: transfer of their active
  orders to a designated or makeshift hospital, the risk areas, proposed contacts); the band → a retest when
  `rules.ct.retest_due` says; a past infection → home isolation under its own order; negative → temporary
  control ends. Any later single-tube result settles open retests.

How: results that need no one's context are judged once per class (`bulk.lab_results`); the few single tubes
of entrants and of people owed a band retest are judged one by one in collection order, with their context.
The consequences are staged (`lab_event`: one row per person and result that has any) and applied with
INSERT … SELECT and UPDATE … FROM, one *round* at a time — round k holds each person's k-th result of the file,
so a person whose pool and retest arrive in the same file is treated as if they arrived one after the other.
A new infection (the record, then what follows it) and a past infection's order are per person: they go through
the follow-up flow and the orders service for those few rows.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

import polars as pl
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from fangkong.bulk.lab_results import adjudicate_classes, person_rounds
from fangkong.errors import Conflict
from fangkong.policy import Policy
from fangkong.policy.terms import Category, Finding, PhaseKind
from fangkong.rules.ct import EntryOrder, GeneCt, PreviousResult, adjudicate_ct, ct_context, retest_due
from fangkong.services import infection_follow_up
from fangkong.services.access import Actor, lab_consequences_of
from fangkong.services.areas.service import note_finding
from fangkong.services.calendar import JURISDICTION_ZONE, local_day
from fangkong.services.file_imports.bulk import analyze, chunks, copy_frame, drop_temporary, temporary_table
from fangkong.services.health_codes.owed import owe_codes
from fangkong.services.infections.service import PositiveResult
from fangkong.services.lab.models import LabResult, Retest, Sample, SampleMember
from fangkong.services.orders.isolation import follow_isolation_results
from fangkong.services.orders.models import ManagementOrder, OrderStatus
from fangkong.services.orders.schemas import OrderCreate
from fangkong.services.orders.service import place_order, stored_plan

EVENT_COLUMNS = (
    "person_id INTEGER, sample_id INTEGER, line INTEGER, turn INTEGER, is_single INTEGER, hold_members INTEGER, "
    "too_early INTEGER, outcome VARCHAR(20), collected_at TIMESTAMP WITH TIME ZONE, "
    "reported_at TIMESTAMP WITH TIME ZONE, due_at TIMESTAMP WITH TIME ZONE, cite JSON"
)
END_REASON = {
    "negative": "single-tube retest negative",
    "past_infection": "judged a past infection",
    "positive": "positive: transferred",
}
_INSTANT = pl.Datetime("us", "UTC")


def active_orders(session: Session, people: list[int]) -> dict[int, list[ManagementOrder]]:
    """Per person, their active orders."""
    found: dict[int, list[ManagementOrder]] = {}
    for part in chunks(people):
        for order in session.scalars(
            select(ManagementOrder).where(
                ManagementOrder.person_id.in_(part), ManagementOrder.status == OrderStatus.active
            )
        ):
            found.setdefault(order.person_id, []).append(order)
    return found


def open_band(session: Session, people: list[int]) -> dict[int, tuple[GeneCt, datetime]]:
    """Per person, the band result behind their open ct_band retest."""
    found: dict[int, tuple[GeneCt, datetime]] = {}
    for part in chunks(people):
        for pid, orf1ab, n, collected in session.execute(
            select(Retest.person_id, LabResult.ct_orf1ab, LabResult.ct_n, Sample.collected_at)
            .join(LabResult, LabResult.sample_id == Retest.after_sample_id)
            .join(Sample, Sample.id == Retest.after_sample_id)
            .where(Retest.person_id.in_(part), Retest.reason == "ct_band", Retest.done_sample_id.is_(None))
            .order_by(Sample.collected_at)
        ):
            found[pid] = (GeneCt(orf1ab=orf1ab, n=n), collected)
    return found


def entry_orders(orders: Iterable[ManagementOrder]) -> list[EntryOrder]:
    """A person's entry orders as `rules.ct.ct_context` reads them: the day each starts, and the test days of the
    last centralized isolation of its plan."""
    found = []
    for order in orders:
        if order.category != Category.entry_personnel.value:
            continue
        central = [p for p in stored_plan(order).phases if p.kind is PhaseKind.centralized_isolation]
        found.append(EntryOrder(start=order.start, isolation_test_days=central[-1].test_dates if central else ()))
    return found


def _context_people(session: Session, singles: pl.DataFrame) -> list[int]:
    """People whose single-tube results need their context: owed a retest after a Ct 35–40 result, or with a
    detected Ct and an active entry order (the entrant's cut-off, the release stage). Everyone else is judged
    as the general population at screening (measure 9)."""
    people = singles.select("person_id").unique()
    detected = singles.filter(pl.col("ct_orf1ab").is_not_null() | pl.col("ct_n").is_not_null())
    temporary_table(session, "lab_person", "person_id INTEGER")
    copy_frame(session, "lab_person", people)
    analyze(session, "lab_person")
    found = set(
        session.scalars(
            text(
                """SELECT DISTINCT r.person_id FROM lab_person p JOIN retest r ON r.person_id = p.person_id
                   WHERE r.reason = 'ct_band' AND r.done_sample_id IS NULL"""
            )
        )
    )
    drop_temporary(session, "lab_person")
    for part in chunks(sorted(set(detected["person_id"].to_list()))):
        found.update(
            session.scalars(
                select(ManagementOrder.person_id).where(
                    ManagementOrder.person_id.in_(part),
                    ManagementOrder.status == OrderStatus.active,
                    ManagementOrder.category == Category.entry_personnel.value,
                )
            )
        )
    return sorted(found)


def _in_context(session: Session, rows: pl.DataFrame, policy: Policy) -> pl.DataFrame:
    """The single tubes of people with context, one by one in collection order (so a retest in the same file
    follows the band result before it): `row`, `outcome`, `cite`, `due_at` (a band result's retest)."""
    people = sorted(set(rows["person_id"].to_list()))
    band = open_band(session, people)
    orders = active_orders(session, people)
    verdicts: list[tuple[int, str, str, datetime | None]] = []
    for r in rows.sort("collected_at", "row").iter_rows(named=True):
        collected: datetime = r["collected_at"]
        day = local_day(collected)
        rules = policy.at(day)
        ct = GeneCt(orf1ab=r["ct_orf1ab"], n=r["ct_n"])
        person = r["person_id"]
        previous = None
        if person in band and band[person][1] < collected:
            before_ct, before_at = band[person]
            previous = PreviousResult(ct=before_ct, hours_before=(collected - before_at).total_seconds() / 3600)
        context = ct_context(day, entry_orders(orders.get(person, [])), previous is not None, rules)
        decision = adjudicate_ct(ct, context.population, context.stage, rules, previous)
        due = retest_due(decision, collected, rules)
        if due is not None:
            band[person] = (ct, collected) if previous is None else band[person]
        elif person in band:
            del band[person]
        verdicts.append((r["row"], decision.result.value, json.dumps(decision.cite), due))
    return pl.DataFrame(
        verdicts, schema={"row": pl.Int64, "outcome": pl.String, "cite": pl.String, "due_at": _INSTANT}, orient="row"
    )


def adjudicate(session: Session, new: pl.DataFrame, *, policy: Policy) -> pl.DataFrame:
    """Each new result judged under the rules in force on its collection day: `new` with `outcome`, `cite` (a
    JSON list of clause ids), `hold_members` and `due_at` (when a Ct 35–40 result's retest is due)."""
    judged = adjudicate_classes(new, policy, JURISDICTION_ZONE.key).with_columns(due_at=pl.lit(None, dtype=_INSTANT))
    singles = judged.filter(pl.col("pool_size") == 1)
    context = _context_people(session, singles)
    if context:
        rows = singles.filter(pl.col("person_id").is_in(context))
        judged = judged.update(_in_context(session, rows, policy), on="row", how="left")
    return judged


def _events(session: Session, judged: pl.DataFrame) -> pl.DataFrame:
    """One row per person and result with consequences: each single tube, and each member of a positive pool;
    numbered into rounds (`bulk.lab_results.person_rounds`)."""
    columns = ["person_id", "sample_id", "row", "is_single", "hold_members", "outcome", "collected_at"]
    columns += ["reported_at", "due_at", "cite"]
    singles = judged.filter(pl.col("pool_size") == 1).with_columns(
        is_single=pl.lit(1, pl.Int8), hold_members=pl.lit(0, pl.Int8)
    )
    pools = judged.filter(pl.col("outcome") == "pool_positive").drop("person_id")
    members: list[tuple[int, int]] = []
    for part in chunks(pools["sample_id"].to_list()):
        members.extend(
            session.execute(
                select(SampleMember.sample_id, SampleMember.person_id).where(SampleMember.sample_id.in_(part))
            ).all()
        )
    held = pools.join(
        pl.DataFrame(members, schema={"sample_id": pl.Int64, "person_id": pl.Int64}, orient="row"), on="sample_id"
    ).with_columns(is_single=pl.lit(0, pl.Int8), hold_members=pl.col("hold_members").cast(pl.Int8))
    return person_rounds(pl.concat([singles.select(columns), held.select(columns)]))


# One round of the consequences, in the order they follow one result of one person: (count, statement)
ROUND = (
    # a band result whose own band retest is still open came too early: that retest stays open (measure 9)
    (
        None,
        """UPDATE lab_event SET too_early = 1 WHERE turn = :turn AND is_single = 1 AND outcome = 'retest_24h'
           AND EXISTS (SELECT 1 FROM retest x WHERE x.person_id = lab_event.person_id
                       AND x.reason = 'ct_band' AND x.done_sample_id IS NULL)""",
    ),
    # a single-tube sample taken after the one that raised a retest settles it
    (
        "retests_done",
        """UPDATE retest SET done_sample_id = e.sample_id FROM lab_event e, sample a
           WHERE e.turn = :turn AND e.is_single = 1 AND retest.person_id = e.person_id
           AND retest.done_sample_id IS NULL AND a.id = retest.after_sample_id AND a.collected_at < e.collected_at
           AND NOT (e.too_early = 1 AND retest.reason = 'ct_band')""",
    ),
    # a negative, a past infection or a positive ends temporary control (a negative only if taken after the hold)
    (
        "released_from_hold",
        """UPDATE temporary_control SET ended_at = e.reported_at, end_reason = CASE e.outcome
             WHEN 'negative' THEN :negative WHEN 'past_infection' THEN :past_infection ELSE :positive END
           FROM lab_event e, sample h
           WHERE e.turn = :turn AND e.is_single = 1 AND temporary_control.person_id = e.person_id
           AND temporary_control.ended_at IS NULL AND e.outcome IN ('negative', 'past_infection', 'positive')
           AND h.id = temporary_control.sample_id AND (h.collected_at < e.collected_at OR e.outcome = 'positive')""",
    ),
    # members of a positive pool: under temporary control on the spot (once) and owed a single-tube retest
    (
        "held",
        """INSERT INTO temporary_control (person_id, sample_id, started_at)
           SELECT e.person_id, e.sample_id, e.reported_at FROM lab_event e
           WHERE e.turn = :turn AND e.is_single = 0 AND e.hold_members = 1 AND NOT EXISTS (
             SELECT 1 FROM temporary_control t WHERE t.person_id = e.person_id AND t.ended_at IS NULL)""",
    ),
    (
        "retests_ordered",
        """INSERT INTO retest (person_id, reason, after_sample_id, due_at, cite)
           SELECT e.person_id, 'pool_positive', e.sample_id, e.reported_at, e.cite FROM lab_event e
           WHERE e.turn = :turn AND e.is_single = 0""",
    ),
    # an entrant's Ct 35–40: a retest 24 h after the sample
    (
        "retests_ordered",
        """INSERT INTO retest (person_id, reason, after_sample_id, due_at, cite)
           SELECT e.person_id, 'ct_band', e.sample_id, e.due_at, e.cite FROM lab_event e
           WHERE e.turn = :turn AND e.is_single = 1 AND e.outcome = 'retest_24h' AND e.too_early = 0""",
    ),
)


def apply_consequences(
    session: Session, actor: Actor, judged: pl.DataFrame, import_id: int, *, now: datetime, policy: Policy
) -> dict[str, int]:
    """Apply every consequence of the judged results (already stored under `import_id`); counts by kind."""
    system = lab_consequences_of(actor, import_id)
    today = local_day(now)
    counts: Counter[str] = Counter()
    events = _events(session, judged)
    temporary_table(session, "lab_event", EVENT_COLUMNS)
    copy_frame(session, "lab_event", events.rename({"row": "line"}).with_columns(too_early=pl.lit(0, pl.Int8)))
    # each round's statements read their turn's events through this index: without it every round scanned all
    # of them, and a file with many results a person (as many rounds) cost rounds × events — 300,000 results
    # over 120 people took minutes
    session.execute(text("CREATE INDEX lab_event_turn ON lab_event (turn, person_id)"))
    analyze(session, "lab_event")
    session.flush()
    personal = events.filter(pl.col("outcome").is_in(["positive", "past_infection"])).join(
        judged.select("row", "barcode"), on="row"
    )
    _owe_held_codes(session, events)
    result_ids: dict[int, int] = {}
    for part in chunks(personal.filter(pl.col("outcome") == "positive")["sample_id"].to_list()):
        result_ids.update(
            session.execute(select(LabResult.sample_id, LabResult.id).where(LabResult.sample_id.in_(part))).all()
        )
    # the personal events of each turn, split once (filtering them per turn was again rounds × events)
    by_turn: dict[int, list[dict[str, Any]]] = {}
    for r in personal.sort("collected_at", "row").iter_rows(named=True):
        by_turn.setdefault(int(r["turn"]), []).append(r)
    for turn in range(1, int(events["turn"].max() or 0) + 1):  # type: ignore[arg-type]
        for kind, statement in ROUND:
            done = session.execute(text(statement), {"turn": turn, **END_REASON})
            if kind is not None and done.rowcount:  # type: ignore[attr-defined]
                counts[kind] += done.rowcount  # type: ignore[attr-defined]
        session.expire_all()  # the ORM's copies of holds and retests are behind the statements
        for r in by_turn.get(turn, []):
            _personal(session, system, r, r["barcode"], result_ids, counts, now=now, today=today, policy=policy)
    drop_temporary(session, "lab_event")
    # infections isolated at home (the new ten): a single tube below the release Ct extends the isolation
    singles = set(events.filter(pl.col("is_single") == 1)["person_id"].to_list())
    extended = follow_isolation_results(session, system, singles, policy, now=now)
    if extended:
        counts["isolations_extended"] += extended
    session.flush()
    return dict(sorted(counts.items()))


def _owe_held_codes(session: Session, events: pl.DataFrame) -> None:
    """The codes the statements below change without the ORM: everyone a positive pool holds, and everyone
    under temporary control whose single tube this import brings (it may end the hold); refreshed at commit
    (`health_codes.follow`). Infections and past-infection orders go through their services and are noted
    there."""
    held = events.filter((pl.col("is_single") == 0) & (pl.col("hold_members") == 1))["person_id"]
    ending = session.scalars(
        text(
            """SELECT DISTINCT e.person_id FROM lab_event e JOIN temporary_control t ON t.person_id = e.person_id
               WHERE e.is_single = 1 AND t.ended_at IS NULL"""
        )
    )
    owe_codes(session, [*held.unique().to_list(), *ending], "lab.results")


def _personal(
    session: Session,
    system: Actor,
    r: dict[str, Any],
    barcode: str,
    result_ids: dict[int, int],
    counts: Counter[str],
    *,
    now: datetime,
    today: date,
    policy: Policy,
) -> None:
    """A positive single tube (an infection and what follows it) or a past infection (home isolation under its
    own order): through the services that keep those records, one person at a time."""
    person: int = r["person_id"]
    at: datetime = r["reported_at"]
    cite: list[str] = json.loads(r["cite"])
    if r["outcome"] == "positive":
        positive = PositiveResult(
            person_id=person,
            sample_id=r["sample_id"],
            barcode=barcode,
            result_id=result_ids.get(r["sample_id"]),
            collected_at=r["collected_at"],
            reported_at=at,
            cite=tuple(cite),
        )
        followed = infection_follow_up.infection_from_result(session, system, positive, now=now, policy=policy)
        if followed.created:
            counts["infections"] += 1
        if followed.re_positive:
            counts["re_positives"] += 1
        if followed.transferred:
            counts["transferred"] += followed.transferred
        return
    try:
        place_order(
            session,
            system,
            OrderCreate(
                person_id=person,
                category=Category.past_infection_ct35_40.value,
                anchor_date=min(local_day(at), today),
                reason=f"retest of sample {barcode}: past infection ({', '.join(cite)})",
            ),
            today=today,
            policy=policy,
        )
        counts["past_infections"] += 1
    except Conflict:
        counts["past_infections_already_managed"] += 1
        return
    # a past infection is no new infection: the risk areas its person lives in note it as not counted
    note_finding(
        session,
        system,
        person,
        Finding.past_infection_ct35_40,
        local_day(r["collected_at"]),
        f"sample {barcode} judged a past infection, sampled",
        policy,
    )
