"""What a batch of results means and what follows from it, decided by the rules and applied here.

- A positive pool: every member under temporary control and owed a single-tube retest (m20-docs.testing).
- A single tube: `rules.ct.adjudicate_ct` with the person's context — an entrant (active entry order) is judged
  by the Ct 35 cut-off and the 35–40 band (measure 9, section 3), with the band result it follows if any.
  Positive → an infection record (one per person however often it arrives) and transfer of their active orders
  to a designated or makeshift hospital; the band → a retest 24 h later; a past infection → home isolation
  under its own order; negative → temporary control ends. Any later single-tube result settles open retests.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.errors import Conflict
from fangkong.policy import load_policy
from fangkong.policy.terms import Category, PhaseKind, Population, SampleStage
from fangkong.rules.ct import CtDecision, GeneCt, PreviousResult, adjudicate_ct
from fangkong.rules.pooling import PoolDecision, pool_result
from fangkong.services.access import Actor, Role
from fangkong.services.lab.bulk import chunks
from fangkong.services.lab.imports import NewResult, local_day
from fangkong.services.lab.models import LabResult, Retest, Sample, TemporaryControl
from fangkong.services.orders.models import ManagementOrder, OrderStatus
from fangkong.services.orders.schemas import OrderCreate
from fangkong.services.orders.service import place_order, stored_plan, transfer_active_orders


@dataclass(frozen=True, slots=True)
class Judged:
    result: NewResult
    outcome: str  # negative | positive | retest_24h | past_infection | pool_negative | pool_positive
    decision: CtDecision | PoolDecision
    person_id: int | None  # single tubes

    @property
    def cite(self) -> list[str]:
        return self.decision.cite


@dataclass(frozen=True, slots=True)
class _Context:
    population: Population
    stage: SampleStage
    band: tuple[GeneCt, datetime] | None  # the Ct 35–40 result an open retest follows


def _day(at: datetime) -> date:
    return local_day(at).date()


def _active_orders(session: Session, people: list[int]) -> dict[int, list[ManagementOrder]]:
    found: dict[int, list[ManagementOrder]] = {}
    for part in chunks(people):
        for order in session.scalars(
            select(ManagementOrder).where(
                ManagementOrder.person_id.in_(part), ManagementOrder.status == OrderStatus.active
            )
        ):
            found.setdefault(order.person_id, []).append(order)
    return found


def _open_band(session: Session, people: list[int]) -> dict[int, tuple[GeneCt, datetime]]:
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


def _stage(orders: list[ManagementOrder], day: date) -> SampleStage:
    """Release when the sample is the last test of an entrant's centralized isolation (measure 9)."""
    for order in orders:
        if order.category != Category.entry_personnel.value:
            continue
        central = [p for p in stored_plan(order).phases if p.kind is PhaseKind.centralized_isolation]
        if central and central[-1].test_dates and central[-1].test_dates[-1] == day:
            return SampleStage.release
    return SampleStage.screening


def adjudicate(session: Session, new: list[NewResult]) -> list[Judged]:
    """Each new result judged under the rules in force on its collection day, in collection order (so a
    retest in the same file follows the band result before it)."""
    policy = load_policy()
    ordered = sorted(new, key=lambda r: (r.collected_at, r.row.row))
    singles = [r for r in ordered if r.pool_size == 1]
    band = _open_band(session, sorted({r.members[0] for r in singles}))
    detected = {r.members[0] for r in singles if r.row.ct_orf1ab is not None or r.row.ct_n is not None}
    orders = _active_orders(session, sorted(detected | set(band)))
    judged: list[Judged] = []
    for r in ordered:
        rules = policy.at(_day(r.collected_at))
        ct = GeneCt(orf1ab=r.row.ct_orf1ab, n=r.row.ct_n)
        if r.pool_size > 1:
            pool = pool_result(r.pool_size, ct, rules)
            judged.append(Judged(r, f"pool_{pool.outcome}", pool, None))
            continue
        person = r.members[0]
        mine = orders.get(person, [])
        entrant = any(o.category == Category.entry_personnel.value and o.start <= _day(r.collected_at) for o in mine)
        previous = None
        if person in band and band[person][1] < r.collected_at:
            before_ct, before_at = band[person]
            previous = PreviousResult(ct=before_ct, hours_before=(r.collected_at - before_at).total_seconds() / 3600)
        decision = adjudicate_ct(
            ct,
            Population.entry_personnel if entrant or previous is not None else Population.general,
            _stage(mine, _day(r.collected_at)),
            rules,
            previous,
        )
        if decision.result.value == "retest_24h":
            band[person] = (ct, r.collected_at) if previous is None else band[person]
        elif person in band:
            del band[person]
        judged.append(Judged(r, decision.result.value, decision, person))
    return judged


