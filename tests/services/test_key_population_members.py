"""The residents and staff of key institutions and the alert an infection among them raises by itself (measure 14,
m20.14; issue 19), on SQLite and PostgreSQL (tests.stores): a member is added and leaves; an infection recorded for a
current member — by the lab import's path or by an epidemiologist's — raises one alert with the infected role and
reasons citing m20.14; none for a former member; none twice. Bad input is refused naming the field, nothing changed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fangkong.errors import Forbidden, InvalidInput, NotFound
from fangkong.policy import load_policy
from fangkong.rules.resident_id import check_digit
from fangkong.services.access import Actor, Role
from fangkong.services.audit.models import AuditEntry
from fangkong.services.infection_follow_up import infection_from_result, infection_recorded
from fangkong.services.infections.service import InfectionCreate, PositiveResult
from fangkong.services.jurisdictions.models import Jurisdiction
from fangkong.services.key_populations import institutions as inst
from fangkong.services.key_populations import members
from fangkong.services.key_populations.models import InstitutionAlert, InstitutionMember, KeyInstitution
from fangkong.services.persons.models import Person
from fangkong.services.store import make_engine, session_factory, unit_of_work
from fangkong.services.users.models import User
from fangkong.services.users.service import actor_for_user
from tests.stores import BACKENDS, Templates

COMMUNITY = "110105001001"
NOW = datetime(2022, 12, 1, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
TODAY = date(2022, 12, 1)


@pytest.fixture(params=BACKENDS)
def session(request: pytest.FixtureRequest, tmp_path: Path, store_templates: Templates) -> Iterator[Session]:
    with store_templates.store(request.param, "small_county", tmp_path) as url:
        engine = make_engine(url)
        with unit_of_work(session_factory(engine)) as s:
            yield s
        engine.dispose()


def actor(session: Session, username: str = "cc") -> Actor:
    user = session.scalar(select(User).where(User.username == username))
    assert user is not None
    return actor_for_user(session, user)


def person(session: Session, seq: int, born: date = date(1940, 3, 1), where: str = COMMUNITY) -> Person:
    first17 = f"110105{born:%Y%m%d}{seq:03d}"
    p = Person(
        name=f"person {seq}",
        document_type="resident_id",
        document_number=first17 + check_digit(first17),
        birth_date=born,
        address="1 Road",
        jurisdiction_code=where,
    )
    session.add(p)
    session.flush()
    return p


def nursing_home(session: Session, name: str = "Sunset home") -> KeyInstitution:
    return inst.create_institution(
        session,
        actor(session),
        inst.InstitutionIn(name=name, kind="nursing_home", jurisdiction_code=COMMUNITY, residents=80, staff=20),
    )


def count(session: Session, model: type) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def member(
    session: Session, home: KeyInstitution, p: Person, role: str = "resident", **days: date
) -> InstitutionMember:
    data = members.MemberIn(person_id=p.id, role=role, started_on=days.get("started_on", date(2022, 1, 1)))
    if "ended_on" in days:
        data = data.model_copy(update={"ended_on": days["ended_on"]})
    return members.add_member(session, actor(session), home.id, data, today=TODAY)


def recorded(session: Session, p: Person, sampled_on: date = date(2022, 11, 30)) -> int:
    """An epidemiologist records the infection (the API's path); its follow-up's institution alerts."""
    follow_up = infection_recorded(
        session,
        actor(session, "epi"),
        InfectionCreate(person_id=p.id, kind="confirmed", sampled_on=sampled_on, confirmed_at=NOW),
        now=NOW,
        policy=load_policy(),
    )
    return follow_up.institution_alerts


def from_the_lab(session: Session, p: Person) -> int:
    """A positive single-tube result arrives (the lab import's path); its follow-up's institution alerts."""
    positive = PositiveResult(
        person_id=p.id,
        sample_id=0,
        barcode="S-1",
        result_id=None,
        collected_at=NOW - timedelta(hours=20),
        reported_at=NOW - timedelta(hours=1),
        cite=("m20.1",),
    )
    return infection_from_result(
        session, actor(session, "epi"), positive, now=NOW, policy=load_policy()
    ).institution_alerts


def test_members_are_added_listed_and_leave(session: Session) -> None:
    home = nursing_home(session)
    resident, nurse = person(session, 1), person(session, 2, born=date(1980, 5, 5))
    r = member(session, home, resident)
    n = member(session, home, nurse, role="staff", started_on=date(2021, 6, 1))
    rows, total = members.list_members(session, actor(session), home.id)
    assert total == 2 and [(m.role, p.id) for m, p in rows] == [("resident", resident.id), ("staff", nurse.id)]
    members.end_member(session, actor(session), n.id, date(2022, 11, 20), today=TODAY)
    current, total = members.list_members(session, actor(session), home.id, on=TODAY)
    assert total == 1 and [m.id for m, _ in current] == [r.id]
    # the read names the persons of the page, the writes the person they are about
    reads = session.scalars(select(AuditEntry).where(AuditEntry.entity == "institution_members")).all()
    assert reads and str(resident.id) in str(reads[-1].detail)
    writes = session.scalars(
        select(AuditEntry).where(AuditEntry.entity == "person", AuditEntry.entity_id == str(nurse.id))
    )
    assert {e.action for e in writes} == {"create", "update"}
    with pytest.raises(InvalidInput) as e:
        members.end_member(session, actor(session), n.id, date(2022, 11, 21), today=TODAY)
    assert e.value.field == "member_id"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"person_id": 999_999}, "person_id"),
        ({"role": "visitor"}, "role"),
        ({"started_on": date(2022, 12, 2)}, "started_on"),
        ({"ended_on": date(2021, 12, 31)}, "ended_on"),
        ({"ended_on": date(2022, 12, 5)}, "ended_on"),
    ],
)
def test_a_bad_member_is_refused_naming_the_field(session: Session, change: dict[str, object], field: str) -> None:
    home = nursing_home(session)
    p = person(session, 1)
    data = members.MemberIn.model_validate(
        {"person_id": p.id, "role": "resident", "started_on": date(2022, 1, 1), **change}
    )
    before = count(session, AuditEntry)
    with pytest.raises(InvalidInput) as e:
        members.add_member(session, actor(session), home.id, data, today=TODAY)
    assert e.value.field == field
    assert count(session, InstitutionMember) == 0 and count(session, AuditEntry) == before


def test_an_overlap_an_institution_or_a_person_out_of_scope_is_refused(session: Session) -> None:
    home = nursing_home(session)
    p = person(session, 1)
    member(session, home, p, started_on=date(2022, 1, 1), ended_on=date(2022, 6, 30))
    with pytest.raises(InvalidInput) as e:
        member(session, home, p, started_on=date(2022, 6, 1))
    assert e.value.field == "started_on"
    member(session, home, p, started_on=date(2022, 7, 1))  # back after they left: a new period
    elsewhere = person(session, 2, where="110106001001")
    fengtai = actor(session, "epi_fengtai")
    with pytest.raises(NotFound):
        members.list_members(session, fengtai, home.id)
    worker = actor(session, "worker_a")  # may write persons, not manage institutions
    with pytest.raises(Forbidden):
        members.add_member(
            session, worker, home.id, members.MemberIn(person_id=p.id, role="staff", started_on=TODAY), today=TODAY
        )
    # a site manager of the community: the institution is theirs, the person living in Fengtai is not
    community = session.get(Jurisdiction, COMMUNITY)
    assert community is not None
    manager = Actor("manager", Role.site_manager, community.path)
    data = members.MemberIn(person_id=elsewhere.id, role="staff", started_on=TODAY)
    with pytest.raises(InvalidInput) as e:
        members.add_member(session, manager, home.id, data, today=TODAY)
    assert e.value.field == "person_id"
    assert count(session, InstitutionMember) == 2
    # the command centre covers both districts and records them; the community's manager does not see them listed
    members.add_member(session, actor(session), home.id, data, today=TODAY)
    rows, total = members.list_members(session, manager, home.id)
    assert total == 2 and elsewhere.id not in [person.id for _, person in rows]
    assert members.list_members(session, actor(session), home.id)[1] == 3


def test_a_residents_infection_from_the_lab_raises_one_alert(session: Session) -> None:
    home = nursing_home(session)
    p = person(session, 1)
    member(session, home, p)
    assert from_the_lab(session, p) == 1
    alert = session.scalars(select(InstitutionAlert)).one()
    assert alert.institution_id == home.id and alert.infected == "resident" and alert.raised_by == "epi"
    assert any(r["clause"] == "m20.14" for r in alert.reasons)
    assert len(inst.items_of(session, alert.id)) == 3
    # the same positive arrives again: the same infection, no second alert
    assert from_the_lab(session, p) == 0
    assert count(session, InstitutionAlert) == 1


def test_a_staff_members_infection_recorded_by_an_epidemiologist_alerts_each_institution_once(
    session: Session,
) -> None:
    home, other = nursing_home(session), nursing_home(session, "Welfare home 2")
    nurse = person(session, 1, born=date(1985, 1, 1))
    member(session, home, nurse, role="staff")
    member(session, other, nurse, role="staff", started_on=date(2022, 1, 1), ended_on=date(2022, 3, 1))
    member(session, other, nurse, role="staff", started_on=date(2022, 11, 1))
    assert recorded(session, nurse) == 2
    alerts = session.scalars(select(InstitutionAlert).order_by(InstitutionAlert.institution_id)).all()
    assert [(a.institution_id, a.infected) for a in alerts] == [(home.id, "staff"), (other.id, "staff")]
    # a hand-raised alert for the same pair is refused as already raised
    with pytest.raises(InvalidInput) as e:
        inst.raise_alert(session, actor(session, "epi"), home.id, alerts[0].infection_id, NOW)
    assert e.value.field == "infection_id"


def test_no_alert_for_a_former_member_nor_for_someone_not_a_member(session: Session) -> None:
    home = nursing_home(session)
    left, stranger = person(session, 1), person(session, 2)
    member(session, home, left, ended_on=date(2022, 11, 15))
    assert recorded(session, left) == 0
    assert recorded(session, stranger) == 0
    assert count(session, InstitutionAlert) == 0


def test_a_member_who_left_after_the_sample_still_alerts(session: Session) -> None:
    home = nursing_home(session)
    p = person(session, 1)
    member(session, home, p, ended_on=date(2022, 11, 30))  # sampled on the 30th, the last day there
    assert recorded(session, p, sampled_on=date(2022, 11, 30)) == 1
