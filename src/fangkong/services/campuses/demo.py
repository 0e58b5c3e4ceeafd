"""The demo county's campuses (measure 18): a boarding secondary school in the first street, where the outbreak of
the drill is (no response open yet: the scenario opens it), and a day primary school in the second street whose
response opened the day before the drill day, one task done, the others due this morning. `demo_campuses` is called
once from services/demo.py; a second call changes nothing."""

from __future__ import annotations

from datetime import date, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.policy import Policy, load_policy
from fangkong.services.access import Actor
from fangkong.services.calendar import local_instant
from fangkong.services.jurisdictions.models import Jurisdiction

from .models import Campus
from .service import CampusCreate, ResponseOpen, TaskDone, complete_task, open_response, register_campus, tasks_of

DEMO_SCHOOL = "DEMO-SCH-01"  # the boarding secondary school of the first street
DEMO_PRIMARY = "DEMO-SCH-02"


def demo_campuses(session: Session, actor: Actor, today: date, county: str, *, policy: Policy | None = None) -> int:
    """Register the two schools and open the primary school's response. Returns the campuses added (0 when there)."""
    if session.get(Jurisdiction, county) is None:
        return 0
    if session.scalar(select(Campus.id).where(Campus.code == DEMO_SCHOOL)) is not None:
        return 0
    policy = policy or load_policy()
    register_campus(
        session,
        actor,
        CampusCreate(
            code=DEMO_SCHOOL,
            name="示范区第一中学 Demo No. 1 Secondary School",
            kind="secondary_school",
            jurisdiction_code=f"{county}001",
            boarding=True,
            students=1860,
            staff=156,
            off_campus_families=120,
        ),
    )
    primary = register_campus(
        session,
        actor,
        CampusCreate(
            code=DEMO_PRIMARY,
            name="示范区实验小学 Demo Experimental Primary School",
            kind="primary_school",
            jurisdiction_code=f"{county}002",
            boarding=False,
            students=920,
            staff=64,
            off_campus_families=58,
        ),
    )
    opened = local_instant(today - timedelta(days=1), time(9, 0))
    response = open_response(
        session,
        actor,
        ResponseOpen(campus_id=primary.id, outbreak_on=today - timedelta(days=1), owner="epi", note="demo"),
        now=opened,
        policy=policy,
    )
    first = tasks_of(session, response.id)[0]
    complete_task(session, actor, first.id, TaskDone(note="demo"), now=opened + timedelta(hours=6))
    return 2
