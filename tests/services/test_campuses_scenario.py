"""The campus part of issue 21's scenario, through the services on the demo county (measure 18, with 16): an outbreak
in the demo school opens its response with the tasks of the version in force, one task goes late and escalates once;
an attempt to keep the school closed beyond the policy is refused without an approval and recorded as a finding in the
supervisors' report; the demo is idempotent; the same response on a Class B day opens two tasks."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fangkong.errors import InvalidInput
from fangkong.policy import Policy
from fangkong.services.access import SYSTEM
from fangkong.services.calendar import local_instant
from fangkong.services.campuses.demo import DEMO_SCHOOL, demo_campuses
from fangkong.services.campuses.guard import Approval, ClosureRequest, request_closure
from fangkong.services.campuses.models import Campus, CampusTask
from fangkong.services.campuses.service import (
    CampusCreate,
    ResponseOpen,
    complete_task,
    escalate_late,
    open_response,
    register_campus,
    tasks_of,
    upsert_campus,
)
from fangkong.services.campuses.service import TaskDone as Done
from fangkong.services.demo import COUNTY, DEMO_TODAY
from fangkong.services.overreach.models import OverreachFinding
from fangkong.services.overreach.service import report
from fangkong.services.store import make_engine, session_factory, unit_of_work
from tests.stores import Templates

MORNING = local_instant(DEMO_TODAY, time(8))


@pytest.fixture
def session(tmp_path: Path, store_templates: Templates) -> Iterator[Session]:
    with store_templates.store("sqlite", "demo_20", tmp_path) as url:
        engine = make_engine(url)
        with unit_of_work(session_factory(engine)) as s:
            yield s
        engine.dispose()


def _school(session: Session) -> Campus:
    school = session.scalar(select(Campus).where(Campus.code == DEMO_SCHOOL))
    assert school is not None
    return school


def test_the_demo_school_outbreak(session: Session, policy: Policy) -> None:
    assert demo_campuses(session, SYSTEM, DEMO_TODAY, COUNTY, policy=policy) == 0  # already there: nothing changes
    school = _school(session)
    response = open_response(
        session,
        SYSTEM,
        ResponseOpen(campus_id=school.id, outbreak_on=DEMO_TODAY, owner="epi"),
        now=MORNING,
        policy=policy,
    )
    tasks = tasks_of(session, response.id)
    assert [t.kind for t in tasks] == [
        "transfer_isolation",
        "nucleic_acid_testing",
        "tracing",
        "disinfection",
        "supplies",
    ]
    for t in tasks[:-1]:  # all done but the supplies
        complete_task(session, SYSTEM, t.id, Done(), now=MORNING + timedelta(hours=3))
    late = escalate_late(session, SYSTEM, now=MORNING + timedelta(hours=25))
    mine = [t for t in late if t.response_id == response.id]
    assert [(t.kind, t.escalated_to) for t in mine] == [("supplies", f"{COUNTY}")]
    assert escalate_late(session, SYSTEM, now=MORNING + timedelta(hours=30)) == []  # once

    before = session.scalar(select(func.count()).select_from(OverreachFinding)) or 0
    approval = Approval(reference="JPC-1", approved_by="county", approved_on=DEMO_TODAY)
    closed = request_closure(
        session,
        SYSTEM,
        school.id,
        ClosureRequest(kind="close_campus", days=5, approval=approval),
        now=MORNING,
        policy=policy,
    )
    assert closed.allowed and school.closed_until == DEMO_TODAY + timedelta(days=4)
    kept = request_closure(
        session, SYSTEM, school.id, ClosureRequest(kind="extend_closure", days=7), now=MORNING, policy=policy
    )
    assert not kept.allowed and kept.field == "approval" and kept.finding_id is not None
    assert school.closed_until == DEMO_TODAY + timedelta(days=4)  # nothing else changed
    after = session.scalar(select(func.count()).select_from(OverreachFinding)) or 0
    assert after == before + 1
    lines = report(session, SYSTEM)
    assert any(line.jurisdiction_code == school.jurisdiction_code and line.verdict == "over_reach" for line in lines)


def test_registry_upsert_and_bad_input(session: Session, policy: Policy) -> None:
    data = CampusCreate(code="X-1", name="X", kind="university", jurisdiction_code=f"{COUNTY}001", students=10)
    campus = register_campus(session, SYSTEM, data)
    assert upsert_campus(session, SYSTEM, data) == (campus, "unchanged")
    assert upsert_campus(session, SYSTEM, data.model_copy(update={"students": 11}))[1] == "updated"
    with pytest.raises(InvalidInput) as err:
        register_campus(session, SYSTEM, data.model_copy(update={"code": "X-2", "jurisdiction_code": "nowhere"}))
    assert err.value.field == "jurisdiction_code"
    with pytest.raises(InvalidInput) as err:
        request_closure(
            session,
            SYSTEM,
            campus.id,
            ClosureRequest(kind="extend_closure", days=1),
            now=MORNING,
            policy=policy,
        )
    assert err.value.field == "kind"  # nothing to extend


def test_a_class_b_response_opens_two_tasks(session: Session, policy: Policy) -> None:
    school = _school(session)
    later = local_instant(date(2023, 2, 1), time(9))
    response = open_response(
        session,
        SYSTEM,
        ResponseOpen(campus_id=school.id, outbreak_on=date(2023, 2, 1), owner="epi"),
        now=later,
        policy=policy,
    )
    assert [t.kind for t in tasks_of(session, response.id)] == ["disinfection", "supplies"]
    assert (
        session.scalar(select(func.count()).select_from(CampusTask).where(CampusTask.response_id == response.id)) == 2
    )
