"""Care facilities, severity, graded admission, stays, census and staffed beds in the store (measure 11; issue 18),
on SQLite and PostgreSQL (tests.stores). Every bad input of the issue that is this part's is refused naming the field,
with nothing changed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fangkong.errors import InvalidInput
from fangkong.policy.terms import BedKind
from fangkong.services.access import Actor
from fangkong.services.care.models import CareFacility, CareStay, InfectionSeverity
from fangkong.services.care.service import (
    FacilityIn,
    admit,
    census,
    census_by_jurisdiction,
    create_facility,
    end_stay,
    propose_admission,
    record_absence,
    record_severity,
    severity_history,
    staffed,
    update_facility,
)
from fangkong.services.infections.models import Infection
from fangkong.services.persons.models import Person
from fangkong.services.store import make_engine, session_factory, unit_of_work
from fangkong.services.users.models import User
from fangkong.services.users.service import actor_for_user
from tests.stores import BACKENDS, Templates

COUNTY, COMMUNITY = "110105", "110105001001"
M20 = date(2022, 11, 20)
N10 = date(2022, 12, 10)


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


def infected(session: Session, n: int, birth: date = date(1990, 1, 1)) -> Infection:
    person = Person(
        name=f"person {n}",
        document_type="other",
        document_number=f"X{n}",
        birth_date=birth,
        address="1 Road",
        jurisdiction_code=COMMUNITY,
    )
    session.add(person)
    session.flush()
    infection = Infection(
        person_id=person.id,
        kind="confirmed",
        sampled_on=M20,
        confirmed_at=datetime(2022, 11, 20, 8, tzinfo=UTC),
        found_in="community",
        jurisdiction_code=COMMUNITY,
        created_by="test",
    )
    session.add(infection)
    session.flush()
    return infection


def hospital(
    session: Session, name: str = "Designated", kind: str = "designated_hospital", **beds: int
) -> CareFacility:
    return create_facility(
        session,
        actor(session),
        FacilityIn(
            name=name,
            kind=kind,
            jurisdiction_code=COUNTY,
            beds=beds or {"general": 2, "icu": 1, "convertible_icu": 0},
            staff={"doctor": 10, "nurse": 10, "critical_care_nurse": 5},
        ),
    )


def counts(session: Session) -> tuple[int, int, int]:
    return tuple(
        session.scalar(select(func.count()).select_from(t)) or 0 for t in (CareFacility, CareStay, InfectionSeverity)
    )  # type: ignore[return-value]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (FacilityIn(name="Nowhere", kind="fever_clinic", jurisdiction_code=""), "jurisdiction_code"),
        (FacilityIn(name="Nowhere", kind="fever_clinic", jurisdiction_code="999"), "jurisdiction_code"),
        (FacilityIn(name="Neg", kind="fever_clinic", jurisdiction_code=COUNTY, beds={"general": -1}), "beds.general"),
        (FacilityIn(name="Neg", kind="fever_clinic", jurisdiction_code=COUNTY, staff={"nurse": -3}), "staff.nurse"),
        (FacilityIn(name="Bad", kind="spa", jurisdiction_code=COUNTY), "kind"),
        (FacilityIn(name="Bad", kind="fever_clinic", jurisdiction_code=COUNTY, beds={"sofa": 1}), "beds"),
    ],
)
def test_bad_facilities_are_refused_naming_the_field(session: Session, data: FacilityIn, field: str) -> None:
    before = counts(session)
    with pytest.raises(InvalidInput) as e:
        create_facility(session, actor(session), data)
    assert e.value.field == field
    assert counts(session) == before


def test_severity_of_someone_not_infected_or_unknown_is_refused(session: Session) -> None:
    infection = infected(session, 1)
    before = counts(session)
    with pytest.raises(InvalidInput) as e:
        record_severity(session, actor(session), 99999, "mild", M20)
    assert e.value.field == "infection_id"
    with pytest.raises(InvalidInput) as e:
        record_severity(session, actor(session), infection.id, "very_bad", M20)
    assert e.value.field == "severity"
    assert counts(session) == before


def test_graded_admission_under_m20_and_n10(session: Session) -> None:
    hospital(session)
    hospital(session, "Fangcang", "makeshift_hospital", general=5)
    a = infected(session, 1)
    sev = record_severity(session, actor(session), a.id, "mild", M20)
    assert (sev.level, sev.facility) == ("centralized_isolation", "makeshift_hospital")
    assert propose_admission(session, actor(session), a.id, M20).facility_name == "Fangcang"
    b = infected(session, 2)
    sev = record_severity(session, actor(session), b.id, "mild", N10)
    assert (sev.level, sev.facility) == ("home_isolation", "home")
    assert propose_admission(session, actor(session), b.id, N10).facility_id is None
    old = infected(session, 3, birth=date(1935, 1, 1))  # 87: high risk under n10
    sev = record_severity(session, actor(session), old.id, "mild", N10)
    assert (sev.facility, sev.high_risk) == ("designated_hospital", True)
    assert [s.severity for s in severity_history(session, actor(session), old.id)] == ["mild"]


def test_transfer_to_icu_when_severity_turns_severe_then_discharge(session: Session) -> None:
    h = hospital(session)
    a = infected(session, 1)
    record_severity(session, actor(session), a.id, "moderate", M20)
    p = propose_admission(session, actor(session), a.id, M20)
    assert (p.facility_id, p.bed_kind, p.transfer) == (h.id, BedKind.general, False)
    admit(session, actor(session), a.id, h.id, M20)
    record_severity(session, actor(session), a.id, "critical", date(2022, 11, 22))
    p = propose_admission(session, actor(session), a.id, date(2022, 11, 22))
    assert (p.facility_id, p.bed_kind, p.transfer) == (h.id, BedKind.icu, True)
    admit(session, actor(session), a.id, h.id, date(2022, 11, 22))
    stays = list(session.scalars(select(CareStay).order_by(CareStay.id)))
    assert [(s.bed_kind, s.end) for s in stays] == [("general", "transferred"), ("icu", None)]
    rows = {r.bed_kind: r for r in census(session, actor(session), date(2022, 11, 22))}
    assert (rows[BedKind.icu].occupied, rows[BedKind.icu].admissions, rows[BedKind.general].occupied) == (1, 1, 0)
    end_stay(session, actor(session), a.id, date(2022, 11, 30), "discharged")
    day = census(session, actor(session), date(2022, 11, 30))
    assert sum(r.discharges for r in day) == 1
    assert census_by_jurisdiction(day)[(COUNTY, BedKind.icu)]["free"] == 1


def test_occupancy_above_capacity_is_refused(session: Session) -> None:
    h = hospital(session, general=1, icu=0)
    a, b = infected(session, 1), infected(session, 2)
    for i in (a, b):
        record_severity(session, actor(session), i.id, "moderate", M20)
    admit(session, actor(session), a.id, h.id, M20)
    before = counts(session)
    with pytest.raises(InvalidInput) as e:
        admit(session, actor(session), b.id, h.id, M20)
    assert e.value.field == "bed_kind"
    assert counts(session) == before
    assert propose_admission(session, actor(session), b.id, M20).facility_id is None
    with pytest.raises(InvalidInput) as e:
        update_facility(session, actor(session), h.id, {"beds": {"general": 0}})
    assert e.value.field == "beds.general"


def test_admission_of_someone_not_infected_is_refused(session: Session) -> None:
    h = hospital(session)
    before = counts(session)
    with pytest.raises(InvalidInput) as e:
        admit(session, actor(session), 424242, h.id, M20)
    assert e.value.field == "infection_id"
    assert counts(session) == before


def test_staff_infections_reduce_staffed_beds(session: Session) -> None:
    h = hospital(session, general=20, icu=4)
    assert (staffed(session, h, M20).general, staffed(session, h, M20).icu) == (20, 2)
    record_absence(session, actor(session), h.id, M20, "nurse", infected=6)
    record_absence(session, actor(session), h.id, M20, "critical_care_nurse", infected=3)
    now = staffed(session, h, M20)
    assert (now.general, now.icu) == (10, 0)
    assert staffed(session, h, date(2022, 11, 21)).general == 20
    with pytest.raises(InvalidInput) as e:
        record_absence(session, actor(session), h.id, M20, "doctor", infected=11)
    assert e.value.field == "infected"