def apply_consequences(
    session: Session, actor: Actor, judged: list[Judged], import_id: int, *, now: datetime
) -> dict[str, int]:
    """Apply every consequence of the judged results; returns counts by kind."""
    from fangkong.services.infections.service import infection_from_result

    system = Actor(f"{actor.username} (lab import {import_id})", Role.admin, actor.jurisdiction_path)
    today = _day(now)
    counts: Counter[str] = Counter()
    pool_members = [m for j in judged if j.outcome == "pool_positive" for m in j.result.members]
    singles = [j.person_id for j in judged if j.person_id is not None]
    touched = sorted(set(pool_members) | set(singles))
    holds: dict[int, TemporaryControl] = {}
    retests: dict[int, list[Retest]] = {}
    for part in chunks(touched):
        for hold in session.scalars(
            select(TemporaryControl).where(TemporaryControl.person_id.in_(part), TemporaryControl.ended_at.is_(None))
        ):
            holds[hold.person_id] = hold
        for retest in session.scalars(
            select(Retest).where(Retest.person_id.in_(part), Retest.done_sample_id.is_(None))
        ):
            retests.setdefault(retest.person_id, []).append(retest)
    # when each sample behind an open retest or hold was taken, and each sample of this batch
    collected: dict[int, datetime] = {j.result.sample_id: j.result.collected_at for j in judged}
    behind = {x.after_sample_id for xs in retests.values() for x in xs} | {h.sample_id for h in holds.values()}
    for part in chunks(sorted(behind - set(collected))):
        collected.update(session.execute(select(Sample.id, Sample.collected_at).where(Sample.id.in_(part))).all())
    result_ids: dict[int, int] = {}
    positives = [j.result.sample_id for j in judged if j.outcome == "positive"]
    for part in chunks(positives):
        result_ids.update(
            session.execute(select(LabResult.sample_id, LabResult.id).where(LabResult.sample_id.in_(part))).all()
        )
    policy = load_policy()

    for j in judged:
        r = j.result
        at = r.row.reported_at
        if j.outcome == "pool_positive":
            assert isinstance(j.decision, PoolDecision)
            for member in r.members:
                if j.decision.hold_members and member not in holds:
                    holds[member] = TemporaryControl(person_id=member, sample_id=r.sample_id, started_at=at)
                    session.add(holds[member])
                    counts["held"] += 1
                retest = Retest(
                    person_id=member, reason="pool_positive", after_sample_id=r.sample_id, due_at=at, cite=j.cite
                )
                session.add(retest)
                retests.setdefault(member, []).append(retest)
                counts["retests_ordered"] += 1
            continue
        if j.person_id is None:
            continue
        person = j.person_id
        # only a sample taken after the one that raised a retest (or a hold) can settle it; a retest in the
        # 35–40 band that came too early leaves the first band result's retest open, its 24 h unchanged
        too_early = j.outcome == "retest_24h" and any(
            x.reason == "ct_band" and x.done_sample_id is None for x in retests.get(person, [])
        )
        for retest in retests.get(person, []):
            later = collected.get(retest.after_sample_id, r.collected_at) < r.collected_at
            if retest.done_sample_id is None and later and not (too_early and retest.reason == "ct_band"):
                retest.done_sample_id = r.sample_id
                counts["retests_done"] += 1
        retests[person] = [x for x in retests.get(person, []) if x.done_sample_id is None]
        held = holds.get(person)
        held_later = held is not None and collected.get(held.sample_id, r.collected_at) < r.collected_at
        if (
            j.outcome in ("negative", "past_infection", "positive")
            and held is not None
            and held.ended_at is None
            and (held_later or j.outcome == "positive")
        ):
            held.ended_at = at
            held.end_reason = {
                "negative": "single-tube retest negative",
                "past_infection": "judged a past infection",
                "positive": "positive: transferred",
            }[j.outcome]
            counts["released_from_hold"] += 1
        if j.outcome == "retest_24h" and not too_early:
            hours = policy.at(_day(r.collected_at)).integer("ct.entry_personnel.retest_after_hours").value or 24
            retest = Retest(
                person_id=person,
                reason="ct_band",
                after_sample_id=r.sample_id,
                due_at=r.collected_at + timedelta(hours=hours),
                cite=j.cite,
            )
            session.add(retest)
            retests.setdefault(person, []).append(retest)
            counts["retests_ordered"] += 1
        elif j.outcome == "positive":
            session.flush()
            infection, created = infection_from_result(
                session, system, person, r.sample_id, result_ids.get(r.sample_id), r.collected_at, at, j.cite, now=now
            )
            counts["infections"] += int(created)
            moved = transfer_active_orders(
                session,
                system,
                person,
                on=_day(at),
                today=today,
                reason=f"positive result of sample {r.row.barcode} (infection {infection.id})",
            )
            if moved:
                counts["transferred"] += moved
        elif j.outcome == "past_infection":
            try:
                place_order(
                    session,
                    system,
                    OrderCreate(
                        person_id=person,
                        category=Category.past_infection_ct35_40.value,
                        anchor_date=min(_day(at), today),
                        reason=f"retest of sample {r.row.barcode}: past infection ({', '.join(j.cite)})",
                    ),
                    today=today,
                )
                counts["past_infections"] += 1
            except Conflict:
                counts["past_infections_already_managed"] += 1
    session.flush()
    return dict(sorted(counts.items()))
