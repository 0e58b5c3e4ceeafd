"""Facilities, severities, graded admission, stays and the daily census (measure 11; issue 18).

(11): "Formulate graded diagnosis and treatment plans and admission standards for infected people of different clinical
severity ... Prepare inpatient and critical-care beds ... a plan for when medical staff are infected". A facility holds
beds and staff by kind; an infection's severity is recorded with the admission decision of `rules.admission` under the
policy in force that day; a proposal finds the nearest open facility of the decided kind with a free bed of the needed
kind; stays record admissions, transfers, discharges and deaths; the census counts them per day with the staffed beds
of `rules.staffed_beds`. Every refusal names its field and changes nothing.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date
from typing import Protocol, TypeVar

from pydantic import BaseModel, ConfigDict
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fangkong.bounds import whole_count
from fangkong.errors import FangkongError, InvalidInput, NotFound
from fangkong.policy import Policy, load_policy
from fangkong.policy.terms import (
    BedKind,
    CareFacilityKind,
    CareLevel,
    Facility,
    FacilityStatus,
    RiskFactor,
    Severity,
    StaffKind,
    StayEnd,
    parse_term,
)
from fangkong.rules.admission import admission
from fangkong.rules.decision import Reason
from fangkong.rules.staffed_beds import StaffedBeds, staffed_beds
from fangkong.services.access import Actor, Permission
from fangkong.services.audit.reads import read_of
from fangkong.services.audit.service import record
from fangkong.services.care.models import CareFacility, CareStay, InfectionSeverity, StaffAbsence
from fangkong.services.infections.models import Infection
from fangkong.services.jurisdictions.models import Jurisdiction
from fangkong.services.jurisdictions.service import get_jurisdiction
from fangkong.services.persons.models import Person

BED_COLUMNS = {
    BedKind.general: "general_beds",
    BedKind.icu: "icu_beds",
    BedKind.convertible_icu: "convertible_icu_beds",
}
STAFF_COLUMNS = {
    StaffKind.doctor: "doctors",
    StaffKind.nurse: "nurses",
    StaffKind.critical_care_nurse: "critical_care_nurses",
}


class FacilityIn(BaseModel):
    """A facility as created or imported (measure 11)."""

    model_config = ConfigDict(frozen=True)

    name: str
    kind: str
    jurisdiction_code: str
    status: str = FacilityStatus.open.value
    isolation_site_id: int | None = None
    lat: float | None = None
    lon: float | None = None
    beds: dict[str, int] = {}
    staff: dict[str, int] = {}


def _checked(session: Session, actor: Actor, data: FacilityIn) -> dict[str, object]:
    """The columns of a facility, every value checked, each refusal naming its field (measure 11)."""
    name = data.name.strip()
    if not name or len(name) > 200:
        raise InvalidInput("name", "a facility needs a name of 1 to 200 characters")
    kind = parse_term(CareFacilityKind, data.kind, "kind")
    status = parse_term(FacilityStatus, data.status, "status")
    if not data.jurisdiction_code:
        raise InvalidInput("jurisdiction_code", "a facility must lie in a jurisdiction")
    j = get_jurisdiction(session, data.jurisdiction_code)
    if not actor.covers(j.path):
        raise NotFound("jurisdiction", data.jurisdiction_code)
    if data.lat is not None and not -90 <= data.lat <= 90:
        raise InvalidInput("lat", f"{data.lat} is not between -90 and 90")
    if data.lon is not None and not -180 <= data.lon <= 180:
        raise InvalidInput("lon", f"{data.lon} is not between -180 and 180")
    values: dict[str, object] = {
        "name": name,
        "kind": kind.value,
        "status": status.value,
        "jurisdiction_code": j.code,
        "isolation_site_id": data.isolation_site_id,
        "lat": data.lat,
        "lon": data.lon,
    }
    for word, count in data.beds.items():
        bed = parse_term(BedKind, word, "beds")
        values[BED_COLUMNS[bed]] = whole_count(f"beds.{bed.value}", count)
    for word, count in data.staff.items():
        staff = parse_term(StaffKind, word, "staff")
        values[STAFF_COLUMNS[staff]] = whole_count(f"staff.{staff.value}", count)
    return values


def create_facility(session: Session, actor: Actor, data: FacilityIn) -> CareFacility:
    """A new facility in the actor's jurisdictions (measure 11). Refuses a name already used, naming `name`."""
    actor.require(Permission.manage_sites)
    values = _checked(session, actor, data)
    if session.scalar(select(CareFacility.id).where(CareFacility.name == values["name"])) is not None:
        raise InvalidInput("name", f"a facility named {values['name']!r} already exists")
    facility = CareFacility(
        **dict.fromkeys((*BED_COLUMNS.values(), *STAFF_COLUMNS.values()), 0), created_by=actor.username
    )
    for column, value in values.items():
        setattr(facility, column, value)
    session.add(facility)
    session.flush()
    return facility


