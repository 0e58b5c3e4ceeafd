"""A person's export and anonymisation cover the records of measures 11 to 17 about them (issues 18 and 19; PIPL
art. 45 and 73(4)): doses and outreach, the key-population registry and its checks, needs during closure with their
hotline calls, the care of their infection."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from fangkong.policy import Policy
from fangkong.services.access import Actor, Role
from fangkong.services.arrivals.models import Arrival, ArrivalFollowUp
from fangkong.services.closure_services.models import ClosureNeed, HotlineRecord
from fangkong.services.key_populations.models import KeyPerson, KeyPersonCheck
from fangkong.services.retention.export import person_export
from fangkong.services.retention.service import run_retention
from fangkong.services.store import unit_of_work
from fangkong.services.vaccination.models import VaccinationDose, VaccinationOutreach
from tests.services.test_retention import AT, ENDED, HOME, JOB, _infection, _person, sessions  # noqa: F401

COMMAND = Actor("cc", Role.command_centre, "/")


def _protected(session: Session) -> int:
    person = _person(session, 7)
    _infection(session, person, ENDED)
    session.add(
        VaccinationDose(
            person_id=person.id,
            product="sinovac_coronavac",
            manufacturer="Sinovac",
            dose_number=1,
            given_on=date(2021, 5, 1),
            recorded_by="w",
        )
    )
    session.add(
        VaccinationOutreach(
            person_id=person.id,
            asked_on=ENDED,
            outcome="contraindication",
            reason="allergic, told by her son",
            recorded_by="w",
        )
    )
    key = KeyPerson(
        person_id=person.id,
        kinds=["elderly_living_alone"],
        note="son lives in Chengdu",
        vaccination_status="partial",
        grade="high",
        check_every_days=1,
        started_at=AT,
        recorded_by="w",
    )
    session.add(key)
    session.flush()
    session.add(KeyPersonCheck(key_person_id=key.id, checked_at=AT, checked_by="w", outcome="well", note="knee pain"))
    need = ClosureNeed(
        person_id=person.id,
        jurisdiction_code=HOME,
        jurisdiction_path="/11/1101/110105/110105001/110105001001/",
        address="building 3 unit 2",
        kind="medicine",
        urgency="urgent",
        detail="insulin, the pharmacy on Main Street",
        raised_at=AT,
        raised_by="w",
        deadline=AT + timedelta(hours=24),
        status="done",
        done_at=AT,
        done_note="left with the neighbour",
    )
    session.add(need)
    session.flush()
    session.add(
        HotlineRecord(
            jurisdiction_code=HOME,
            caller_phone="13900000000",
            called_at=AT,
            summary="her son called",
            need_id=need.id,
            recorded_by="w",
        )
    )
    arrival = Arrival(
        person_id=person.id,
        arrived_at=AT,
        from_province="44",
        from_place="Dongguan, her sister's",
        jurisdiction_code=HOME,
        migrant_worker=True,
        employer="Site 7",
        note="came with her son",
        recorded_by="w",
    )
    session.add(arrival)
    session.flush()
    session.add(
        ArrivalFollowUp(arrival_id=arrival.id, at=AT, outcome="reminded", note="at her sister's", recorded_by="w")
    )
    session.flush()
    return person.id


def test_the_export_carries_the_protection_records(sessions: sessionmaker[Session]) -> None:  # noqa: F811
    with unit_of_work(sessions) as session:
        pid = _protected(session)
        export = person_export(session, COMMAND, pid)
    assert [d["product"] for d in export["vaccinations"]] == ["sinovac_coronavac"]
    assert export["vaccination_outreach"][0]["reason"] == "allergic, told by her son"
    assert export["key_population"][0]["checks"][0]["note"] == "knee pain"
    assert export["needs"][0]["hotline"][0]["summary"] == "her son called"
    assert export["infections"][0]["severities"] == [] and export["infections"][0]["stays"] == []
    assert export["supply_requests"] == [] and export["supply_dispensations"] == []
    assert export["arrivals"][0]["employer"] == "Site 7" and export["arrivals"][0]["follow_ups"][0]["note"]
    assert export["institution_memberships"] == []


def test_anonymising_blanks_their_words_and_keeps_the_facts(
    sessions: sessionmaker[Session],  # noqa: F811
    policy: Policy,
) -> None:
    with unit_of_work(sessions) as session:
        pid = _protected(session)
        session.execute(select(KeyPerson)).scalars().one().ended_at = AT  # off the registry: nothing keeps them
    with unit_of_work(sessions) as session:
        assert run_retention(session, JOB, policy, today=date(2022, 12, 31)).anonymised >= 1
    with unit_of_work(sessions) as session:
        assert session.scalars(select(VaccinationOutreach.reason)).one() is None
        assert session.scalars(select(VaccinationDose.person_id)).one() == pid  # the dose is a fact: it stays
        assert session.scalars(select(KeyPerson.note)).one() is None
        assert session.scalars(select(KeyPersonCheck.note)).one() is None
        need = session.scalars(select(ClosureNeed)).one()
        assert (need.address, need.detail, need.done_note) == ("", None, None) and need.kind == "medicine"
        call = session.scalars(select(HotlineRecord)).one()
        assert (call.caller_phone, call.summary) == ("", "")
        arrival = session.scalars(select(Arrival)).one()
        assert (arrival.from_place, arrival.employer, arrival.note) == (None, None, None)
        assert arrival.from_province == "44"  # the fact stays
        assert session.scalars(select(ArrivalFollowUp.note)).one() is None
