"""Everything fangkong holds about one person, as one document (PIPL art. 45: the right to access and copy): the
record, its orders with their events, samplings and rooms, samples and results, retests and pool holds, the health
code and its changes, infections and re-positives, contact proposals about them, venue scans, home visits, appeals,
stranded requests, spill-over findings and the audit entries about them. The export itself is audited."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from fangkong.services.access import Actor, Permission
from fangkong.services.appeals.models import Ticket
from fangkong.services.areas.models import SpilloverCandidate
from fangkong.services.arrivals.models import Arrival, ArrivalFollowUp
from fangkong.services.audit.models import AuditEntry
from fangkong.services.audit.service import record
from fangkong.services.care.models import CareStay, InfectionSeverity
from fangkong.services.closure_services.models import ClosureNeed, HotlineRecord, NeedEscalation
from fangkong.services.health_codes.models import HealthCode, HealthCodeChange
from fangkong.services.infections.models import Infection, RePositive
from fangkong.services.key_populations.models import InstitutionMember, KeyPerson, KeyPersonCheck
from fangkong.services.lab.models import LabResult, Retest, Sample, SampleMember, TemporaryControl
from fangkong.services.orders.models import ManagementOrder, OrderEvent, Sampling
from fangkong.services.persons.models import AddressChange
from fangkong.services.persons.service import person_in_scope
from fangkong.services.sites.models import RoomAssignment
from fangkong.services.store import Base
from fangkong.services.stranded.models import StrandedPerson
from fangkong.services.supplies.models import SupplyMovement, SupplyRequest
from fangkong.services.tracing.models import ContactCandidate, VenueScan
from fangkong.services.vaccination.models import VaccinationDose, VaccinationOutreach
from fangkong.services.visits.models import HomeVisit


def _plain(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def row(obj: Base) -> dict[str, Any]:
    """Every column of a stored row, as JSON gives it (instants and days in ISO 8601)."""
    return {attr.key: _plain(getattr(obj, attr.key)) for attr in inspect(obj).mapper.column_attrs}


def _rows(session: Session, stmt: Any) -> list[dict[str, Any]]:
    return [row(obj) for obj in session.scalars(stmt)]


def _protection(session: Session, person_id: int) -> dict[str, Any]:
    """The records of measures 11 to 17 about the person: doses and outreach, the key-population registry and its
    checks, needs during closure with their escalations and hotline calls, medicine requests and dispensations, the
    homes they live or work in, and their arrivals from other provinces with the follow-ups."""
    keys = session.scalars(select(KeyPerson).where(KeyPerson.person_id == person_id).order_by(KeyPerson.id))
    needs = session.scalars(select(ClosureNeed).where(ClosureNeed.person_id == person_id).order_by(ClosureNeed.id))
    arrivals = session.scalars(select(Arrival).where(Arrival.person_id == person_id).order_by(Arrival.id))

    def of(model: Any, column: Any, key: int) -> list[dict[str, Any]]:
        return _rows(session, select(model).where(column == key).order_by(model.id))

    return {
        "vaccinations": of(VaccinationDose, VaccinationDose.person_id, person_id),
        "vaccination_outreach": of(VaccinationOutreach, VaccinationOutreach.person_id, person_id),
        "key_population": [
            {**row(k), "checks": of(KeyPersonCheck, KeyPersonCheck.key_person_id, k.id)} for k in list(keys)
        ],
        "needs": [
            {
                **row(n),
                "escalations": of(NeedEscalation, NeedEscalation.need_id, n.id),
                "hotline": of(HotlineRecord, HotlineRecord.need_id, n.id),
            }
            for n in list(needs)
        ],
        "supply_requests": of(SupplyRequest, SupplyRequest.person_id, person_id),
        "supply_dispensations": of(SupplyMovement, SupplyMovement.person_id, person_id),
        "institution_memberships": of(InstitutionMember, InstitutionMember.person_id, person_id),
        "arrivals": [
            {**row(a), "follow_ups": of(ArrivalFollowUp, ArrivalFollowUp.arrival_id, a.id)} for a in list(arrivals)
        ],
    }


def person_export(session: Session, actor: Actor, person_id: int, *, reason: str | None = None) -> dict[str, Any]:
    """The whole file of one person in the actor's jurisdiction, unmasked (it is the person's own copy, so the
    actor must be allowed to see identifiers); audited as an `export` of the person."""
    actor.require(Permission.see_identifiers)
    person = person_in_scope(session, actor, person_id)
    orders = list(
        session.scalars(
            select(ManagementOrder).where(ManagementOrder.person_id == person_id).order_by(ManagementOrder.id)
        )
    )
    infections = list(session.scalars(select(Infection).where(Infection.person_id == person_id)))
    sample_ids = list(session.scalars(select(SampleMember.sample_id).where(SampleMember.person_id == person_id)))
    export: dict[str, Any] = {
        "person": row(person),
        "address_changes": _rows(
            session, select(AddressChange).where(AddressChange.person_id == person_id).order_by(AddressChange.id)
        ),
        "orders": [
            {
                **row(order),
                "events": _rows(
                    session, select(OrderEvent).where(OrderEvent.order_id == order.id).order_by(OrderEvent.id)
                ),
                "samplings": _rows(
                    session, select(Sampling).where(Sampling.order_id == order.id).order_by(Sampling.id)
                ),
                "room_assignments": _rows(
                    session,
                    select(RoomAssignment).where(RoomAssignment.order_id == order.id).order_by(RoomAssignment.id),
                ),
            }
            for order in orders
        ],
        "samples": _rows(session, select(Sample).where(Sample.id.in_(sample_ids)).order_by(Sample.id)),
        "lab_results": _rows(
            session, select(LabResult).where(LabResult.sample_id.in_(sample_ids)).order_by(LabResult.id)
        ),
        "retests": _rows(session, select(Retest).where(Retest.person_id == person_id).order_by(Retest.id)),
        "pool_holds": _rows(
            session,
            select(TemporaryControl).where(TemporaryControl.person_id == person_id).order_by(TemporaryControl.id),
        ),
        "health_code": next(iter(_rows(session, select(HealthCode).where(HealthCode.person_id == person_id))), None),
        "health_code_changes": _rows(
            session,
            select(HealthCodeChange).where(HealthCodeChange.person_id == person_id).order_by(HealthCodeChange.id),
        ),
        "infections": [
            {
                **row(i),
                "re_positives": _rows(
                    session, select(RePositive).where(RePositive.infection_id == i.id).order_by(RePositive.id)
                ),
                "severities": _rows(
                    session,
                    select(InfectionSeverity)
                    .where(InfectionSeverity.infection_id == i.id)
                    .order_by(InfectionSeverity.id),
                ),
                "stays": _rows(session, select(CareStay).where(CareStay.infection_id == i.id).order_by(CareStay.id)),
            }
            for i in infections
        ],
        "contact_proposals": _rows(
            session,
            select(ContactCandidate).where(ContactCandidate.person_id == person_id).order_by(ContactCandidate.id),
        ),
        "venue_scans": _rows(session, select(VenueScan).where(VenueScan.person_id == person_id).order_by(VenueScan.id)),
        "home_visits": _rows(session, select(HomeVisit).where(HomeVisit.person_id == person_id).order_by(HomeVisit.id)),
        "appeals": _rows(session, select(Ticket).where(Ticket.person_id == person_id).order_by(Ticket.id)),
        "stranded": _rows(
            session, select(StrandedPerson).where(StrandedPerson.person_id == person_id).order_by(StrandedPerson.id)
        ),
        "spill_over": _rows(
            session,
            select(SpilloverCandidate).where(SpilloverCandidate.person_id == person_id).order_by(SpilloverCandidate.id),
        ),
        **_protection(session, person_id),
        "audit": _rows(
            session,
            select(AuditEntry)
            .where(AuditEntry.entity == "person", AuditEntry.entity_id == str(person_id))
            .order_by(AuditEntry.id),
        ),
    }
    record(
        session,
        actor,
        action="exported",
        entity="person",
        entity_id=person_id,
        reason=reason,
        detail={
            "right": "access and copy (PIPL art. 45)",
            "orders": len(orders),
            "samples": len(sample_ids),
            "infections": len(infections),
        },
    )
    return export
