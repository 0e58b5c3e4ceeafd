"""Arrivals from other provinces and their test on arrival (measure 15, the landing check), against the store on
SQLite and PostgreSQL: an arrival is due a test for 24 hours, a sample after it settles it without anyone touching
the arrival, a missed one is reminded until a decline ends it; under the new ten nothing is owed. Bad input is
refused naming the field with nothing stored; imports are all-or-nothing and idempotent; reads are audited."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fangkong.errors import Conflict, InvalidInput, NotFound, RowError
from fangkong.policy import load_policy
from fangkong.policy.terms import LandingStatus
from fangkong.services.access import SYSTEM, Actor, Role
from fangkong.services.arrivals.imports import import_arrivals
from fangkong.services.arrivals.models import Arrival
from fangkong.services.arrivals.service import (
    ArrivalIn,
    FollowUpIn,
    arrivals_per_day,
    list_arrivals,
    read_arrival,
    record_arrival,
    record_follow_up,
    work_list,
)
from fangkong.services.audit.models import AuditEntry
from fangkong.services.lab.models import LabResult, Sample, SampleMember
from fangkong.services.persons.schemas import PersonCreate
from fangkong.services.persons.service import create_person
from fangkong.services.store import make_engine, session_factory

POLICY = load_policy()
ARRIVED = datetime(2022, 11, 25, 1, 0, tzinfo=UTC)  # 09:00 in Beijing
WORKER = Actor("worker_a", Role.community_worker, "/11/1101/110105/110105001/110105001001/")
WORKER_C = Actor("worker_c", Role.community_worker, "/11/1101/110106/110106001/110106001001/")
H = timedelta(hours=1)


@pytest.fixture
def session(db_url: str) -> Iterator[Session]:
    engine = make_engine(db_url)
    with session_factory(engine)() as s:
        yield s
    engine.dispose()


def _person(session: Session, number: str = "E0000001", code: str = "110105001001") -> int:
    data = PersonCreate(
        name="Li",
        address="3 Jianwai Road",
        jurisdiction_code=code,
        document_type="passport",
        document_number=number,
    )
    return create_person(session, SYSTEM, data, today=ARRIVED.date()).id


def _arrive(session: Session, pid: int, **change: object) -> int:
    data = ArrivalIn(
        **{"person_id": pid, "arrived_at": ARRIVED, "from_province": "44", "migrant_worker": True, **change}
    )
    return record_arrival(session, WORKER, data, now=ARRIVED + H).id


def _sample(session: Session, pid: int, at: datetime, outcome: str | None) -> None:
    sample = Sample(barcode=f"S{pid}-{at:%H%M}", pool_size=1, sampling_point="Point 1", collected_at=at)
    session.add(sample)
    session.flush()
    session.add(SampleMember(sample_id=sample.id, person_id=pid))
    if outcome is not None:
        session.add(LabResult(sample_id=sample.id, lab="Lab 1", reported_at=at + 6 * H, outcome=outcome))
    session.flush()


def _count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Arrival)) or 0


def test_due_then_missed_then_reminded_until_declined(session: Session) -> None:
    pid = _person(session)
    aid = _arrive(session, pid)
    assert read_arrival(session, WORKER, aid, now=ARRIVED + 2 * H).decision.status is LandingStatus.due
    later = ARRIVED + 30 * H
    state = read_arrival(session, WORKER, aid, now=later)
    assert (state.decision.status, state.decision.follow_up) == (LandingStatus.missed, True)
    assert [s.arrival.id for s in work_list(session, WORKER, now=later)] == [aid]
    record_follow_up(session, WORKER, aid, FollowUpIn(outcome="reminded"), now=later)
    assert read_arrival(session, WORKER, aid, now=later + H).decision.follow_up
    record_follow_up(session, WORKER, aid, FollowUpIn(outcome="declined", note="will not"), now=later + H)
    state = read_arrival(session, WORKER, aid, now=later + 2 * H)
    assert state.decision.status is LandingStatus.closed and len(state.follow_ups) == 2
    assert work_list(session, WORKER, now=later + 2 * H) == []
    with pytest.raises(InvalidInput) as refused:
        record_follow_up(session, WORKER, aid, FollowUpIn(outcome="reminded"), now=later + 3 * H)
    assert refused.value.field == "arrival_id"


def test_a_sample_after_arrival_settles_it(session: Session) -> None:
    pid = _person(session)
    aid = _arrive(session, pid)
    _sample(session, pid, ARRIVED - 10 * H, "negative")  # at the origin: not the landing test
    assert read_arrival(session, WORKER, aid, now=ARRIVED + 30 * H).decision.status is LandingStatus.missed
    _sample(session, pid, ARRIVED + 5 * H, None)
    state = read_arrival(session, WORKER, aid, now=ARRIVED + 30 * H)
    assert state.decision.status is LandingStatus.tested and state.decision.tested_at == ARRIVED + 5 * H
    assert any("not reported" in r.text for r in state.decision.reasons)
    pid2 = _person(session, "E0000002")
    aid2 = _arrive(session, pid2)
    _sample(session, pid2, ARRIVED + 3 * H, "positive")
    assert read_arrival(session, WORKER, aid2, now=ARRIVED + 30 * H).decision.status is LandingStatus.positive


def test_the_new_ten_owe_no_test(session: Session) -> None:
    pid = _person(session)
    arrived = datetime(2022, 12, 10, 1, tzinfo=UTC)
    aid = record_arrival(
        session, WORKER, ArrivalIn(person_id=pid, arrived_at=arrived, from_province="44"), now=arrived + H
    ).id
    state = read_arrival(session, WORKER, aid, now=arrived + 48 * H)
    assert state.decision.status is LandingStatus.not_owed and state.decision.cite == ["n10.2"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"from_province": "11"}, "from_province"),  # Beijing to Beijing: not a cross-province arrival
        ({"from_province": "81"}, "from_province"),  # Hong Kong: an entry
        ({"from_province": "4"}, "from_province"),
        ({"arrived_at": ARRIVED + 5 * H}, "arrived_at"),  # after now
    ],
    ids=str,
)
def test_bad_arrivals_are_refused_naming_the_field(session: Session, change: dict[str, object], field: str) -> None:
    pid = _person(session)
    with pytest.raises(InvalidInput) as refused:
        _arrive(session, pid, **change)
    assert refused.value.field == field
    assert _count(session) == 0


def test_the_same_arrival_twice_and_scope(session: Session) -> None:
    pid = _person(session)
    _arrive(session, pid)
    with pytest.raises(Conflict) as twice:
        _arrive(session, pid)
    assert twice.value.field == "arrived_at"
    with pytest.raises(NotFound):
        _arrive(session, pid, jurisdiction_code="110106001001")  # a place outside the worker's scope
    other = _person(session, "E0000009", "110106001001")
    with pytest.raises(NotFound):
        _arrive(session, other)
    aid = session.scalar(select(Arrival.id))
    assert aid is not None
    with pytest.raises(NotFound):
        read_arrival(session, WORKER_C, aid, now=ARRIVED + H)
    assert _count(session) == 1


CSV = (
    "document_number,arrived_at,from_province,from_place,migrant_worker,employer\n"
    "E0000001,2022-11-25T09:00:00+08:00,44,Dongguan,yes,Site 7\n"
    "E0000002,2022-11-25T10:30:00,51,,no,\n"
)


def test_import_is_all_or_nothing_and_idempotent(session: Session) -> None:
    _person(session, "E0000001")
    _person(session, "E0000002")
    now = ARRIVED + 3 * H
    first = import_arrivals(session, WORKER, CSV.encode(), "csv", now=now, filename="a.csv")
    assert (first.added, first.already_imported) == (2, False)
    again = import_arrivals(session, WORKER, CSV.encode(), "csv", now=now, filename="a.csv")
    assert again.already_imported and _count(session) == 2
    # another file repeating one arrival and adding a bad row: refused whole, naming the row and field
    bad = CSV + "E0000002,2022-11-25T11:00:00,82,,no,\n"
    with pytest.raises(RowError) as refused:
        import_arrivals(session, WORKER, bad.encode(), "csv", now=now, filename="b.csv")
    assert (refused.value.row, refused.value.field) == (3, "from_province")
    assert _count(session) == 2
    repeat = CSV + "E0000001,2022-11-25T09:00:00+08:00,44,,yes,\n"
    with pytest.raises(RowError) as twice:
        import_arrivals(session, WORKER, repeat.encode(), "csv", now=now, filename="c.csv")
    assert (twice.value.row, twice.value.field) == (3, "arrived_at")
    overlap = CSV + "E0000001,2022-11-25T12:00:00+08:00,44,,maybe,\n"
    with pytest.raises(RowError) as flag:
        import_arrivals(session, WORKER, overlap.encode(), "csv", now=now, filename="d.csv")
    assert flag.value.field == "migrant_worker"
    assert _count(session) == 2
    later = (CSV + "E0000001,2022-11-25T12:00:00+08:00,44,,yes,\n").encode()
    third = import_arrivals(session, WORKER, later, "csv", now=now, filename="e.csv")
    assert third.outcomes == {"added": 1, "already_recorded": 2}


def test_lists_filter_page_and_audit(session: Session) -> None:
    pids = [_person(session, f"E000001{i}") for i in range(3)]
    ids = [_arrive(session, p, arrived_at=ARRIVED - i * H) for i, p in enumerate(pids)]
    _sample(session, pids[0], ARRIVED + H, "negative")
    now = ARRIVED + 30 * H
    rows, total = list_arrivals(session, WORKER, now=now, status=["missed"])
    assert total == 2 and {s.arrival.id for s in rows} == set(ids[1:])
    rows, total = list_arrivals(session, WORKER, now=now, offset=1, limit=1)
    assert total == 3 and [s.arrival.id for s in rows] == [ids[1]]
    rows, total = list_arrivals(session, WORKER_C, now=now)
    assert total == 0
    with pytest.raises(InvalidInput) as refused:
        list_arrivals(session, WORKER, now=now, status=["lost"])
    assert refused.value.field == "status"
    read = session.scalars(select(AuditEntry).where(AuditEntry.actor == "worker_a", AuditEntry.action == "read")).all()
    assert read, "a list of arrivals names its persons in the audit trail"
    counts = arrivals_per_day(session, WORKER, ARRIVED.date(), ARRIVED.date())
    assert counts == {("110105001001", ARRIVED.date()): 3}
