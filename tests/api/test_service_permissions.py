"""Permission and date checks live in the services, not only in the routes: a caller that reaches a service some other
way (the CLI, a job, another service) is held to the same rules. The lab's consequences are applied under a role of
their own, never as an administrator."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from sqlalchemy.orm import Session, sessionmaker

from fangkong.errors import Forbidden, InvalidInput
from fangkong.policy import load_policy
from fangkong.services.access import Actor, Permission, Role, lab_consequences_of
from fangkong.services.areas.service import advance_all
from fangkong.services.store import make_engine, session_factory, unit_of_work
from fangkong.services.tracing.candidates import propose_contacts
from fangkong.services.users.service import create_user
from tests.stores import PASSWORD

COUNTY = "/11/1101/110105/"
NOON = datetime(2022, 11, 16, 4, tzinfo=UTC)  # noon in the jurisdiction


def test_the_lab_consequences_role_grants_what_the_rules_do_and_nothing_more() -> None:
    acting = lab_consequences_of(Actor("lab1", Role.lab, COUNTY), 7)
    assert acting.username == "lab1 (lab import 7)" and acting.jurisdiction_path == COUNTY
    granted = {p for p in Permission if acting.may(p)}
    assert granted == {
        Permission.read_persons,
        Permission.place_orders,
        Permission.change_orders,
        Permission.trace_contacts,
    }


@pytest.fixture
def sessions(db_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(db_url)
    yield session_factory(engine)
    engine.dispose()


def test_nobody_is_made_a_user_with_the_lab_consequences_role(sessions: sessionmaker[Session]) -> None:
    with unit_of_work(sessions) as session, pytest.raises(InvalidInput) as refused:
        create_user(session, None, username="x", password=PASSWORD, role="lab_consequences", jurisdiction_code="110105")
    assert refused.value.field == "role"


def test_proposing_contacts_needs_the_tracing_permission_in_the_service(sessions: sessionmaker[Session]) -> None:
    worker = Actor("worker_a", Role.community_worker, COUNTY + "110105001/110105001001/")
    with sessions() as session, pytest.raises(Forbidden):
        propose_contacts(session, worker, 1, now=NOON, policy=load_policy())


def test_the_areas_job_refuses_a_day_after_today_in_the_service(sessions: sessionmaker[Session]) -> None:
    command = Actor("cc", Role.command_centre, "/11/")
    with sessions() as session, pytest.raises(InvalidInput) as refused:
        advance_all(session, command, date(2022, 11, 20), today=date(2022, 11, 19), policy=load_policy())
    assert refused.value.field == "on"