def update_facility(session: Session, actor: Actor, facility_id: int, changes: dict[str, object]) -> CareFacility:
    """Changes to a facility: its status, beds and staff (measure 11). Beds below the stays occupying them are refused
    naming `beds.<kind>`."""
    actor.require(Permission.manage_sites)
    facility = get_facility(session, actor, facility_id)
    current = FacilityIn(
        name=facility.name,
        kind=facility.kind,
        jurisdiction_code=facility.jurisdiction_code,
        status=facility.status,
        isolation_site_id=facility.isolation_site_id,
        lat=facility.lat,
        lon=facility.lon,
        beds={b.value: getattr(facility, c) for b, c in BED_COLUMNS.items()},
        staff={s.value: getattr(facility, c) for s, c in STAFF_COLUMNS.items()},
    )
    merged = current.model_dump()
    for key, value in changes.items():
        if key in ("beds", "staff") and isinstance(value, dict):
            merged[key] = {**merged[key], **value}
        elif key in merged:
            merged[key] = value
        else:
            raise InvalidInput(key, "not a field of a facility")
    values = _checked(session, actor, FacilityIn(**merged))
    occupied = _occupied(session, facility.id)
    for bed, column in BED_COLUMNS.items():
        value = values.get(column)
        if isinstance(value, int) and value < occupied.get(bed, 0):
            raise InvalidInput(f"beds.{bed.value}", f"{value} beds are fewer than the {occupied[bed]} occupied")
    for column, value in values.items():
        setattr(facility, column, value)
    session.flush()
    return facility


class _Placed(Protocol):
    """A stored row that lies in a jurisdiction (a facility, an infection)."""

    @property
    def jurisdiction_code(self) -> str: ...


_Row = TypeVar("_Row", bound=_Placed)


def _in_scope(session: Session, actor: Actor, row: _Row | None, refusal: FangkongError) -> _Row:
    """The row when it exists and lies in a jurisdiction the actor covers; otherwise `refusal` — the same refusal for
    both, so that a row outside the actor's jurisdictions cannot be told from one that does not exist."""
    if row is None:
        raise refusal
    j = session.get(Jurisdiction, row.jurisdiction_code)
    if j is None or not actor.covers(j.path):
        raise refusal
    return row


def get_facility(session: Session, actor: Actor, facility_id: int) -> CareFacility:
    """A facility in the actor's jurisdictions; one outside them is not found."""
    return _in_scope(session, actor, session.get(CareFacility, facility_id), NotFound("facility", str(facility_id)))


def list_facilities(
    session: Session, actor: Actor, *, kind: str | None = None, status: str | None = None, root: str | None = None
) -> list[CareFacility]:
    """The facilities in the actor's jurisdictions (or under `root`'s path), by jurisdiction then name."""
    stmt = (
        select(CareFacility)
        .join(Jurisdiction, Jurisdiction.code == CareFacility.jurisdiction_code)
        .where(Jurisdiction.path.startswith(root or actor.jurisdiction_path))
        .order_by(Jurisdiction.path, CareFacility.name)
    )
    if kind is not None:
        stmt = stmt.where(CareFacility.kind == parse_term(CareFacilityKind, kind, "kind").value)
    if status is not None:
        stmt = stmt.where(CareFacility.status == parse_term(FacilityStatus, status, "status").value)
    return list(session.scalars(stmt))


def _infection(session: Session, actor: Actor, infection_id: int) -> Infection:
    """An infection in the actor's scope; anything else is "not infected", naming `infection_id` (issue 18: an
    admission of someone who is not infected)."""
    found = session.get(Infection, infection_id) if isinstance(infection_id, int) else None
    refusal = InvalidInput("infection_id", f"{infection_id!r} is not an infection: the person is not infected")
    return _in_scope(session, actor, found, refusal)


