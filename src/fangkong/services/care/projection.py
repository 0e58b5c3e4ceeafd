"""Capacity ahead of the wave from the store (measure 11: "Prepare inpatient and critical-care beds"; issue 18).

The pure rule (`rules.bed_projection`) takes the daily new infections by age band and vaccination status, the beds in
use and the staffed beds; this module reads them for a jurisdiction's subtree on a day:

- infections: each infection counted on the local day it was confirmed, in the age band of its person on that day;
  fully vaccinated unless its last severity recorded by then names the risk factor `unvaccinated`, and not fully
  vaccinated when no severity is recorded yet (`projection.unknown_vaccination_vaccinated`, register
  projection-vaccination-unknown);
- census: the stays open that day at the level of care that takes a hospital bed (inpatient, ICU);
- capacity: the staffed beds, that day, of the open facilities of the kinds a case sent to hospital goes to
  (`care.places.hospital`): general beds (with the convertible ICU beds) for inpatient care, ICU beds for ICU care.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from fangkong.errors import NotFound
from fangkong.policy import Policy, load_policy
from fangkong.policy.terms import AgeBand, CareLevel, FacilityStatus, RiskFactor
from fangkong.rules.bed_projection import (
    BED_KINDS,
    BedProjection,
    BedProjectionInput,
    DailyInfections,
    bed_projection,
    projection_parameters,
)
from fangkong.services.access import Actor, Permission
from fangkong.services.calendar import day_span, local_day
from fangkong.services.care.models import CareFacility, CareStay, InfectionSeverity
from fangkong.services.care.service import list_facilities, staffed
from fangkong.services.infections.models import Infection
from fangkong.services.jurisdictions.models import Jurisdiction
from fangkong.services.jurisdictions.service import scope_root
from fangkong.services.persons.models import Person

# days of infections read before the growth window's two halves: enough for a late report to fall inside them
LOOKBACK_WINDOWS = 2


def _age(born: date | None, on: date) -> int:
    """Whole years on `on`; an unknown birth date is an adult under 60, as in the admission service."""
    if born is None:
        return 30
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def projection_input(
    session: Session, actor: Actor, jurisdiction_code: str | None, as_of: date, *, policy: Policy | None = None
) -> BedProjectionInput:
    """What the projection of `jurisdiction_code`'s subtree (the actor's own when None) starts from on `as_of`
    (measure 11). Counts only, no names: the read of infections is not a read of a person's record."""
    actor.require(Permission.read_persons)
    at = (policy or load_policy()).at(as_of)
    root = scope_root(session, actor, jurisdiction_code)
    window = projection_parameters(at).growth_window_days
    first = as_of - timedelta(days=LOOKBACK_WINDOWS * window - 1)
    start, end = day_span(first, as_of)
    found = session.execute(
        select(Infection.id, Infection.confirmed_at, Person.birth_date)
        .join(Person, Person.id == Infection.person_id)
        .join(Jurisdiction, Jurisdiction.code == Infection.jurisdiction_code)
        .where(Jurisdiction.path.startswith(root), Infection.confirmed_at >= start, Infection.confirmed_at < end)
    ).all()
    last_factors: dict[int, list[str]] = {}
    ids = [row.id for row in found]
    for chunk in (ids[i : i + 900] for i in range(0, len(ids), 900)):  # SQLite's bound-parameter limit
        for sev in session.scalars(
            select(InfectionSeverity)
            .where(InfectionSeverity.infection_id.in_(chunk), InfectionSeverity.recorded_on <= as_of)
            .order_by(InfectionSeverity.recorded_on, InfectionSeverity.id)
        ):
            last_factors[sev.infection_id] = list(sev.risk_factors)  # the latest wins
    unknown_vaccinated = bool(at.get("projection.unknown_vaccination_vaccinated").value)
    groups: Counter[tuple[date, AgeBand, bool]] = Counter()
    for row in found:
        day = local_day(row.confirmed_at)
        factors = last_factors.get(row.id)
        vaccinated = unknown_vaccinated if factors is None else RiskFactor.unvaccinated.value not in factors
        groups[(day, AgeBand.of(_age(row.birth_date, day)), vaccinated)] += 1
    rows = [DailyInfections(day, band, vaccinated, n) for (day, band, vaccinated), n in sorted(groups.items())]
    if not rows and session.scalar(
        select(Infection.id)
        .join(Jurisdiction, Jurisdiction.code == Infection.jurisdiction_code)
        .where(Jurisdiction.path.startswith(root), Infection.confirmed_at < start)
        .limit(1)
    ):
        rows = [DailyInfections(first, AgeBand.under_60, True, 0)]  # infections before the window, none in it
    return BedProjectionInput(
        as_of=as_of,
        infections=tuple(rows),
        census=census_on(session, root, as_of),
        capacity=staffed_capacity(session, actor, root, as_of, policy=policy),
    )


def census_on(session: Session, root: str, on: date) -> dict[CareLevel, int]:
    """Patients in a bed at a level of care that takes a hospital bed on `on`, under `root`'s path (measure 11)."""
    stays = session.scalars(
        select(CareStay.level)
        .join(CareFacility, CareFacility.id == CareStay.facility_id)
        .join(Jurisdiction, Jurisdiction.code == CareFacility.jurisdiction_code)
        .where(
            Jurisdiction.path.startswith(root),
            CareStay.started_on <= on,
            or_(CareStay.ended_on.is_(None), CareStay.ended_on > on),
            CareStay.level.in_([k.value for k in BED_KINDS]),
        )
    )
    counted = Counter(CareLevel(level) for level in stays)
    return {kind: counted.get(kind, 0) for kind in BED_KINDS}


def staffed_capacity(
    session: Session, actor: Actor, root: str, on: date, *, policy: Policy | None = None
) -> dict[CareLevel, int]:
    """The staffed inpatient and ICU beds on `on` of the open hospitals under `root`'s path (measure 11: the plan for
    medical staff infected turns into fewer usable beds)."""
    kinds = {str(k) for k in (policy or load_policy()).at(on).get("care.places.hospital").value}
    beds = dict.fromkeys(BED_KINDS, 0)
    for facility in list_facilities(session, actor, root=root, status=FacilityStatus.open.value):
        if facility.kind in kinds:
            now = staffed(session, facility, on, policy=policy)
            beds[CareLevel.inpatient] += now.general
            beds[CareLevel.icu] += now.icu
    return beds


def projected_place(session: Session, actor: Actor, jurisdiction_code: str | None) -> Jurisdiction:
    """The jurisdiction a projection is asked for: `jurisdiction_code` inside the actor's scope (not found outside
    it), else the actor's own."""
    root = scope_root(session, actor, jurisdiction_code)
    place = session.scalar(select(Jurisdiction).where(Jurisdiction.path == root))
    if place is None:
        raise NotFound("jurisdiction", jurisdiction_code or root)
    return place


def project_jurisdiction(
    session: Session, actor: Actor, jurisdiction_code: str | None, as_of: date, *, policy: Policy | None = None
) -> BedProjection:
    """The beds and ICU beds `jurisdiction_code`'s subtree will need over the horizon from `as_of`, the day each runs
    out and whether the alert is due, with reasons (measure 11). A day before any infection in the window raises
    InvalidInput naming `as_of`; a jurisdiction outside the actor's scope is not found."""
    given = projection_input(session, actor, jurisdiction_code, as_of, policy=policy)
    return bed_projection(given, (policy or load_policy()).at(as_of))
