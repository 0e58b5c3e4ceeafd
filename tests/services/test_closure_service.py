"""The needs list's bad input and scope (measure 17): a need without a person, for a person out of scope, of an
unknown kind or with a deadline in the past is refused naming the field, with nothing stored; a need met cannot be
refused; a refusal of a need that is not medical care closes it without a finding; reads are audited."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fangkong.errors import Conflict, InvalidInput, NotFound
from fangkong.policy import load_policy
from fangkong.services.access import SYSTEM, Actor, Role
from fangkong.services.audit.models import AuditEntry
from fangkong.services.closure_services.demo import demo_needs
from fangkong.services.closure_services.models import ClosureNeed, HotlineRecord, ReceivingPoint
from fangkong.services.closure_services.service import (
    HotlineCreate,
    NeedAssign,
    NeedCreate,
    NeedDone,
    NeedRefuse,
    ReceivingPointCreate,
    assign_need,
    complete_need,
    create_receiving_point,
    list_calls,
    list_needs,
    list_receiving_points,
    raise_need,
    record_call,
    refuse_need,
)
from fangkong.services.overreach.models import OverreachFinding
from fangkong.services.persons.schemas import PersonCreate
from fangkong.services.persons.service import create_person
from fangkong.services.store import make_engine, session_factory

POLICY = load_policy()
NOW = datetime(2022, 11, 21, 2, 0, tzinfo=UTC)
WORKER = Actor("worker_a", Role.community_worker, "/11/1101/110105/110105001/110105001001/")
WORKER_C = Actor("worker_c", Role.community_worker, "/11/1101/110106/110106001/110106001001/")


@pytest.fixture
def session(db_url: str) -> Iterator[Session]:
    engine = make_engine(db_url)
    with session_factory(engine)() as s:
        yield s
    engine.dispose()


def _person(session: Session) -> int:
    data = PersonCreate(
        name="Wang",
        address="3 Jianwai Road",
        jurisdiction_code="110105001001",
        document_type="passport",
        document_number="E0000001",
    )
    return create_person(session, SYSTEM, data, today=NOW.date()).id


def _count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(ClosureNeed)) or 0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"person_id": None}, "person_id"),
        ({"person_id": 999}, "person_id"),
        ({"kind": "haircut"}, "kind"),
        ({"urgency": "whenever"}, "urgency"),
        ({"deadline": NOW - timedelta(hours=1)}, "deadline"),
        ({"deadline": NOW + timedelta(days=3)}, "deadline"),
    ],
    ids=lambda v: str(v),
)
def test_bad_needs_are_refused_naming_the_field(session: Session, change: dict[str, Any], field: str) -> None:
    pid = _person(session)
    data = NeedCreate(**{"person_id": pid, "kind": "medicine", **change})
    with pytest.raises(InvalidInput) as caught:
        raise_need(session, WORKER, data, now=NOW, policy=POLICY)
    assert caught.value.field == field
    assert _count(session) == 0


def test_a_person_out_of_scope_is_not_revealed(session: Session) -> None:
    pid = _person(session)
    with pytest.raises(InvalidInput) as caught:
        raise_need(session, WORKER_C, NeedCreate(person_id=pid, kind="food"), now=NOW, policy=POLICY)
    assert caught.value.field == "person_id"
    need = raise_need(session, WORKER, NeedCreate(person_id=pid, kind="food"), now=NOW, policy=POLICY)
    with pytest.raises(NotFound):
        complete_need(session, WORKER_C, need.id, NeedDone(), now=NOW)
    assert list_needs(session, WORKER_C, now=NOW)[1] == 0


def test_assignee_must_serve_the_jurisdiction(session: Session) -> None:
    need = raise_need(session, WORKER, NeedCreate(person_id=_person(session), kind="food"), now=NOW, policy=POLICY)
    for who in ("nobody", "worker_c"):
        with pytest.raises(InvalidInput) as caught:
            assign_need(session, WORKER, need.id, NeedAssign(assignee=who), now=NOW)
        assert caught.value.field == "assignee"
    assert need.status == "open"


def test_a_need_met_cannot_be_refused_and_a_food_refusal_closes_it(session: Session) -> None:
    pid = _person(session)
    met = raise_need(session, WORKER, NeedCreate(person_id=pid, kind="medicine"), now=NOW, policy=POLICY)
    complete_need(session, WORKER, met.id, NeedDone(), now=NOW)
    with pytest.raises(Conflict):
        refuse_need(session, WORKER, met.id, NeedRefuse(ground="other", reason="x"), now=NOW, policy=POLICY)
    food = raise_need(session, WORKER, NeedCreate(person_id=pid, kind="food"), now=NOW, policy=POLICY)
    out = refuse_need(
        session,
        WORKER,
        food.id,
        NeedRefuse(ground="declined_by_person", reason="family brings it"),
        now=NOW,
        policy=POLICY,
    )
    assert (out.medical, out.over_reach, out.need.status, out.finding_id) == (False, False, "refused", None)
    other = raise_need(session, WORKER, NeedCreate(person_id=pid, kind="dialysis"), now=NOW, policy=POLICY)
    with pytest.raises(InvalidInput) as caught:
        refuse_need(session, WORKER, other.id, NeedRefuse(ground="moon", reason="x"), now=NOW, policy=POLICY)
    assert caught.value.field == "ground"
    assert other.status == "open" and other.refusals == 0
    assert session.scalar(select(func.count()).select_from(OverreachFinding)) == 0


def test_an_emergency_is_due_in_hours_and_listing_is_audited(session: Session) -> None:
    need = raise_need(session, WORKER, NeedCreate(person_id=_person(session), kind="emergency"), now=NOW, policy=POLICY)
    assert (need.urgency, need.deadline) == ("emergency", NOW + timedelta(hours=2))
    before = session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "listed"))
    _rows, total = list_needs(session, WORKER, now=NOW, kind="emergency", reason="morning round")
    after = session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "listed"))
    assert total == 1 and (after or 0) - (before or 0) == 1
    with pytest.raises(InvalidInput) as caught:
        list_needs(session, WORKER, now=NOW, urgency="soonish")
    assert caught.value.field == "urgency"


def test_receiving_points_and_hotline(session: Session) -> None:
    point = create_receiving_point(
        session,
        WORKER,
        ReceivingPointCreate(name="Gate 2", address="2 Jianwai Road", jurisdiction_code="110105001001", hours="8-20"),
        now=NOW,
    )
    assert list_receiving_points(session, WORKER)[1] == 1
    assert list_receiving_points(session, WORKER_C)[1] == 0
    need = raise_need(session, WORKER, NeedCreate(person_id=_person(session), kind="medicine"), now=NOW, policy=POLICY)
    call = record_call(
        session,
        WORKER,
        HotlineCreate(
            jurisdiction_code="110105001001",
            caller_phone="13800000000",
            called_at=NOW,
            summary="insulin",
            need_id=need.id,
        ),
        now=NOW,
        policy=POLICY,
    )
    assert call.need_id == need.id and point.id
    with pytest.raises(InvalidInput) as caught:
        record_call(
            session,
            WORKER,
            HotlineCreate(
                jurisdiction_code="110105001001", caller_phone="138", called_at=NOW + timedelta(hours=1), summary="x"
            ),
            now=NOW,
            policy=POLICY,
        )
    assert caught.value.field == "called_at"
    rows, total = list_calls(session, WORKER)
    assert total == 1 and rows[0].id == call.id
    assert session.scalar(select(func.count()).select_from(HotlineRecord)) == 1
    assert session.scalar(select(func.count()).select_from(ReceivingPoint)) == 1


def test_demo_needs(session: Session) -> None:
    _person(session)
    today = date(2022, 11, 21)
    demo_needs(session, SYSTEM, today, "110105")
    demo_needs(session, SYSTEM, today, "110105")  # idempotent
    _rows, total = list_needs(session, SYSTEM, now=datetime(2022, 11, 21, 4, tzinfo=UTC), overdue=True)
    assert total >= 1
    assert session.scalar(select(func.count()).select_from(HotlineRecord)) == 2
    assert session.scalar(select(func.count()).select_from(ReceivingPoint)) == 1


def test_a_call_raises_a_need_due_from_the_call(session: Session) -> None:
    pid = _person(session)
    called = NOW - timedelta(hours=1)
    base = {"jurisdiction_code": "110105001001", "caller_phone": "13800000000", "called_at": called, "summary": "x"}
    with pytest.raises(InvalidInput) as caught:
        record_call(
            session,
            WORKER,
            HotlineCreate(**base, raises=NeedCreate(person_id=pid, kind="haircut")),
            now=NOW,
            policy=POLICY,
        )
    assert caught.value.field == "raises.kind"
    assert _count(session) == 0 and session.scalar(select(func.count()).select_from(HotlineRecord)) == 0
    call = record_call(
        session,
        WORKER,
        HotlineCreate(**base, raises=NeedCreate(person_id=pid, kind="emergency")),
        now=NOW,
        policy=POLICY,
    )
    need = session.get(ClosureNeed, call.need_id)
    assert need is not None and need.deadline == called + timedelta(hours=2)  # two hours from the call