def _age(person: Person | None, on: date) -> int:
    """Whole years on `on`; a person without a birth date is taken as an adult of 30 (register-free default: the
    rule's high-risk ages are not reached)."""
    if person is None or person.birth_date is None:
        return 30
    b = person.birth_date
    return on.year - b.year - ((on.month, on.day) < (b.month, b.day))


def record_severity(
    session: Session,
    actor: Actor,
    infection_id: int,
    severity: str,
    on: date,
    *,
    risk_factors: Iterable[str] = (),
    home_conditions_met: bool = True,
    policy: Policy | None = None,
) -> InfectionSeverity:
    """Record an infection's clinical severity on `on` and the admission decision of `rules.admission` under the
    policy in force that day (measure 11; n10.3). Refuses a person who is not infected (`infection_id`) and a severity
    or risk factor outside the vocabulary (`severity`, `risk_factors`)."""
    actor.require(Permission.trace_contacts)
    infection = _infection(session, actor, infection_id)
    sev = parse_term(Severity, severity, "severity")
    factors = [parse_term(RiskFactor, f, "risk_factors") for f in risk_factors]
    if infection.discharged_on is not None and infection.discharged_on < on:
        raise InvalidInput("infection_id", f"infection {infection.id} was discharged on {infection.discharged_on}")
    decision = admission(
        sev,
        _age(session.get(Person, infection.person_id), on),
        factors,
        home_conditions_met,
        (policy or load_policy()).at(on),
    )
    row = InfectionSeverity(
        infection_id=infection.id,
        severity=sev.value,
        risk_factors=[f.value for f in factors],
        home_conditions_met=home_conditions_met,
        recorded_on=on,
        level=decision.level.value,
        facility=decision.facility.value,
        high_risk=decision.high_risk,
        reasons=[r.model_dump() for r in decision.reasons],
        policy=decision.policy,
        recorded_by=actor.username,
    )
    session.add(row)
    session.flush()
    record(
        session,
        actor,
        action="update",
        entity="person",
        entity_id=infection.person_id,
        detail={"infection": infection.id, "severity": sev.value, "level": decision.level.value},
    )
    return row


def severity_history(session: Session, actor: Actor, infection_id: int) -> list[InfectionSeverity]:
    """An infection's recorded severities, oldest first (measure 11); the read is audited in its person's trail."""
    infection = _infection(session, actor, infection_id)
    record(
        session,
        actor,
        action="read",
        entity="person",
        entity_id=infection.person_id,
        detail={"infection": infection.id, "severity": True},
    )
    stmt = select(InfectionSeverity).where(InfectionSeverity.infection_id == infection.id)
    return list(session.scalars(stmt.order_by(InfectionSeverity.recorded_on, InfectionSeverity.id)))


def current_severity(session: Session, infection_id: int) -> InfectionSeverity | None:
    stmt = select(InfectionSeverity).where(InfectionSeverity.infection_id == infection_id)
    return session.scalars(stmt.order_by(InfectionSeverity.recorded_on.desc(), InfectionSeverity.id.desc())).first()


def open_stay(session: Session, infection_id: int) -> CareStay | None:
    stmt = select(CareStay).where(CareStay.infection_id == infection_id, CareStay.ended_on.is_(None))
    return session.scalars(stmt).first()


def _occupied(session: Session, facility_id: int, on: date | None = None) -> dict[BedKind, int]:
    """Beds occupied by open stays (on `on`: stays begun by then and not ended before)."""
    stmt = select(CareStay.bed_kind, func.count()).where(CareStay.facility_id == facility_id)
    if on is None:
        stmt = stmt.where(CareStay.ended_on.is_(None))
    else:
        stmt = stmt.where(CareStay.started_on <= on, (CareStay.ended_on.is_(None)) | (CareStay.ended_on > on))
    return {BedKind(k): n for k, n in session.execute(stmt.group_by(CareStay.bed_kind))}


def capacity(facility: CareFacility, bed: BedKind) -> int:
    return int(getattr(facility, BED_COLUMNS[bed]))


