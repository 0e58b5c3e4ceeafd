"""Issue 21's scenario, the complaints part (measure 18, with 16): a hotline call about a building sealed without a
risk area is received and routed to the community's command centre with its deadline, appears at once as a clue in
measure 16's supervisors' report, is answered within its deadline (so the escalation job leaves it alone) and closes
only with feedback. A building sealed inside a high-risk area in force is that area's control: no finding. An
unanswered complaint escalates one level at its deadline and a second later, each once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.errors import InvalidInput
from fangkong.policy import load_policy
from fangkong.services.access import SYSTEM, Actor, Role
from fangkong.services.areas.service import Delineation, delineate
from fangkong.services.calendar import JURISDICTION_ZONE
from fangkong.services.complaints.models import Complaint, ComplaintEscalation
from fangkong.services.complaints.service import (
    ComplaintAnswer,
    ComplaintClose,
    ComplaintCreate,
    answer_complaint,
    close_complaint,
    escalate_late,
    receive_complaint,
)
from fangkong.services.jurisdictions.models import JurisdictionLevel
from fangkong.services.jurisdictions.service import create_jurisdiction
from fangkong.services.overreach.service import list_findings, report
from fangkong.services.store import make_engine, session_factory

POLICY = load_policy()
COMMUNITY = "110105001001"
DAY = date(2022, 11, 20)
WORKER = Actor("worker_a", Role.community_worker, f"/11/1101/110105/110105001/{COMMUNITY}/")
SUPERVISOR = Actor("supervisor", Role.supervisor, "/11/")


def _at(hour: int, minute: int = 0, day: date = DAY) -> datetime:
    return datetime.combine(day, time(hour, minute), JURISDICTION_ZONE)


@pytest.fixture
def session(db_url: str) -> Iterator[Session]:
    engine = make_engine(db_url)
    with session_factory(engine)() as s:
        yield s
    engine.dispose()


def test_a_sealed_building_complaint_is_routed_answered_and_closed(session: Session) -> None:
    call = ComplaintCreate(
        category="sealed_building",
        content="The door of building 7 was wired shut; no one there is infected.",
        place="Building 7",
        complainant_name="Zhou",
        complainant_phone="13800002222",
        jurisdiction_code=COMMUNITY,
    )
    c = receive_complaint(session, WORKER, call, now=_at(9), policy=POLICY)
    assert (c.department, c.urgency, c.deadline) == ("command_centre", "urgent", _at(9) + timedelta(hours=24))
    assert c.finding_id is not None
    found, _ = list_findings(session, SUPERVISOR, kind="complaint_clue")
    assert [f.id for f in found] == [c.finding_id] and found[0].detail["complaint"] == c.id
    lines = report(session, SUPERVISOR)
    assert any(line.clause == "m20.16" and line.verdict == "over_reach" and line.findings == 1 for line in lines)

    with pytest.raises(InvalidInput) as exc:
        close_complaint(session, WORKER, c.id, ComplaintClose(feedback=" "), now=_at(15))
    assert exc.value.field == "feedback"
    answer_complaint(session, WORKER, c.id, ComplaintAnswer(answer="The wire was removed at 14:00."), now=_at(14))
    assert escalate_late(session, SYSTEM, now=_at(12, day=DAY + timedelta(days=2)), policy=POLICY) == []
    close_complaint(session, WORKER, c.id, ComplaintClose(feedback="Told Zhou by phone."), now=_at(15))
    assert session.get(Complaint, c.id).status == "closed"  # type: ignore[union-attr]


def test_a_sealed_building_inside_a_high_risk_area_is_no_finding(session: Session) -> None:
    building = create_jurisdiction(
        session, code=COMMUNITY + "009", name="Building 9", level=JurisdictionLevel.building, parent_code=COMMUNITY
    )
    delineate(
        session,
        SYSTEM,
        Delineation(area_code=building.code, reason="residence", note="a case reported by the district"),
        now=_at(8),
        policy=POLICY,
    )
    call = ComplaintCreate(category="sealed_building", content="Building 9 is sealed", jurisdiction_code=building.code)
    c = receive_complaint(session, SYSTEM, call, now=_at(10), policy=POLICY)
    assert c.finding_id is None


def test_a_late_complaint_escalates_once_a_level(session: Session) -> None:
    call = ComplaintCreate(content="No one answers about the site's hours", jurisdiction_code=COMMUNITY)
    c = receive_complaint(session, WORKER, call, now=_at(9), policy=POLICY)
    assert c.urgency == "routine" and c.finding_id is None
    due = c.deadline
    assert escalate_late(session, SYSTEM, now=due - timedelta(minutes=1), policy=POLICY) == []
    first = escalate_late(session, SYSTEM, now=due, policy=POLICY)
    assert [(e.level, e.to_jurisdiction_code) for e in first] == [(1, "110105001")]
    assert escalate_late(session, SYSTEM, now=due + timedelta(hours=1), policy=POLICY) == []
    second = escalate_late(session, SYSTEM, now=due + timedelta(hours=24), policy=POLICY)
    assert [(e.level, e.to_jurisdiction_code) for e in second] == [(2, "110105")]
    steps = session.scalars(select(ComplaintEscalation).where(ComplaintEscalation.complaint_id == c.id)).all()
    assert [s.level for s in steps] == [1, 2]
