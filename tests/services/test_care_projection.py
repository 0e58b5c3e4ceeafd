"""The bed projection from the store (measure 11; issue 18): which infections, ages and vaccination statuses it
counts, the beds in use and the staffed beds it starts from, and that it is the pure rule on those inputs — on SQLite
and PostgreSQL (tests.stores)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.errors import InvalidInput, NotFound
from fangkong.policy import load_policy
from fangkong.policy.terms import AgeBand, CareLevel
from fangkong.rules.bed_projection import BedProjectionInput, DailyInfections, bed_projection
from fangkong.services.access import Actor
from fangkong.services.care.models import CareFacility
from fangkong.services.care.projection import (
    census_on,
    project_jurisdiction,
    projected_place,
    projection_input,
    staffed_capacity,
)
from fangkong.services.care.service import FacilityIn, admit, create_facility, record_absence, record_severity
from fangkong.services.infections.models import Infection
from fangkong.services.persons.models import Person
from fangkong.services.store import make_engine, session_factory, unit_of_work
from fangkong.services.users.models import User
from fangkong.services.users.service import actor_for_user
from tests.stores import BACKENDS, Templates

COUNTY, COMMUNITY = "110105", "110105001001"
AS_OF = date(2022, 11, 20)


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


def infected(session: Session, n: int, day: date, birth: date | None = date(1990, 1, 1)) -> Infection:
    """An infection confirmed at 09:00 Beijing time on `day` (01:00 UTC: the local day is the day)."""
    person = Person(
        name=f"person {n}",
        document_type="other",
        document_number=f"P{n}",
        birth_date=birth,
        address="1 Road",
        jurisdiction_code=COMMUNITY,
    )
    session.add(person)
    session.flush()
    infection = Infection(
        person_id=person.id,
        kind="confirmed",
        sampled_on=day,
        confirmed_at=datetime(day.year, day.month, day.day, 1, tzinfo=UTC),
        found_in="community",
        jurisdiction_code=COMMUNITY,
        created_by="test",
    )
    session.add(infection)
    session.flush()
    return infection


def hospital(session: Session, name: str, kind: str = "designated_hospital", **beds: int) -> CareFacility:
    return create_facility(
        session,
        actor(session),
        FacilityIn(
            name=name,
            kind=kind,
            jurisdiction_code=COUNTY,
            beds=beds or {"general": 10, "icu": 2, "convertible_icu": 0},
            staff={"doctor": 20, "nurse": 20, "critical_care_nurse": 10},
        ),
    )


def test_infections_are_counted_by_day_age_band_and_vaccination(session: Session) -> None:
    a = actor(session)
    day = AS_OF - timedelta(days=1)
    recorded_unvaccinated = infected(session, 1, day, date(1940, 5, 1))  # 82: from 80
    record_severity(session, a, recorded_unvaccinated.id, "mild", day, risk_factors=["unvaccinated"])
    recorded_vaccinated = infected(session, 2, day, date(1942, 11, 20))  # 79 on the 19th: 60 to 79
    record_severity(session, a, recorded_vaccinated.id, "mild", day)
    infected(session, 3, day, None)  # no birth date, no severity: under 60, counted as not fully vaccinated
    infected(session, 4, AS_OF)
    infected(session, 5, AS_OF + timedelta(days=1))  # after the day asked: not read
    infected(session, 6, AS_OF - timedelta(days=14))  # before the two growth windows: not read
    given = projection_input(session, a, None, AS_OF)
    assert sorted((r.day, r.age_band, r.vaccinated, r.count) for r in given.infections) == sorted(
        [
            (day, AgeBand.from_80, False, 1),
            (day, AgeBand.from_60_to_79, True, 1),
            (day, AgeBand.under_60, False, 1),
            (AS_OF, AgeBand.under_60, False, 1),
        ]
    )
    # a later severity naming the factor changes the count from that day on, not before
    record_severity(
        session, a, recorded_vaccinated.id, "moderate", AS_OF + timedelta(days=1), risk_factors=["unvaccinated"]
    )
    again = projection_input(session, a, None, AS_OF)
    assert (day, AgeBand.from_60_to_79, True, 1) in [
        (r.day, r.age_band, r.vaccinated, r.count) for r in again.infections
    ]


def test_beds_in_use_and_staffed_beds_are_those_of_open_hospitals(session: Session) -> None:
    a = actor(session)
    designated = hospital(session, "Designated")
    hospital(session, "Sub", "sub_designated_hospital", general=4, icu=1, convertible_icu=1)
    hospital(session, "Cabins", "makeshift_hospital", general=100, icu=0, convertible_icu=0)  # not a hospital bed
    root = projected_place(session, a, COUNTY).path
    assert staffed_capacity(session, a, root, AS_OF) == {CareLevel.inpatient: 10 + 5, CareLevel.icu: 2 + 1}
    record_absence(session, a, designated.id, AS_OF, "nurse", infected=18)  # 2 nurses left: 5 general beds staffed
    assert staffed_capacity(session, a, root, AS_OF)[CareLevel.inpatient] == 5 + 5
    assert staffed_capacity(session, a, root, AS_OF - timedelta(days=1))[CareLevel.inpatient] == 10 + 5
    case = infected(session, 10, AS_OF - timedelta(days=3), date(1950, 1, 1))
    record_severity(session, a, case.id, "critical", AS_OF - timedelta(days=3))
    admit(session, a, case.id, designated.id, AS_OF - timedelta(days=2))
    assert census_on(session, root, AS_OF) == {CareLevel.inpatient: 0, CareLevel.icu: 1}
    assert census_on(session, root, AS_OF - timedelta(days=3)) == {CareLevel.inpatient: 0, CareLevel.icu: 0}


def test_the_projection_is_the_rule_on_the_store_s_inputs_and_alerts_before_icu_runs_out(session: Session) -> None:
    a = actor(session)
    hospital(session, "Designated", general=40, icu=2, convertible_icu=0)
    n = 0
    for back in range(13, -1, -1):  # a wave doubling every 4 days among people of 85
        for _ in range(round(3 * 2 ** ((13 - back) / 4))):
            n += 1
            infected(session, n, AS_OF - timedelta(days=back), date(1937, 6, 1))
    got = project_jurisdiction(session, a, COUNTY, AS_OF)
    policy = load_policy()
    rows = [
        DailyInfections(AS_OF - timedelta(days=back), AgeBand.from_80, False, round(3 * 2 ** ((13 - back) / 4)))
        for back in range(13, -1, -1)
    ]
    expected = bed_projection(
        BedProjectionInput(
            as_of=AS_OF,
            infections=tuple(rows),
            census={CareLevel.inpatient: 0, CareLevel.icu: 0},
            capacity={CareLevel.inpatient: 40, CareLevel.icu: 2},
        ),
        policy.at(AS_OF),
    )
    assert got == expected
    icu = got.outlook(CareLevel.icu)
    assert icu.run_out is not None and icu.run_out <= AS_OF + timedelta(days=7) and icu.alert and got.alert
    assert got.growth > 1.15
    assert all(r.clause for r in got.reasons)


def test_no_data_before_the_day_is_refused_naming_as_of_and_old_data_projects_no_new_need(session: Session) -> None:
    a = actor(session)
    with pytest.raises(InvalidInput) as e:
        project_jurisdiction(session, a, COUNTY, AS_OF)
    assert e.value.field == "as_of"
    infected(session, 1, AS_OF - timedelta(days=40))
    quiet = project_jurisdiction(session, a, COUNTY, AS_OF)
    assert all(c == 0 for o in quiet.outlooks for c in o.census) and not quiet.alert


def test_a_jurisdiction_outside_the_actor_s_scope_is_not_found(session: Session) -> None:
    worker = actor(session, "epi_fengtai")
    with pytest.raises(NotFound):
        projected_place(session, worker, COUNTY)
    assert projected_place(session, worker, None).path == worker.jurisdiction_path