class Proposal(BaseModel):
    """Where an infection should be admitted and why (measure 11); `facility_id` None: no bed is free, or home care."""

    model_config = ConfigDict(frozen=True)

    infection_id: int
    level: CareLevel | None  # None: no severity recorded yet
    place: Facility | None
    bed_kind: BedKind | None
    facility_id: int | None
    facility_name: str | None
    transfer: bool
    reasons: tuple[Reason, ...]


def bed_for(level: CareLevel) -> BedKind:
    """The bed kind a level of care needs: an ICU bed for intensive care, else a general bed (measure 11)."""
    return BedKind.icu if level is CareLevel.icu else BedKind.general


def propose_admission(
    session: Session, actor: Actor, infection_id: int, on: date, *, policy: Policy | None = None
) -> Proposal:
    """The nearest open facility of the kind the infection's last severity decided, with a free bed of the needed kind
    (measure 11; register care-facility-places for the kinds answering a place). A free bed is a staffed one
    (`free_beds`): when staff infections leave a facility's beds unstaffed, the proposal goes on to the next.
    Walks up the jurisdiction tree from the infection's jurisdiction; within one level the nearest by coordinates when
    both have them, else the most free beds. A case already in a stay of the right level is not moved; one whose
    level rose (severe, critical) is proposed a transfer."""
    infection = _infection(session, actor, infection_id)
    record(
        session,
        actor,
        action="read",
        entity="person",
        entity_id=infection.person_id,
        detail={"infection": infection.id, "admission_proposal": True},
    )
    sev = current_severity(session, infection.id)
    if sev is None:  # nothing to propose yet: an answer, not a refusal, so that the audited read stands
        return Proposal(
            infection_id=infection.id,
            level=None,
            place=None,
            bed_kind=None,
            facility_id=None,
            facility_name=None,
            transfer=False,
            reasons=(),
        )
    level, place = CareLevel(sev.level), Facility(sev.facility)
    reasons = [Reason(**r) for r in sev.reasons]
    stay = open_stay(session, infection.id)
    if place is Facility.home:
        return Proposal(
            infection_id=infection.id,
            level=level,
            place=place,
            bed_kind=None,
            facility_id=None,
            facility_name=None,
            transfer=stay is not None,
            reasons=tuple(reasons),
        )
    bed = bed_for(level)
    if stay is not None and stay.level == level.value and stay.bed_kind == bed.value:
        f = session.get(CareFacility, stay.facility_id)
        return Proposal(
            infection_id=infection.id,
            level=level,
            place=place,
            bed_kind=bed,
            facility_id=stay.facility_id,
            facility_name=f.name if f else None,
            transfer=False,
            reasons=tuple(reasons),
        )
    found = (policy or load_policy()).at(on).texts(f"care.places.{place.value}")
    kinds = list(found.value or ())
    here = session.get(Jurisdiction, infection.jurisdiction_code)
    origin = _origin(session, infection)
    chosen: CareFacility | None = None
    free: dict[int, int] = {}  # each facility's free staffed beds, counted once though the walk meets it at each level

    def free_of(f: CareFacility) -> int:
        if f.id not in free:
            free[f.id] = free_beds(session, f, bed, on, policy=policy)
        return free[f.id]

    code = here.code if here else None
    while code is not None and chosen is None:
        j = session.get(Jurisdiction, code)
        if j is None:
            break
        for kind in kinds:
            candidates = [
                f
                for f in session.scalars(
                    select(CareFacility)
                    .join(Jurisdiction, Jurisdiction.code == CareFacility.jurisdiction_code)
                    .where(
                        Jurisdiction.path.startswith(j.path),
                        CareFacility.kind == kind,
                        CareFacility.status == FacilityStatus.open.value,
                    )
                )
                if free_of(f) > 0
            ]
            if candidates:
                chosen = min(candidates, key=lambda f: _rank(f, free_of(f), origin))
                break
        code = j.parent_code
    if chosen is None:
        reasons.append(Reason(clause=found.source.clause, text=f"no open {_said(kinds)} has a free {bed.value} bed"))
    else:
        reasons.append(
            Reason(
                clause=found.source.clause,
                text=f"nearest open {chosen.kind.replace('_', ' ')} with a free {bed.value} bed: {chosen.name}",
            )
        )
    return Proposal(
        infection_id=infection.id,
        level=level,
        place=place,
        bed_kind=bed,
        facility_id=chosen.id if chosen else None,
        facility_name=chosen.name if chosen else None,
        transfer=stay is not None,
        reasons=tuple(reasons),
    )


