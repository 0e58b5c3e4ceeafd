"""The set-based lab import against the rules, one result at a time, on SQLite and PostgreSQL.

Random small days of testing — pools of 5 and single tubes over a handful of people, two of them entrants
(one at the last test of centralized isolation), Ct values on both sides of 35 and 40, samples across the
21 Nov 2022 change of the testing rules — arrive in two results files. The store after the set-based import
(`services.lab`: results as columns, classes judged once, consequences in rounds of INSERT … SELECT and
UPDATE … FROM) must equal the store after the previous implementation, kept here only as the oracle: one
pydantic decision per result, and the consequences applied through the ORM row by row. And every result of
someone with no context (no entry order, no band retest) carries exactly what `rules.pooling.pool_result` /
`rules.ct.adjudicate_ct` say of it.

One deliberate difference, fixed in the new implementation and marked in the oracle: a person whose hold ended
earlier in the same file (a negative single tube) and who is then in another positive pool is held again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from fangkong.errors import Conflict, RowError
from fangkong.policy import Policy, load_policy
from fangkong.policy.terms import Category, Population, SampleStage
from fangkong.rules.ct import CtDecision, GeneCt, PreviousResult, adjudicate_ct, ct_context
from fangkong.rules.pooling import PoolDecision, pool_result
from fangkong.services.access import SYSTEM, Actor, Role
from fangkong.services.calendar import JURISDICTION_ZONE, local_day
from fangkong.services.file_imports.batches import ImportSummary, already_imported, digest
from fangkong.services.file_imports.bulk import chunks, copy_rows
from fangkong.services.file_imports.rows import Format, ct_of, instant_of, limited, records, text_of
from fangkong.services.infection_follow_up import infection_from_result
from fangkong.services.infections.models import Infection
from fangkong.services.infections.service import PositiveResult
from fangkong.services.jurisdictions.models import Jurisdiction
from fangkong.services.lab import consequences as new_consequences
from fangkong.services.lab.files import RESULT_COLUMNS
from fangkong.services.lab.imports import import_results, import_samples
from fangkong.services.lab.models import LabImport, LabResult, Retest, Sample, SampleMember, TemporaryControl
from fangkong.services.orders.models import ManagementOrder
from fangkong.services.orders.schemas import OrderCreate
from fangkong.services.orders.service import place_order
from fangkong.services.persons.models import Person
from fangkong.services.persons.schemas import PersonCreate
from fangkong.services.persons.service import create_person
from fangkong.services.store import make_engine, session_factory, unit_of_work
from fangkong.services.tracing.models import ContactCandidate
from tests.api.conftest import db_url  # noqa: F401  (the stores: SQLite, and PostgreSQL when there is one)

COMMUNITY = "110105001001"
PEOPLE = 8
ENTRANTS = {0: date(2022, 11, 16), 1: date(2022, 11, 15)}  # person index → anchor of their entry order
NOW = datetime(2022, 11, 23, 9, 0, tzinfo=JURISDICTION_ZONE)
# collection instants across the 21 Nov change of the testing rules, 24 h apart and less
COLLECTED = [
    datetime(2022, 11, 20, 7, 0, tzinfo=JURISDICTION_ZONE),
    datetime(2022, 11, 20, 10, 0, tzinfo=JURISDICTION_ZONE),
    datetime(2022, 11, 21, 8, 0, tzinfo=JURISDICTION_ZONE),
    datetime(2022, 11, 21, 11, 0, tzinfo=JURISDICTION_ZONE),
    datetime(2022, 11, 22, 9, 0, tzinfo=JURISDICTION_ZONE),
]
CTS = [None, None, None, 20.0, 30.0, 34.9, 35.0, 36.5, 38.0, 40.0, 45.0]


# --- random days ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tube:
    barcode: str
    members: tuple[int, ...]  # person indexes
    collected: int  # index into COLLECTED
    ct: tuple[float | None, float | None]
    late: bool  # reported with the second file


@st.composite
def days(draw: st.DrawFn) -> list[Tube]:
    tubes = []
    for t in range(draw(st.integers(1, 9))):
        pooled = draw(st.booleans())
        members = tuple(sorted(draw(st.permutations(range(PEOPLE)))[:5])) if pooled else (draw(st.integers(0, 7)),)
        orf1ab = draw(st.sampled_from(CTS))
        n = orf1ab if draw(st.booleans()) else draw(st.sampled_from(CTS))
        tubes.append(Tube(f"T{t}", members, draw(st.integers(0, len(COLLECTED) - 1)), (orf1ab, n), draw(st.booleans())))
    return tubes


def _files(tubes: list[Tube], documents: list[str]) -> tuple[bytes, list[bytes]]:
    samples = ["barcode,pool_size,sampling_point,collected_at,members"]
    firsts, lates = ["barcode,lab,reported_at,ct_orf1ab,ct_n"], ["barcode,lab,reported_at,ct_orf1ab,ct_n"]
    for tube in tubes:
        at = COLLECTED[tube.collected]
        members = ";".join(documents[m] for m in tube.members)
        samples.append(f"{tube.barcode},{len(tube.members)},Point 1,{at.isoformat()},{members}")
        ct = ",".join("" if v is None else f"{v}" for v in tube.ct)
        (lates if tube.late else firsts).append(f"{tube.barcode},City lab,{(at + timedelta(hours=2)).isoformat()},{ct}")
    results = [("\n".join(f) + "\n").encode() for f in (firsts, lates) if len(f) > 1]
    return ("\n".join(samples) + "\n").encode(), results


# --- the store, before and after --------------------------------------------------------------------------------


def _setup(sessions: sessionmaker[Session]) -> tuple[list[int], list[str], Actor]:
    with unit_of_work(sessions) as session:
        path = session.scalar(select(Jurisdiction.path).where(Jurisdiction.code == "110105"))
        assert path is not None
        lab = Actor("lab", Role.lab, path)
        ids: list[int] = list(session.scalars(select(Person.id).order_by(Person.id)))
        if not ids:
            for i in range(PEOPLE):
                data = PersonCreate(
                    name=f"P{i}",
                    address=f"Road {i}",
                    building=str(i),
                    unit="1",
                    jurisdiction_code=COMMUNITY,
                    document_type="passport",
                    document_number=f"E{i:07d}",
                )
                ids.append(create_person(session, SYSTEM, data, today=date(2022, 11, 14)).id)
            for i, anchor in ENTRANTS.items():
                place_order(
                    session,
                    SYSTEM,
                    OrderCreate(person_id=ids[i], category=Category.entry_personnel.value, anchor_date=anchor),
                    today=anchor,
                    policy=load_policy(),
                )
        return ids, [f"E{i:07d}" for i in range(PEOPLE)], lab


Run = Callable[..., ImportSummary]


def _world(sessions: sessionmaker[Session], lab: Actor, samples: bytes, results: list[bytes], run: Run) -> Any:
    """The store after registering the samples and importing the results files with `run`; rolled back."""
    session = sessions()
    try:
        import_samples(session, lab, samples, fmt="csv", now=NOW, policy=load_policy())
        summaries = [
            run(session, lab, f, fmt="csv", now=NOW, policy=load_policy()).model_dump(exclude={"import_id"})
            for f in results
        ]
        again = [run(session, lab, f, fmt="csv", now=NOW, policy=load_policy()).already_imported for f in results]
        assert all(again)
        return {"summaries": summaries, **_snapshot(session)}
    finally:
        session.rollback()
        session.close()


def _snapshot(session: Session) -> dict[str, Any]:
    barcode = dict(session.execute(select(Sample.id, Sample.barcode)).all())
    result_barcode = {i: barcode[s] for i, s in session.execute(select(LabResult.id, LabResult.sample_id)).all()}

    def instant(at: datetime | None) -> datetime | None:
        return None if at is None else at.astimezone(UTC)

    return {
        "results": sorted(
            (barcode[r.sample_id], r.lab, instant(r.reported_at), r.ct_orf1ab, r.ct_n, r.outcome, tuple(r.cite))
            for r in session.scalars(select(LabResult))
        ),
        "holds": sorted(
            (h.person_id, barcode[h.sample_id], instant(h.started_at), instant(h.ended_at) or NOW, h.end_reason or "")
            for h in session.scalars(select(TemporaryControl))
        ),
        "retests": sorted(
            (
                x.person_id,
                x.reason,
                barcode[x.after_sample_id],
                instant(x.due_at),
                tuple(x.cite),
                "" if x.done_sample_id is None else barcode[x.done_sample_id],
            )
            for x in session.scalars(select(Retest))
        ),
        "infections": sorted(
            (
                i.person_id,
                i.kind,
                i.found_in,
                i.sampled_on,
                instant(i.confirmed_at),
                instant(i.isolated_at),
                tuple(i.cite),
                result_barcode.get(i.result_id or 0),
            )
            for i in session.scalars(select(Infection))
        ),
        "orders": sorted(
            (o.person_id, o.category, o.status, o.start, o.released_on, o.policy_version)
            for o in session.scalars(select(ManagementOrder))
        ),
        "contacts": sorted(Counter(c.person_id for c in session.scalars(select(ContactCandidate))).items()),
    }


@pytest.fixture
def sessions(db_url: str) -> Iterator[sessionmaker[Session]]:  # noqa: F811
    engine = make_engine(db_url)
    yield session_factory(engine)
    engine.dispose()


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(tubes=days())
def test_the_set_based_import_leaves_the_store_the_rules_one_by_one_leave(
    sessions: sessionmaker[Session], tubes: list[Tube]
) -> None:
    ids, documents, lab = _setup(sessions)
    samples, results = _files(tubes, documents)
    ours = _world(sessions, lab, samples, results, import_results)
    oracle = _world(sessions, lab, samples, results, oracle_import_results)
    for key in oracle:
        assert ours[key] == oracle[key], key
    # and without the oracle: a result of someone with no context is what the rules say of it alone
    policy = load_policy()
    for barcode, _lab, _at, orf1ab, n, outcome, cite in ours["results"]:
        tube = next(t for t in tubes if t.barcode == barcode)
        rules = policy.at(local_day(COLLECTED[tube.collected]))
        ct = GeneCt(orf1ab=orf1ab, n=n)
        if len(tube.members) > 1:
            pool = pool_result(len(tube.members), ct, rules)
            assert (outcome, list(cite)) == (f"pool_{pool.outcome}", pool.cite)
        elif tube.members[0] not in ENTRANTS:
            alone = adjudicate_ct(ct, Population.general, SampleStage.screening, rules)
            assert (outcome, list(cite)) == (alone.result.value, alone.cite)
    assert ids  # the people were there for both


def test_the_oracle_and_the_import_can_disagree(sessions: sessionmaker[Session]) -> None:
    """The comparison is not vacuous: a positive pool changes the store, and a store missing one hold differs."""
    _, documents, lab = _setup(sessions)
    tube = Tube("T0", (0, 2, 3, 4, 5), 2, (30.0, 31.0), False)
    samples, results = _files([tube], documents)
    ours = _world(sessions, lab, samples, results, import_results)
    assert len(ours["holds"]) == 5 and len(ours["retests"]) == 5
    ours["holds"].pop()
    assert ours != _world(sessions, lab, samples, results, oracle_import_results)


# --- the oracle: the previous implementation, one result at a time -----------------------------------------------


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
            counts["infections"] += int(followed.created)
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
