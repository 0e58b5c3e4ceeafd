"""The store and the bulk job give the same health codes on every day, not only on the day of the export
(issue 13), on SQLite and PostgreSQL.

The service (`services.health_codes`: the store's facts → `rules.health_code.statuses_on_day` → `health_code`)
and the bulk job over one export of the store (`services.bulk_export` → `bulk.health_codes` SQL on DuckDB, the
day's risk areas from `export_risk_areas`) must agree for every person on every day: around one infection
confirmed the day after its sample and discharged, and over two weeks of orders of several categories, infections,
holds after positive pools and risk areas delineated and lowered — under the 9th edition, under the 20 measures
(across the 21 Nov supporting documents) and across the change between them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.bulk.city import ZONE
from fangkong.bulk.engines import DuckDBEngine
from fangkong.bulk.jobs import run_job
from fangkong.policy import load_policy
from fangkong.policy.terms import AreaLevel
from fangkong.services.access import SYSTEM
from fangkong.services.areas.service import Delineation, advance_all, delineate
from fangkong.services.bulk_export import export_risk_areas, export_tables
from fangkong.services.calendar import JURISDICTION_ZONE
from fangkong.services.health_codes.service import decide_codes
from fangkong.services.infections.service import InfectionCreate, InfectionUpdate, record_infection, update_infection
from fangkong.services.jurisdictions.models import JurisdictionLevel
from fangkong.services.jurisdictions.service import create_jurisdiction
from fangkong.services.lab.models import TemporaryControl
from fangkong.services.orders.schemas import OrderCreate
from fangkong.services.orders.service import place_order
from fangkong.services.persons.models import Person
from fangkong.services.persons.schemas import PersonCreate
from fangkong.services.persons.service import create_person
from fangkong.services.store import make_engine, session_factory, unit_of_work

POLICY = load_policy()
COMMUNITY_A, COMMUNITY_B = "110105001001", "110105001002"
DAYS = 14

Colours = dict[int, str]


@pytest.fixture
def store(db_url: str) -> Iterator[Session]:
    engine = make_engine(db_url)
    with unit_of_work(session_factory(engine)) as session:
        yield session
        session.rollback()
    engine.dispose()


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), JURISDICTION_ZONE)


def _person(session: Session, i: int, today: date, community: str = COMMUNITY_A, building: str | None = None) -> Person:
    data = PersonCreate(
        name=f"P{i}",
        address=f"Road {i}",
        building=building,
        unit="1" if building else None,
        jurisdiction_code=community,
        document_type="passport",
        document_number=f"E{i:07d}",
    )
    return create_person(session, SYSTEM, data, today=today)


def _infection(session: Session, person: Person, sampled: date, confirmed: date, discharged: date | None) -> int:
    infection = record_infection(
        session,
        SYSTEM,
        InfectionCreate(person_id=person.id, kind="asymptomatic", sampled_on=sampled, confirmed_at=_at(confirmed)),
        now=_at(confirmed, 12),
        policy=POLICY,
    )
    if discharged is not None:
        update_infection(session, SYSTEM, infection.id, InfectionUpdate(discharged_on=discharged), now=_at(discharged))
    return infection.id


def service_and_bulk(
    session: Session, folder: Path, days: list[date], export_on: date
) -> dict[date, tuple[Colours, Colours]]:
    """Each day's colours by the service and by the bulk job over one export made on `export_on` (with the day's
    risk areas)."""
    people = list(session.scalars(select(Person).order_by(Person.id)))
    export_tables(session, SYSTEM, folder, on=export_on)
    out = {}
    engine = DuckDBEngine()
    for day in days:
        areas = folder / "days" / f"{day.isoformat()}.parquet"
        export_risk_areas(session, SYSTEM, areas, on=day)
        service = {p: d.colour for p, d in decide_codes(session, people, day, POLICY).items()}
        rows = run_job("health_codes", folder, engine, POLICY, day, ZONE, areas=areas).rows
        bulk = dict(zip(rows.column("person_id").to_pylist(), rows.column("colour").to_pylist(), strict=True))
        out[day] = (service, bulk)
    engine.close()
    return out


def _span(first: date) -> list[date]:
    return [first + timedelta(days=n) for n in range(DAYS)]


@pytest.mark.parametrize("export_on", [date(2022, 11, 16), date(2022, 11, 20)])
def test_an_infection_counts_from_confirmation_to_discharge_in_both(
    store: Session, tmp_path: Path, export_on: date
) -> None:
    """Sampled on the 14th, confirmed on the 15th, discharged on the 18th: red on the 15th, 16th and 17th only,
    by the service and by the bulk job over an export made while it was infected or after its discharge."""
    first, last = date(2022, 11, 13), date(2022, 11, 20)
    person = _person(store, 1, first)
    _infection(store, person, date(2022, 11, 14), date(2022, 11, 15), date(2022, 11, 18))
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    found = service_and_bulk(store, tmp_path / "export", days, export_on)
    red = {d for d in days if found[d][0][person.id] == "red"}
    assert red == {date(2022, 11, 15), date(2022, 11, 16), date(2022, 11, 17)}
    for day in days:
        assert found[day][1] == found[day][0], day


# ---- two weeks -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    name: str
    first: date
    orders: tuple[tuple[str, int], ...]  # (category, day of the span its anchor falls on; placed the day after)
    area: str  # the code of the first high-risk area ("b1": building 1 of community A, else a community code)
    medium: bool = False  # community B a medium-risk area from day 7 (the 9th edition's middle level)


SPANS = [
    Span(
        "v9",
        date(2022, 10, 20),
        (
            ("close_contact", 0),
            ("secondary_close_contact", 1),
            ("entry_personnel", 2),
            ("high_risk_spillover", 3),
            ("medium_risk_spillover", 4),
            ("high_risk_post_worker", 5),
        ),
        COMMUNITY_A,
        medium=True,
    ),
    Span(
        "v9 to m20",
        date(2022, 11, 4),
        (("close_contact", 0), ("entry_personnel", 1), ("close_contact", 8), ("high_risk_post_worker", 9)),
        COMMUNITY_A,
    ),
    Span(
        "m20",
        date(2022, 11, 14),
        (
            ("close_contact", 0),
            ("entry_personnel", 1),
            ("high_risk_spillover", 2),
            ("high_risk_post_worker", 3),
            ("close_contact", 6),
        ),
        "b1",
    ),
]


def _two_weeks(session: Session, span: Span) -> list[date]:
    """Build the span's store day by day: people in two communities (some with a building and unit), orders,
    two infections (one confirmed the day after its sample and discharged, one not), holds after positive pools
    (one cleared two days later, one still open) and a high-risk area that is delineated and then brought to the
    span's last day (lowered where its clean days allow); under the 9th edition a medium-risk community too."""
    days = _span(span.first)
    building = create_jurisdiction(
        session, code=COMMUNITY_A + "001", name="Building 1", level=JurisdictionLevel.building, parent_code=COMMUNITY_A
    )
    building.label = "1"
    unit = create_jurisdiction(
        session, code=building.code + "01", name="Unit 1", level=JurisdictionLevel.unit, parent_code=building.code
    )
    unit.label = "1"
    session.flush()
    people = [
        _person(session, i, days[0], COMMUNITY_A if i % 3 else COMMUNITY_B, "1" if i % 2 else None)
        for i in range(len(span.orders) + 6)
    ]
    for (category, n), person in zip(span.orders, people, strict=False):
        place_order(
            session,
            SYSTEM,
            OrderCreate(person_id=person.id, category=category, anchor_date=days[n], reason="scenario"),
            today=days[n + 1],
            policy=POLICY,
        )
    infected, later, held, still_held = people[-1], people[-2], people[-3], people[-4]
    case = _infection(session, infected, days[3], days[4], days[9])
    area_code = building.code if span.area == "b1" else span.area
    delineate(
        session,
        SYSTEM,
        Delineation(area_code=area_code, reason="residence", infection_ids=[case]),
        now=_at(days[4], 16),
        policy=POLICY,
    )
    _infection(session, later, days[6], days[6], None)
    if span.medium:
        delineate(
            session,
            SYSTEM,
            Delineation(
                area_code=COMMUNITY_B, reason="activity_place", level=AreaLevel.medium, note="reported elsewhere"
            ),
            now=_at(days[7], 16),
            policy=POLICY,
        )
    session.add_all(
        [
            TemporaryControl(person_id=held.id, sample_id=1, started_at=_at(days[2], 9), ended_at=_at(days[4], 15)),
            TemporaryControl(person_id=still_held.id, sample_id=2, started_at=_at(days[10], 9), ended_at=None),
        ]
    )
    session.flush()
    for day in days[5:]:
        advance_all(session, SYSTEM, day, today=day, policy=POLICY)
    return days


@pytest.mark.parametrize("span", SPANS, ids=[s.name for s in SPANS])
def test_two_weeks_the_same_codes_by_the_store_and_the_bulk_job(store: Session, tmp_path: Path, span: Span) -> None:
    days = _two_weeks(store, span)
    found = service_and_bulk(store, tmp_path / "export", days, days[-1])
    for day in days:
        service, bulk = found[day]
        assert bulk == service, (day, {p: (service[p], bulk.get(p)) for p in service if service[p] != bulk.get(p)})
    # not vacuous: every colour appears, and codes change over the fortnight
    seen = {c for day in days for c in found[day][0].values()}
    assert seen == {"red", "yellow", "green"} if span.name != "v9 to m20" else seen >= {"red", "green"}
    assert len({tuple(sorted(found[day][0].items())) for day in days}) >= 5