def _said(kinds: list[str]) -> str:
    return " or ".join(k.replace("_", " ") for k in kinds)


def _origin(session: Session, infection: Infection) -> tuple[float, float] | None:
    """Where distances are measured from: a facility of the infection's own jurisdiction with coordinates, if any."""
    f = session.scalars(
        select(CareFacility).where(
            CareFacility.jurisdiction_code == infection.jurisdiction_code, CareFacility.lat.is_not(None)
        )
    ).first()
    return (f.lat, f.lon) if f is not None and f.lat is not None and f.lon is not None else None


def free_beds(session: Session, f: CareFacility, bed: BedKind, on: date, *, policy: Policy | None = None) -> int:
    """The beds of a kind that can take a patient on `on`: the physical beds the staff present that day can care for
    (`staffed`), less those occupied (measure 11: "a plan for when medical staff are infected" — a bed without its
    nurse is no bed; issue 18: staffed-bed capacity, not just physical beds). Negative when staff infections have
    left fewer staffed beds than patients."""
    now_staffed = staffed(session, f, on, policy=policy)
    usable = min(capacity(f, bed), now_staffed.general if bed is BedKind.general else now_staffed.icu)
    return usable - _occupied(session, f.id).get(bed, 0)


def _rank(f: CareFacility, free: int, origin: tuple[float, float] | None) -> tuple[float, int, int]:
    """The order of the candidates: the nearest first (when both have coordinates), then the most free beds."""
    distance = math.inf
    if origin is not None and f.lat is not None and f.lon is not None:
        distance = math.hypot(f.lat - origin[0], (f.lon - origin[1]) * math.cos(math.radians(origin[0])))
    return (distance, -free, f.id)


def admit(
    session: Session, actor: Actor, infection_id: int, facility_id: int, on: date, *, bed_kind: str | None = None
) -> CareStay:
    """Admit an infection to a facility on `on` (measure 11); an open stay elsewhere is ended as a transfer. The level
    is the last severity's decision. Refuses a person who is not infected (`infection_id`), a facility not open
    (`facility_id`) and occupancy above capacity (`bed_kind`)."""
    actor.require(Permission.manage_sites)
    infection = _infection(session, actor, infection_id)
    facility = get_facility(session, actor, facility_id)
    sev = current_severity(session, infection.id)
    if sev is None:
        raise InvalidInput("infection_id", f"infection {infection.id} has no recorded severity")
    level = CareLevel(sev.level)
    bed = parse_term(BedKind, bed_kind, "bed_kind") if bed_kind else bed_for(level)
    if facility.status != FacilityStatus.open.value:
        raise InvalidInput("facility_id", f"facility {facility.name!r} is {facility.status}, not open")
    stay = open_stay(session, infection.id)
    if stay is not None and stay.started_on > on:
        raise InvalidInput("on", f"{on} is before the current stay began ({stay.started_on})")
    occupied = _occupied(session, facility.id).get(bed, 0)
    if stay is not None and stay.facility_id == facility.id and stay.bed_kind == bed.value:
        occupied -= 1  # moving within the same bed kind frees its own bed
    if occupied + 1 > capacity(facility, bed):
        raise InvalidInput(
            "bed_kind", f"{facility.name!r} has {capacity(facility, bed)} {bed.value} beds, all occupied"
        )
    if stay is not None:
        stay.ended_on, stay.end = on, StayEnd.transferred.value
    new = CareStay(
        infection_id=infection.id,
        facility_id=facility.id,
        bed_kind=bed.value,
        level=level.value,
        started_on=on,
        reasons=list(sev.reasons),
        recorded_by=actor.username,
    )
    session.add(new)
    session.flush()
    record(
        session,
        actor,
        action="update",
        entity="person",
        entity_id=infection.person_id,
        detail={"infection": infection.id, "admitted_to": facility.id, "bed_kind": bed.value},
    )
    return new


