"""A building closed for five days (measure 17, with 16): a dialysis patient, a pregnant woman and an unvaccinated
82-year-old living alone have their needs raised (dialysis, a prenatal check, medicine and food), routed to the
community's worker, one escalated when late, and a refusal of the dialysis "because of the red code" recorded as
over-reach in measure 16's report while the need goes back to the queue. The building is a high-risk area delineated
with the areas service, as the product does."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.policy import load_policy
from fangkong.services.access import SYSTEM, Actor, Role
from fangkong.services.areas.service import Delineation, delineate
from fangkong.services.calendar import JURISDICTION_ZONE
from fangkong.services.closure_services.models import NeedEscalation
from fangkong.services.closure_services.service import (
    NeedAssign,
    NeedCreate,
    NeedDone,
    NeedRefuse,
    assign_need,
    complete_need,
    escalate_late,
    in_high_risk_area,
    list_needs,
    raise_need,
    refuse_need,
)
from fangkong.services.health_codes.models import HealthCode
from fangkong.services.jurisdictions.models import JurisdictionLevel
from fangkong.services.jurisdictions.service import create_jurisdiction
from fangkong.services.overreach.service import list_findings, report
from fangkong.services.persons.models import Person
from fangkong.services.persons.schemas import PersonCreate
from fangkong.services.persons.service import create_person
from fangkong.services.store import make_engine, session_factory
from fangkong.services.vaccination.coverage import outreach_list

POLICY = load_policy()
COMMUNITY = "110105001001"
CLOSED_ON = date(2022, 11, 20)
WORKER = Actor("worker_a", Role.community_worker, f"/11/1101/110105/110105001/{COMMUNITY}/")
SUPERVISOR = Actor("supervisor", Role.supervisor, "/11/")


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), JURISDICTION_ZONE)


@pytest.fixture
def session(db_url: str) -> Iterator[Session]:
    engine = make_engine(db_url)
    with session_factory(engine)() as s:
        yield s
    engine.dispose()


def _resident(session: Session, name: str, number: str, birth: date, sex: str) -> Person:
    data = PersonCreate(
        name=name,
        address="3 Jianwai Road",
        building="3",
        unit="1",
        jurisdiction_code=COMMUNITY,
        document_type="passport",
        document_number=number,
        birth_date=birth,
        sex=sex,
    )
    return create_person(session, SYSTEM, data, today=CLOSED_ON)


def test_a_building_closed_for_five_days(session: Session) -> None:
    building = create_jurisdiction(
        session, code=COMMUNITY + "003", name="Building 3", level=JurisdictionLevel.building, parent_code=COMMUNITY
    )
    building.label = "3"
    dialysis = _resident(session, "Wang", "E0000001", date(1970, 3, 1), "male")
    pregnant = _resident(session, "Li", "E0000002", date(1994, 6, 1), "female")
    elder = _resident(session, "Zhao", "E0000003", date(1940, 5, 1), "female")  # 82, unvaccinated, lives alone
    delineate(
        session,
        SYSTEM,
        Delineation(area_code=building.code, reason="residence", note="a case reported by the district"),
        now=_at(CLOSED_ON, 8),
        policy=POLICY,
    )
    session.add(HealthCode(person_id=dialysis.id, token="t" * 43, colour="red", reasons=[], on=CLOSED_ON))
    session.flush()
    day2 = CLOSED_ON + timedelta(days=1)
    assert in_high_risk_area(session, dialysis.id, _at(day2, 9))

    # the needs list: raised on the second day of the closure
    raised = _at(day2, 9)

    def need(person: Person, kind: str) -> int:
        return raise_need(session, WORKER, NeedCreate(person_id=person.id, kind=kind), now=raised, policy=POLICY).id

    session_needs = {
        "dialysis": need(dialysis, "dialysis"),
        "prenatal": need(pregnant, "prenatal_check"),
        "medicine": need(elder, "medicine"),
        "food": need(elder, "food"),
    }
    open_needs, total = list_needs(session, WORKER, now=raised, status="open")
    assert total == 4
    assert {n.urgency for n in open_needs} == {"urgent"}  # all four are urgent by default: due in 24 h
    assert all(n.deadline == raised + timedelta(hours=24) for n in open_needs)

    # routed to the community's worker; the prenatal check and the food are met in time
    for nid in session_needs.values():
        assign_need(session, WORKER, nid, NeedAssign(assignee="worker_a"), now=raised + timedelta(minutes=10))
    complete_need(session, WORKER, session_needs["prenatal"], NeedDone(), now=_at(day2, 15))
    complete_need(
        session, WORKER, session_needs["food"], NeedDone(note="left at the receiving point"), now=_at(day2, 18)
    )

    # the hospital refuses the dialysis "because of the red code": recorded, over-reach, and back in the queue
    refusal = refuse_need(
        session,
        WORKER,
        session_needs["dialysis"],
        NeedRefuse(ground="health_code", reason="the dialysis centre will not take a red code"),
        now=_at(day2, 11),
        policy=POLICY,
    )
    assert refusal.medical and refusal.over_reach
    assert refusal.need.status == "open" and refusal.need.assignee is None
    assert [r.clause for r in refusal.reasons] == ["m20.17", "m20.16"]
    assert "health code (red)" in refusal.reasons[-1].text
    findings, _ = list_findings(session, SUPERVISOR, kind="refused_care")
    assert [f.id for f in findings] == [refusal.finding_id]
    assert findings[0].verdict == "over_reach"
    lines = report(session, SUPERVISOR)
    assert any(line.clause == "m20.17" and line.verdict == "over_reach" and line.findings == 1 for line in lines)

    # the medicine is not delivered in time: escalated to the street at its deadline, once however often the job runs
    late = raised + timedelta(hours=24, minutes=5)
    assign_need(session, WORKER, session_needs["dialysis"], NeedAssign(assignee="worker_a"), now=_at(day2, 12))
    complete_need(session, WORKER, session_needs["dialysis"], NeedDone(note="another centre"), now=_at(day2, 16))
    first = escalate_late(session, WORKER, now=late, policy=POLICY)
    again = escalate_late(session, WORKER, now=late + timedelta(minutes=30), policy=POLICY)
    assert [(e.need_id, e.level, e.to_jurisdiction_code) for e in first] == [
        (session_needs["medicine"], 1, "110105001")
    ]
    assert again == []
    overdue, _ = list_needs(session, WORKER, now=late, overdue=True)
    assert [n.id for n in overdue] == [session_needs["medicine"]]
    # still not met 12 hours after the deadline: to the county
    second = escalate_late(session, WORKER, now=raised + timedelta(hours=36), policy=POLICY)
    assert [(e.level, e.to_jurisdiction_code) for e in second] == [(2, "110105")]
    levels = session.scalars(select(NeedEscalation.level).where(NeedEscalation.need_id == session_needs["medicine"]))
    assert sorted(levels) == [1, 2]

    # measure 12: the community's vaccination outreach list finds the unvaccinated 82-year-old; the others are younger
    listed = {r.person_id: r for r in outreach_list(session, WORKER, day2, policy=POLICY)}
    assert elder.id in listed and listed[elder.id].status == "unvaccinated" and listed[elder.id].age == 82
    assert dialysis.id not in listed and pregnant.id not in listed
