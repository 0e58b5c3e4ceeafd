"""The retention job over the records that keep a person in use (PIPL art. 47: only once the purpose is achieved),
and what anonymising blanks in the records beside the person (art. 73(4))."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from fangkong.policy import Policy
from fangkong.services.access import Actor, Role
from fangkong.services.appeals.models import Ticket
from fangkong.services.closure_services.models import ClosureNeed
from fangkong.services.infections.models import Infection
from fangkong.services.key_populations.models import KeyPerson
from fangkong.services.lab.models import TemporaryControl
from fangkong.services.orders.models import ManagementOrder, OrderEvent
from fangkong.services.persons.models import AddressChange, Person
from fangkong.services.retention.service import run_retention
from fangkong.services.store import make_engine, session_factory, unit_of_work
from fangkong.services.stranded.models import StrandedPerson
from fangkong.services.tracing.models import ContactCandidate, Venue, VenueScan
from fangkong.services.visits.models import HomeVisit

HOME = "110105001001"
ENDED = date(2022, 11, 20)
AT = datetime(2022, 11, 20, 2, tzinfo=UTC)
JOB = Actor("retention job", Role.admin, "/")


@pytest.fixture
def sessions(db_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(db_url)
    yield session_factory(engine)
    engine.dispose()


def _person(session: Session, seq: int) -> Person:
    person = Person(
        name=f"Person {seq}",
        document_type="resident_id",
        document_number=f"doc-{seq}",
        phone="13800138000",
        birth_date=date(1990, 1, 1),
        sex="female",
        address="building 3 unit 2",
        building="3",
        unit="2",
        jurisdiction_code=HOME,
        created_at=AT,
    )
    session.add(person)
    session.flush()
    order = ManagementOrder(
        person_id=person.id,
        category="close_contact",
        start=date(2022, 11, 12),
        released_on=ENDED,
        status="released",
        status_reason="named by Person 0",
        policy_version="m20",
        policy_date=date(2022, 11, 12),
        plan={},
        jurisdiction_code=HOME,
        placed_by="epi",
        created_at=AT,
        updated_at=AT,
    )
    session.add(order)
    session.flush()
    session.add(OrderEvent(order_id=order.id, kind="released", actor="epi", at=AT, detail={"reason": "at home"}))
    return person


def _infection(session: Session, person: Person, discharged_on: date | None) -> Infection:
    infection = Infection(
        person_id=person.id,
        kind="confirmed",
        sampled_on=date(2022, 11, 12),
        confirmed_at=AT,
        discharged_on=discharged_on,
        found_in="screening",
        jurisdiction_code=HOME,
        workplace="the bakery on Main Street",
        places=["the market"],
        source_note="met Person 0",
        created_by="epi",
        created_at=AT,
    )
    session.add(infection)
    session.flush()
    return infection


def _with_infection(session: Session, person: Person) -> None:
    _infection(session, person, None)


def _with_pool_hold(session: Session, person: Person) -> None:
    session.add(TemporaryControl(person_id=person.id, sample_id=1, started_at=AT))


def _with_contact_proposal(session: Session, person: Person) -> None:
    source = _person(session, 900)
    infection = _infection(session, source, ENDED)
    session.add(
        ContactCandidate(
            infection_id=infection.id,
            person_id=person.id,
            category="close_contact",
            source="interview",
            last_exposure=date(2022, 11, 10),
            detail="dinner",
            proposed_by="epi",
            proposed_at=AT,
        )
    )


def _with_open_appeal(session: Session, person: Person) -> None:
    session.add(
        Ticket(
            kind="health_code",
            person_id=person.id,
            jurisdiction_code=HOME,
            channel="hotline",
            text="my code is wrong",
            opened_at=AT,
            due_at=AT,
            clause="m20.16",
            opened_by="cc",
        )
    )


def _with_stranded_request(session: Session, person: Person) -> None:
    session.add(StrandedPerson(person_id=person.id, origin_code=HOME, destination="Chengdu", reported_on=ENDED))


def _with_open_need(session: Session, person: Person) -> None:
    session.add(
        ClosureNeed(
            person_id=person.id,
            jurisdiction_code=HOME,
            jurisdiction_path="/11/1101/110105/110105001/110105001001/",
            address="building 3 unit 2",
            kind="dialysis",
            urgency="urgent",
            raised_at=AT,
            raised_by="worker_a",
            deadline=AT,
            status="assigned",
        )
    )


def _on_the_registry(session: Session, person: Person) -> None:
    session.add(
        KeyPerson(
            person_id=person.id,
            kinds=["elderly_living_alone"],
            vaccination_status="unvaccinated",
            grade="high",
            check_every_days=1,
            started_at=AT,
            recorded_by="worker_a",
        )
    )


def _with_late_discharge(session: Session, person: Person) -> None:
    _infection(session, person, date(2022, 12, 15))  # followed until then, though the order ended on 20 Nov


@pytest.mark.parametrize(
    ("keep", "reason"),
    [
        (_with_infection, "infection"),
        (_with_pool_hold, "pool_hold"),
        (_with_contact_proposal, "contact_proposal"),
        (_with_open_appeal, "open_appeal"),
        (_with_stranded_request, "stranded"),
        (_with_open_need, "open_need"),
        (_on_the_registry, "key_population"),
        (_with_late_discharge, "within_period"),
    ],
)
def test_a_record_still_in_use_is_kept(
    sessions: sessionmaker[Session], policy: Policy, keep: Callable[[Session, Person], None], reason: str
) -> None:
    with unit_of_work(sessions) as session:
        keep(session, _person(session, 1))
    with unit_of_work(sessions) as session:
        run = run_retention(session, JOB, policy, today=date(2022, 12, 31))
    assert run.anonymised == (1 if reason == "contact_proposal" else 0)  # the source infection's person goes
    assert run.kept == {reason: 1}
    with unit_of_work(sessions) as session:
        assert session.scalar(select(Person.name).where(Person.document_number == "doc-1")) == "Person 1"


def test_anonymising_blanks_the_records_beside_the_person(sessions: sessionmaker[Session], policy: Policy) -> None:
    with unit_of_work(sessions) as session:
        person = _person(session, 1)
        _infection(session, person, ENDED)
        session.add(
            AddressChange(
                person_id=person.id,
                moved_on=date(2022, 10, 1),
                from_jurisdiction_code=HOME,
                from_address="old home",
                from_building="9",
                from_unit="1",
                recorded_by="epi",
            )
        )
        order_id = session.scalar(select(ManagementOrder.id).where(ManagementOrder.person_id == person.id))
        assert order_id is not None
        session.add(
            HomeVisit(
                person_id=person.id,
                order_id=order_id,
                visited_on=date(2022, 11, 15),
                visited_at=AT,
                at_home=True,
                symptoms=[],
                note="lives with her mother",
                follow_up=False,
                reasons=[],
                recorded_by="worker_a",
            )
        )
        session.add(Venue(code="V1", name="Market", address="1 Main St", jurisdiction_code=HOME))
        session.flush()
        session.add(VenueScan(person_id=person.id, venue_code="V1", scanned_at=AT))
        session.add(
            Ticket(
                kind="complaint",
                person_id=person.id,
                jurisdiction_code=HOME,
                channel="hotline",
                text="my neighbour Person 0",
                opened_at=AT,
                due_at=AT,
                clause="m20.16",
                opened_by="cc",
                status="answered",
                answer="noted",
            )
        )
        pid = person.id
    with unit_of_work(sessions) as session:
        assert run_retention(session, JOB, policy, today=date(2022, 12, 31)).anonymised == 1
    with unit_of_work(sessions) as session:
        gone = session.get(Person, pid)
        assert gone is not None and gone.anonymised_on == date(2022, 12, 31)
        assert "Person" not in gone.name and "doc-1" not in gone.document_number
        move = session.scalars(select(AddressChange)).one()
        assert (move.from_address, move.from_building, move.from_unit) == ("", None, None)
        assert session.scalars(select(HomeVisit.note)).one() is None
        infection = session.scalars(select(Infection)).one()
        assert (infection.workplace, infection.places, infection.source_note) == (None, [], None)
        assert session.scalar(select(func.count()).select_from(VenueScan)) == 0
        ticket = session.scalars(select(Ticket)).one()
        assert (ticket.text, ticket.answer) == ("", None)
        assert session.scalars(select(ManagementOrder.status_reason)).one() is None
        assert session.scalars(select(OrderEvent.detail)).one() == {"reason": ""}
        # what is counted stays: the infection, the order, the visit, where and when
        assert (infection.jurisdiction_code, infection.sampled_on) == (HOME, date(2022, 11, 12))
        assert session.scalar(select(func.count()).select_from(ManagementOrder)) == 1


def test_every_reason_the_job_counts_is_one_the_pages_list() -> None:
    """The console lists the kept by `KEPT_REASONS` (with their words): a reason counted under another name would
    vanish from the page."""
    import ast
    from pathlib import Path

    from fangkong.services.retention import service

    tree = ast.parse(Path(service.__file__).read_text(encoding="utf-8"))
    counted = {
        node.slice.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Subscript)
        and isinstance(node.value, ast.Name)
        and node.value.id == "kept"
        and isinstance(node.slice, ast.Constant)
    }
    assert counted and counted <= set(service.KEPT_REASONS)