def end_stay(session: Session, actor: Actor, infection_id: int, on: date, end: str) -> CareStay:
    """Discharge or death (measure 11): ends the infection's open stay on `on`; a discharge also marks the
    infection discharged. Refuses an infection with no open stay (`infection_id`)."""
    actor.require(Permission.manage_sites)
    infection = _infection(session, actor, infection_id)
    how = parse_term(StayEnd, end, "end")
    if how is StayEnd.transferred:
        raise InvalidInput("end", "a transfer is an admission elsewhere")
    stay = open_stay(session, infection.id)
    if stay is None:
        raise InvalidInput("infection_id", f"infection {infection.id} is in no facility")
    if on < stay.started_on:
        raise InvalidInput("on", f"{on} is before the stay began ({stay.started_on})")
    stay.ended_on, stay.end = on, how.value
    if how is StayEnd.discharged:
        infection.discharged_on = on
    session.flush()
    record(
        session,
        actor,
        action="update",
        entity="person",
        entity_id=infection.person_id,
        detail={"infection": infection.id, "stay_end": how.value},
    )
    return stay


def record_absence(
    session: Session, actor: Actor, facility_id: int, on: date, staff_kind: str, *, infected: int, absent: int = 0
) -> StaffAbsence:
    """Staff of a kind infected or absent on a day (measure 11: the plan for infected medical staff); more than the
    facility has is refused naming `infected`."""
    actor.require(Permission.manage_sites)
    facility = get_facility(session, actor, facility_id)
    kind = parse_term(StaffKind, staff_kind, "staff_kind")
    n_infected = whole_count("infected", infected)
    n_absent = whole_count("absent", absent)
    if n_infected + n_absent > getattr(facility, STAFF_COLUMNS[kind]):
        raise InvalidInput(
            "infected",
            f"{n_infected + n_absent} away is more than the {getattr(facility, STAFF_COLUMNS[kind])} {kind.value} staff",  # noqa: E501
        )
    row = session.scalars(
        select(StaffAbsence).where(
            StaffAbsence.facility_id == facility.id, StaffAbsence.on == on, StaffAbsence.staff_kind == kind.value
        )
    ).first()
    if row is None:
        row = StaffAbsence(facility_id=facility.id, on=on, staff_kind=kind.value, recorded_by=actor.username)
        session.add(row)
    row.infected, row.absent, row.recorded_by = n_infected, n_absent, actor.username
    session.flush()
    return row


def staffed(session: Session, facility: CareFacility, on: date, *, policy: Policy | None = None) -> StaffedBeds:
    """The facility's staffed beds on `on`: its staff less those infected or absent that day (measure 11)."""
    away = {
        StaffKind(a.staff_kind): a.infected + a.absent
        for a in session.scalars(
            select(StaffAbsence).where(StaffAbsence.facility_id == facility.id, StaffAbsence.on == on)
        )
    }
    present = {k: max(0, getattr(facility, c) - away.get(k, 0)) for k, c in STAFF_COLUMNS.items()}
    beds = {b: capacity(facility, b) for b in BED_COLUMNS}
    return staffed_beds(beds, present, (policy or load_policy()).at(on))


class CensusRow(BaseModel):
    """One facility and bed kind on one day (measure 11: occupancy, admissions, discharges, deaths, free beds)."""

    model_config = ConfigDict(frozen=True)

    on: date
    facility_id: int
    facility_name: str
    kind: str
    jurisdiction_code: str
    bed_kind: BedKind
    beds: int
    staffed: int
    occupied: int
    admissions: int
    discharges: int
    deaths: int
    free: int


def census(
    session: Session, actor: Actor, on: date, *, root: str | None = None, policy: Policy | None = None
) -> list[CensusRow]:
    """The daily census of every facility in scope on `on`, by bed kind (measure 11). `staffed` of a general bed
    includes the convertible ICU beds; free = beds − occupied."""
    rows: list[CensusRow] = []
    for f in list_facilities(session, actor, root=root):
        occupied = _occupied(session, f.id, on)
        staffed_now = staffed(session, f, on, policy=policy)
        for bed in (BedKind.general, BedKind.icu):
            stays = list(
                session.scalars(select(CareStay).where(CareStay.facility_id == f.id, CareStay.bed_kind == bed.value))
            )
            beds = capacity(f, bed) + (capacity(f, BedKind.convertible_icu) if bed is BedKind.general else 0)
            rows.append(
                CensusRow(
                    on=on,
                    facility_id=f.id,
                    facility_name=f.name,
                    kind=f.kind,
                    jurisdiction_code=f.jurisdiction_code,
                    bed_kind=bed,
                    beds=beds,
                    staffed=staffed_now.general if bed is BedKind.general else staffed_now.icu,
                    occupied=occupied.get(bed, 0),
                    admissions=sum(1 for s in stays if s.started_on == on),
                    discharges=sum(1 for s in stays if s.ended_on == on and s.end == StayEnd.discharged.value),
                    deaths=sum(1 for s in stays if s.ended_on == on and s.end == StayEnd.died.value),
                    free=max(0, beds - occupied.get(bed, 0)),
                )
            )
    return rows


