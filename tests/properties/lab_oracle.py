"""The oracle of tests/properties: the lab results import as it was before the set-based one, kept only to check
that one against (test_lab_bulk_equivalence) and the row-by-row reading of a results file against the columnar
one (test_result_file_reading) — one pydantic decision per result, the consequences applied through the ORM row
by row.

One deliberate difference, fixed in the new implementation and marked here: a person whose hold ended earlier in
the same file (a negative single tube) and who is then in another positive pool is held again.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.errors import Conflict, RowError
from fangkong.policy import Policy, load_policy
from fangkong.policy.terms import Category, Finding, Population
from fangkong.rules.ct import CtDecision, GeneCt, PreviousResult, adjudicate_ct, ct_context
from fangkong.rules.pooling import PoolDecision, pool_result
from fangkong.services.access import Actor, Role
from fangkong.services.areas.service import note_finding
from fangkong.services.calendar import local_day
from fangkong.services.file_imports.batches import ImportSummary, already_imported, digest
from fangkong.services.file_imports.bulk import chunks, copy_rows
from fangkong.services.file_imports.models import LabImport
from fangkong.services.file_imports.rows import Format, ct_of, instant_of, limited, records, text_of
from fangkong.services.infection_follow_up import infection_from_result
from fangkong.services.infections.service import PositiveResult
from fangkong.services.lab import consequences as new_consequences
from fangkong.services.lab.files import RESULT_COLUMNS
from fangkong.services.lab.models import LabResult, Retest, Sample, SampleMember, TemporaryControl
from fangkong.services.orders.isolation import follow_isolation_results
from fangkong.services.orders.schemas import OrderCreate
from fangkong.services.orders.service import place_order


@dataclass(frozen=True, slots=True)
class ResultRow:
    row: int
    barcode: str
    lab: str
    reported_at: datetime
    ct_orf1ab: float | None
    ct_n: float | None


@dataclass(frozen=True, slots=True)
class NewResult:
    row: ResultRow
    sample_id: int
    pool_size: int
    collected_at: datetime
    members: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Judged:
    result: NewResult
    outcome: str
    decision: CtDecision | PoolDecision
    person_id: int | None

    @property
    def cite(self) -> list[str]:
        return self.decision.cite


def _read_results(data: bytes, fmt: Format, now: datetime) -> list[ResultRow]:
    rows: list[ResultRow] = []
    seen: dict[str, int] = {}
    for n, raw in limited(records(data, fmt, RESULT_COLUMNS)):
        barcode = text_of(n, raw, "barcode", max_len=64)
        if barcode in seen:
            raise RowError(n, "barcode", f"{barcode} repeats row {seen[barcode]}")
        seen[barcode] = n
        rows.append(
            ResultRow(
                n,
                barcode,
                text_of(n, raw, "lab", max_len=200),
                instant_of(n, raw, "reported_at", now),
                ct_of(n, raw, "ct_orf1ab"),
                ct_of(n, raw, "ct_n"),
            )
        )
    return rows


def _new_results(session: Session, rows: list[ResultRow]) -> list[NewResult]:
    samples = {
        b: (sid, size, at)
        for sid, b, size, at in session.execute(
            select(Sample.id, Sample.barcode, Sample.pool_size, Sample.collected_at).where(
                Sample.barcode.in_([r.barcode for r in rows])
            )
        )
    }
    before = {res.sample_id for res in session.scalars(select(LabResult))}
    members: dict[int, list[int]] = {}
    for sid, pid in session.execute(select(SampleMember.sample_id, SampleMember.person_id)):
        members.setdefault(sid, []).append(pid)
    new = []
    for r in rows:
        sid, size, collected = samples[r.barcode]
        if sid not in before:
            new.append(NewResult(r, sid, size, collected, tuple(sorted(members.get(sid, [])))))
    return new


def _day(at: datetime) -> date:
    return local_day(at)


def _adjudicate(session: Session, new: list[NewResult]) -> list[Judged]:
    policy = load_policy()
    ordered = sorted(new, key=lambda r: (r.collected_at, r.row.row))
    singles = [r for r in ordered if r.pool_size == 1]
    band = new_consequences.open_band(session, sorted({r.members[0] for r in singles}))
    detected = {r.members[0] for r in singles if r.row.ct_orf1ab is not None or r.row.ct_n is not None}
    orders = new_consequences.active_orders(session, sorted(detected | set(band)))
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
        context = ct_context(_day(r.collected_at), new_consequences.entry_orders(mine), previous is not None, rules)
        decision = adjudicate_ct(
            ct,
            Population.entry_personnel if entrant or previous is not None else Population.general,
            context.stage,
            rules,
            previous,
        )
        if decision.result.value == "retest_24h":
            band[person] = (ct, r.collected_at) if previous is None else band[person]
        elif person in band:
            del band[person]
        judged.append(Judged(r, decision.result.value, decision, person))
    return judged


def _apply_consequences(
    session: Session, actor: Actor, judged: list[Judged], import_id: int, *, now: datetime
) -> dict[str, int]:
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
                held_before = holds.get(member)
                # the one fix: a hold that ended earlier in this file does not stop a new one
                if j.decision.hold_members and (held_before is None or held_before.ended_at is not None):
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
            held.end_reason = new_consequences.END_REASON[j.outcome]
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
            positive = PositiveResult(
                person_id=person,
                sample_id=r.sample_id,
                barcode=r.row.barcode,
                result_id=result_ids.get(r.sample_id),
                collected_at=r.collected_at,
                reported_at=at,
                cite=tuple(j.cite),
            )
            followed = infection_from_result(session, system, positive, now=now, policy=policy)
            if followed.created:
                counts["infections"] += 1
            if followed.re_positive:
                counts["re_positives"] += 1
            if followed.transferred:
                counts["transferred"] += followed.transferred
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
                    policy=policy,
                )
                counts["past_infections"] += 1
            except Conflict:
                counts["past_infections_already_managed"] += 1
                continue
            note_finding(
                session,
                system,
                person,
                Finding.past_infection_ct35_40,
                _day(r.collected_at),
                f"sample {r.row.barcode} judged a past infection, sampled",
                policy,
            )
    extended = follow_isolation_results(session, system, set(singles), policy, now=now)
    if extended:
        counts["isolations_extended"] += extended
    session.flush()
    return dict(sorted(counts.items()))


def oracle_import_results(
    session: Session, actor: Actor, data: bytes, *, fmt: Format, now: datetime, policy: Policy
) -> ImportSummary:
    """The previous `import_results`: the file read row by row, each result judged alone, consequences by ORM (the
    same arguments as `import_results`; its rules are the national ones, as `policy` is in these tests)."""
    key = digest(data)
    if (again := already_imported(session, key, "results", actor)) is not None:
        return again
    rows = _read_results(data, fmt, now)
    new = _new_results(session, rows)
    judged = _adjudicate(session, new)
    batch = LabImport(kind="results", digest=key, rows=len(rows), added=len(new), imported_by=actor.username)
    session.add(batch)
    session.flush()
    copy_rows(
        session,
        LabResult.__table__,  # type: ignore[arg-type]
        ("sample_id", "lab", "reported_at", "ct_orf1ab", "ct_n", "outcome", "cite", "import_id"),
        (
            (
                j.result.sample_id,
                j.result.row.lab,
                j.result.row.reported_at,
                j.result.row.ct_orf1ab,
                j.result.row.ct_n,
                j.outcome,
                j.cite,
                batch.id,
            )
            for j in judged
        ),
    )
    outcomes: dict[str, int] = {}
    for j in judged:
        outcomes[j.outcome] = outcomes.get(j.outcome, 0) + 1
    consequences = _apply_consequences(session, actor, judged, batch.id, now=now)
    batch.summary = {"outcomes": outcomes, "consequences": consequences}
    session.flush()
    return ImportSummary(
        import_id=batch.id,
        kind="results",
        rows=len(rows),
        added=len(new),
        already_imported=False,
        outcomes=outcomes,
        consequences=consequences,
    )
