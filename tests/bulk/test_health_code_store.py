"""The store and the bulk job give the same health codes on every day, not only on the day of the export
(issue 13): an infection counts from its confirmation until its discharge in both."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.bulk.city import ZONE
from fangkong.bulk.engines import DuckDBEngine
from fangkong.bulk.jobs import run_job
from fangkong.policy import load_policy
from fangkong.services.access import SYSTEM
from fangkong.services.bulk_export import export_tables
from fangkong.services.health_codes.service import decide_codes
from fangkong.services.infections.service import InfectionCreate, InfectionUpdate, record_infection, update_infection
from fangkong.services.persons.models import Person
from fangkong.services.persons.schemas import PersonCreate
from fangkong.services.persons.service import create_person
from fangkong.services.settings import JURISDICTION_ZONE
from fangkong.services.store import make_engine, session_factory, unit_of_work
from tests.api.conftest import db_url  # noqa: F401  (the stores: SQLite, and PostgreSQL when there is one)

POLICY = load_policy()
COMMUNITY = "110105001001"


@pytest.fixture
def store(db_url: str) -> Iterator[Session]:  # noqa: F811
    engine = make_engine(db_url)
    with unit_of_work(session_factory(engine)) as session:
        yield session
        session.rollback()
    engine.dispose()


def _person(session: Session, i: int, today: date) -> Person:
    data = PersonCreate(
        name=f"P{i}",
        address=f"Road {i}",
        jurisdiction_code=COMMUNITY,
        document_type="passport",
        document_number=f"E{i:07d}",
    )
    return create_person(session, SYSTEM, data, today=today)


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), JURISDICTION_ZONE)


def service_and_bulk(
    session: Session, folder: Path, days: list[date], export_on: date
) -> dict[date, tuple[dict[int, str], dict[int, str]]]:
    """Each day's colours by the service and by the bulk job over one export, made on `export_on`."""
    people = list(session.scalars(select(Person).order_by(Person.id)))
    export_tables(session, SYSTEM, folder, on=export_on)
    out = {}
    engine = DuckDBEngine()
    for day in days:
        service = {p: d.colour for p, d in decide_codes(session, people, day).items()}
        rows = run_job("health_codes", folder, engine, POLICY, day, ZONE).rows
        bulk = dict(zip(rows.column("person_id").to_pylist(), rows.column("colour").to_pylist(), strict=True))
        out[day] = (service, bulk)
    engine.close()
    return out


@pytest.mark.parametrize("export_on", [date(2022, 11, 16), date(2022, 11, 20)])
def test_an_infection_counts_from_confirmation_to_discharge_in_both(
    store: Session, tmp_path: Path, export_on: date
) -> None:
    """Sampled on the 14th, confirmed on the 15th, discharged on the 18th: red on the 15th, 16th and 17th only,
    by the service and by the bulk job over an export made while it was infected or after its discharge."""
    first, last = date(2022, 11, 13), date(2022, 11, 20)
    person = _person(store, 1, first)
    infection = record_infection(
        store,
        SYSTEM,
        InfectionCreate(
            person_id=person.id,
            kind="asymptomatic",
            sampled_on=date(2022, 11, 14),
            confirmed_at=_at(date(2022, 11, 15)),
        ),
        now=_at(date(2022, 11, 15), 12),
    )
    update_infection(store, SYSTEM, infection.id, InfectionUpdate(discharged_on=date(2022, 11, 18)), now=_at(last))
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    found = service_and_bulk(store, tmp_path / "export", days, export_on)
    red = {d for d in days if found[d][0][person.id] == "red"}
    assert red == {date(2022, 11, 15), date(2022, 11, 16), date(2022, 11, 17)}
    for day in days:
        assert found[day][1] == found[day][0], day