def census_by_jurisdiction(rows: list[CensusRow]) -> dict[tuple[str, BedKind], dict[str, int]]:
    """The census summed per jurisdiction and bed kind (measure 11)."""
    out: dict[tuple[str, BedKind], dict[str, int]] = {}
    for r in rows:
        acc = out.setdefault(
            (r.jurisdiction_code, r.bed_kind),
            dict.fromkeys(("beds", "staffed", "occupied", "admissions", "discharges", "deaths", "free"), 0),
        )
        for k in acc:
            acc[k] += getattr(r, k)
    return out


CENSUS_SPAN_DAYS = 92  # a quarter: a longer range is a bulk job's work, not a request's (issue 18: census per day)


def census_range(
    session: Session,
    actor: Actor,
    start: date,
    end: date,
    *,
    root: str | None = None,
    policy: Policy | None = None,
) -> list[CensusRow]:
    """The daily census for every day from `start` to `end` inclusive (measure 11; issue 18: "admissions and
    discharges per day"): one row per day, facility and bed kind, oldest day first. An end before the start, or a
    range longer than `CENSUS_SPAN_DAYS`, is refused naming `to`."""
    if end < start:
        raise InvalidInput("to", f"{end} is before {start}")
    days = (end - start).days + 1
    if days > CENSUS_SPAN_DAYS:
        raise InvalidInput("to", f"{days} days asked: a census range is at most {CENSUS_SPAN_DAYS} days")
    rows: list[CensusRow] = []
    for n in range(days):
        rows.extend(census(session, actor, date.fromordinal(start.toordinal() + n), root=root, policy=policy))
    return rows


STAY_STATES = ("current", "ended")


def list_stays(
    session: Session,
    actor: Actor,
    facility_id: int,
    *,
    state: str | None = None,
    start: date | None = None,
    end: date | None = None,
    offset: int = 0,
    limit: int = 50,
) -> tuple[list[tuple[CareStay, int]], int]:
    """A facility's stays, newest first, each with its person's id, and how many there are (measure 11: who is in
    which bed). `state` current: stays not ended; ended: stays ended. `start`/`end`: stays that overlap those days.
    The answer names patients, so the read is audited (issue 17) — one entry naming the persons of the page. A state
    outside the vocabulary is refused naming `state`; an end before the start naming `to`."""
    facility = get_facility(session, actor, facility_id)
    if state is not None and state not in STAY_STATES:
        raise InvalidInput("state", f"{state!r} is not one of {', '.join(STAY_STATES)}")
    if start is not None and end is not None and end < start:
        raise InvalidInput("to", f"{end} is before {start}")
    where = [CareStay.facility_id == facility.id]
    if state == "current":
        where.append(CareStay.ended_on.is_(None))
    elif state == "ended":
        where.append(CareStay.ended_on.is_not(None))
    if end is not None:
        where.append(CareStay.started_on <= end)
    if start is not None:
        where.append(CareStay.ended_on.is_(None) | (CareStay.ended_on >= start))
    total = int(session.scalar(select(func.count()).select_from(CareStay).where(*where)) or 0)
    stmt = (
        select(CareStay, Infection.person_id)
        .join(Infection, Infection.id == CareStay.infection_id)
        .where(*where)
        .order_by(CareStay.started_on.desc(), CareStay.id.desc())
        .offset(offset)
        .limit(limit)
    )
    page = [(stay, int(person)) for stay, person in session.execute(stmt)]
    read_of(session, actor, "infections", (p for _, p in page), entity_id=facility.id, detail={"stays": True})
    return page, total
