"""The set-based lab import against the rules, one result at a time, on SQLite and PostgreSQL.

Random small days of testing — pools of 5 and single tubes over a handful of people, two of them entrants
(one at the last test of centralized isolation), Ct values on both sides of 35 and 40, samples across the
21 Nov 2022 change of the testing rules — arrive in two results files. The store after the set-based import
(`services.lab`: results as columns, classes judged once, consequences in rounds of INSERT … SELECT and
UPDATE … FROM) must equal the store after the previous implementation, kept only as the oracle
(`tests/properties/lab_oracle.py`): one pydantic decision per result, and the consequences applied through the ORM
row by row. And every result of
someone with no context (no entry order, no band retest) carries exactly what `rules.pooling.pool_result` /
`rules.ct.adjudicate_ct` say of it.
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

from fangkong.policy import load_policy
from fangkong.policy.terms import Category, Population, SampleStage
from fangkong.rules.ct import GeneCt, adjudicate_ct
from fangkong.rules.pooling import pool_result
from fangkong.services.access import SYSTEM, Actor, Role
from fangkong.services.calendar import JURISDICTION_ZONE, local_day
from fangkong.services.file_imports.batches import ImportSummary
from fangkong.services.infections.models import Infection
from fangkong.services.jurisdictions.models import Jurisdiction
from fangkong.services.lab.imports import import_results, import_samples
from fangkong.services.lab.models import LabResult, Retest, Sample, TemporaryControl
from fangkong.services.orders.models import ManagementOrder
from fangkong.services.orders.schemas import OrderCreate
from fangkong.services.orders.service import place_order
from fangkong.services.persons.models import Person
from fangkong.services.persons.schemas import PersonCreate
from fangkong.services.persons.service import create_person
from fangkong.services.store import make_engine, session_factory, unit_of_work
from fangkong.services.tracing.models import ContactCandidate
from tests.properties.lab_oracle import oracle_import_results

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
def sessions(db_url: str) -> Iterator[sessionmaker[Session]]:
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
