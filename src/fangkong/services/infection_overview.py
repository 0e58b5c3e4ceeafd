"""Everything an epidemiologist needs about one infection in one place (issue 16): where it was found, the
transmission chain it belongs to, and its close contacts — proposed, confirmed or dismissed — each with the
evidence behind the proposal (the shared home, or the venue and both scan times) and the order a confirmation
placed.

It reads through the services that keep each record, so every read is scoped and audited as theirs are: the
infection is a read in its person's trail, and each contact or chain member shown by name gets a `listed` entry,
as a list of people does (`persons.service.list_persons`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.services.access import Actor
from fangkong.services.infections.models import Infection
from fangkong.services.infections.service import Chain, read_infection, transmission_chain
from fangkong.services.jurisdictions.models import Jurisdiction
from fangkong.services.orders.models import ManagementOrder
from fangkong.services.persons.schemas import PersonRead
from fangkong.services.persons.service import listed_names, read_person, to_read
from fangkong.services.store import chunks
from fangkong.services.tracing.candidates import list_candidates
from fangkong.services.tracing.models import ContactCandidate, Venue, VenueScan

# how far apart two scans of one venue are still shown as the evidence of a proposal: the proposal itself used the
# rules' gap (`tracing.venue_co_presence_minutes`); this only bounds what is displayed beside it
_EVIDENCE_WINDOW = timedelta(hours=2)
_PAGE = 500


@dataclass(frozen=True)
class VenueEvidence:
    """One visit that put the contact beside the infected person: the venue and both scans."""

    venue: str
    address: str
    contact_at: datetime
    infected_at: datetime | None


@dataclass(frozen=True)
class ContactView:
    candidate: ContactCandidate
    name: str
    household: bool
    visits: list[VenueEvidence]
    order: ManagementOrder | None


@dataclass(frozen=True)
class ChainMember:
    infection_id: int
    name: str | None  # None: outside the reader's jurisdiction
    kind: str
    confirmed_at: datetime
    is_this: bool


@dataclass(frozen=True)
class InfectionOverview:
    infection: Infection
    person: PersonRead
    jurisdiction: str  # its name
    chain: Chain
    members: list[ChainMember]
    contacts: list[ContactView]

    @property
    def proposed(self) -> list[ContactView]:
        return [c for c in self.contacts if c.candidate.status == "proposed"]


def _visits(session: Session, infected: int, contacts: list[ContactCandidate]) -> dict[int, list[VenueEvidence]]:
    """For each venue-proposed contact: their scans at a venue the infected person scanned near the same time."""
    venue_ids = [c.person_id for c in contacts if c.source == "venue"]
    if not venue_ids:
        return {}
    theirs = list(session.scalars(select(VenueScan).where(VenueScan.person_id == infected)))
    if not theirs:
        return {}
    codes = {s.venue_code for s in theirs}
    venues = {v.code: v for v in session.scalars(select(Venue).where(Venue.code.in_(codes)))}
    out: dict[int, list[VenueEvidence]] = {}
    for part in chunks(venue_ids):
        scans = session.scalars(
            select(VenueScan)
            .where(VenueScan.person_id.in_(part), VenueScan.venue_code.in_(codes))
            .order_by(VenueScan.scanned_at)
        )
        for scan in scans:
            near = [
                s
                for s in theirs
                if s.venue_code == scan.venue_code and abs(s.scanned_at - scan.scanned_at) <= _EVIDENCE_WINDOW
            ]
            if not near:
                continue
            closest = min(near, key=lambda s: abs(s.scanned_at - scan.scanned_at))
            venue = venues.get(scan.venue_code)
            out.setdefault(scan.person_id, []).append(
                VenueEvidence(
                    venue=venue.name if venue else scan.venue_code,
                    address=venue.address if venue else "",
                    contact_at=scan.scanned_at,
                    infected_at=closest.scanned_at,
                )
            )
    return out


def every_candidate(
    session: Session, actor: Actor, infection_id: int, status: str | None = None
) -> list[ContactCandidate]:
    """All of an infection's candidates (a market's venue scans can propose hundreds), a page at a time."""
    out: list[ContactCandidate] = []
    while True:
        rows, total = list_candidates(
            session, actor, infection_id=infection_id, status=status, offset=len(out), limit=_PAGE
        )
        out.extend(rows)
        if not rows or len(out) >= total:
            return out


def infection_overview(
    session: Session, actor: Actor, infection_id: int, *, reason: str = "console"
) -> InfectionOverview:
    """One infection as the reader may see it; identifiers masked unless the role sees them."""
    infection = read_infection(session, actor, infection_id)
    person = to_read(read_person(session, actor, infection.person_id, reason=reason), actor)
    place = session.get(Jurisdiction, infection.jurisdiction_code)
    chain = transmission_chain(session, actor, infection.id)
    candidates = every_candidate(session, actor, infection.id)
    visible = {n.person_id for n in chain.nodes if n.person_id is not None} - {infection.person_id}
    names = listed_names(session, actor, [*visible, *(c.person_id for c in candidates)], reason)
    names[infection.person_id] = person.name
    order_ids = [c.order_id for c in candidates if c.order_id is not None]
    orders = {o.id: o for o in session.scalars(select(ManagementOrder).where(ManagementOrder.id.in_(order_ids)))}
    visits = _visits(session, infection.person_id, candidates)
    contacts = [
        ContactView(
            candidate=c,
            name=names.get(c.person_id, ""),
            household=c.source == "household",
            visits=visits.get(c.person_id, []),
            order=orders.get(c.order_id) if c.order_id is not None else None,
        )
        for c in candidates
    ]
    members = [
        ChainMember(
            infection_id=n.infection_id,
            name=names.get(n.person_id) if n.person_id is not None else None,
            kind=n.kind,
            confirmed_at=n.confirmed_at,
            is_this=n.infection_id == infection.id,
        )
        for n in chain.nodes
    ]
    return InfectionOverview(
        infection=infection,
        person=person,
        jurisdiction=place.name if place else infection.jurisdiction_code,
        chain=chain,
        members=members,
        contacts=contacts,
    )
