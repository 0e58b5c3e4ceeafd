"""Close-contact determination (measure 2): venues and their scans, candidates proposed from interviews,
households and venue co-presence, confirmed into management orders by an epidemiologist; secondary close
contacts only where the rules in force determine them; the timeliness of reporting and placement."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import and_, func, insert, or_, select, text
from sqlalchemy.orm import Session

from fangkong.errors import Conflict, InvalidInput, NotFound, Refused, RowError
from fangkong.policy import load_policy
from fangkong.rules.decision import Reason
from fangkong.rules.timeliness import Timeliness, infection_timeliness
from fangkong.rules.tracing import (
    Candidate,
    ExposureWindow,
    InfectionFacts,
    Scan,
    exposure_window,
    household_candidates,
    interview_candidate,
    secondary_determination,
    venue_candidates,
)
from fangkong.services.access import Actor, Permission
from fangkong.services.audit.service import record
from fangkong.services.calendar import JURISDICTION_ZONE, local_day, midnight
from fangkong.services.file_imports.batches import ImportSummary, Progress, already_imported, digest
from fangkong.services.file_imports.bulk import chunks, copy_into
from fangkong.services.file_imports.models import LabImport
from fangkong.services.file_imports.rows import Format, instant_of, records, text_of
from fangkong.services.infections.models import Infection
from fangkong.services.infections.service import infection_in_scope
from fangkong.services.jurisdictions.models import Jurisdiction
from fangkong.services.jurisdictions.service import jurisdiction_in_scope, scope_root
from fangkong.services.orders.models import ManagementOrder, OrderStatus
from fangkong.services.orders.schemas import OrderCreate
from fangkong.services.orders.service import place_order
from fangkong.services.paging import page_of
from fangkong.services.persons.models import Person
from fangkong.services.persons.service import people_by_document, person_in_scope

from .models import CandidateStatus, ContactCandidate, Venue, VenueScan

SCAN_COLUMNS = ("document_number", "venue_code", "scanned_at")


class VenueCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=3, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    address: str = Field(min_length=1, max_length=400)
    jurisdiction_code: str


class InterviewContact(BaseModel):
    model_config = ConfigDict(extra="forbid")

    person_id: int
    last_exposure: date
    setting: str = Field(min_length=3, max_length=400, description="how they met: shared a meal, same office…")


class CandidateRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    infection_id: int
    person_id: int
    category: str
    via_candidate_id: int | None
    source: str
    last_exposure: date
    detail: str
    reasons: list[dict[str, Any]]
    status: str
    order_id: int | None
    proposed_at: datetime
    proposed_by: str
    decided_at: datetime | None
    decided_by: str | None


def register_venue(session: Session, actor: Actor, data: VenueCreate) -> Venue:
    actor.require(Permission.trace_contacts)
    jurisdiction_in_scope(session, actor, data.jurisdiction_code)
    if session.get(Venue, data.code) is not None:
        raise Conflict("code", f"venue code {data.code} is registered")
    venue = Venue(**data.model_dump())
    session.add(venue)
    session.flush()
    return venue


def import_scans(
    session: Session,
    actor: Actor,
    data: bytes,
    *,
    fmt: Format,
    now: datetime,
    filename: str | None = None,
    progress: Progress | None = None,
) -> ImportSummary:
    """Venue-code scans (document number, venue code, instant); idempotent, all-or-nothing, bulk loaded."""
    actor.require(Permission.trace_contacts)
    key = digest(data)
    if (again := already_imported(session, key, "scans", actor)) is not None:
        return again
    raw_rows = []
    for n, raw in records(data, fmt, SCAN_COLUMNS):
        raw_rows.append(
            (
                n,
                text_of(n, raw, "document_number", max_len=64).upper(),
                text_of(n, raw, "venue_code", max_len=64),
                instant_of(n, raw, "scanned_at", now),
            )
        )
    if not raw_rows:
        raise InvalidInput("file", "no rows")
    if progress:
        progress("checked", len(raw_rows), len(raw_rows))
    people = people_by_document(session, actor, {r[1] for r in raw_rows})
    venues: set[str] = set()
    for part in chunks(sorted({r[2] for r in raw_rows})):
        venues.update(session.scalars(select(Venue.code).where(Venue.code.in_(part))))
    for n, doc, venue, _ in raw_rows:
        if doc not in people:
            raise RowError(
                n, "document_number", f"no person with document {doc[:6]}… is registered in your jurisdiction"
            )
        if venue not in venues:
            raise RowError(n, "venue_code", f"no venue {venue} is registered")
    batch = LabImport(
        kind="scans", digest=key, filename=filename, rows=len(raw_rows), added=0, imported_by=actor.username
    )
    session.add(batch)
    session.flush()
    before = _scan_count(session)
    values = [(people[doc], venue, at) for _, doc, venue, at in raw_rows]
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        session.execute(
            text(
                "CREATE TEMP TABLE IF NOT EXISTS venue_scan_stage "
                "(person_id integer, venue_code varchar(64), scanned_at timestamptz) ON COMMIT DROP"
            )
        )
        copy_into(session, "venue_scan_stage", ("person_id", "venue_code", "scanned_at"), values)
        session.execute(
            text(
                "INSERT INTO venue_scan (person_id, venue_code, scanned_at) "
                "SELECT person_id, venue_code, scanned_at FROM venue_scan_stage "
                "ON CONFLICT ON CONSTRAINT uq_venue_scan DO NOTHING"
            )
        )
        session.execute(text("TRUNCATE venue_scan_stage"))
    else:
        session.execute(
            insert(VenueScan).prefix_with("OR IGNORE"),
            [{"person_id": p, "venue_code": v, "scanned_at": at} for p, v, at in values],
        )
    added = _scan_count(session) - before
    batch.added = added
    record(session, actor, action="import", entity="lab_import", entity_id=batch.id, detail={"kind": "scans"})
    session.flush()
    return ImportSummary(import_id=batch.id, kind="scans", rows=len(raw_rows), added=added, already_imported=False)


def _scan_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(VenueScan)) or 0


def _window(infection: Infection, today: date) -> ExposureWindow:
    facts = InfectionFacts(
        onset_on=infection.onset_on, sampled_on=infection.sampled_on, isolated_at=infection.isolated_at
    )
    return exposure_window(facts, load_policy().at(today))


def _scans_with(
    session: Session, person_id: int, window: ExposureWindow, until: datetime | None, gap_minutes: int
) -> tuple[list[Scan], list[Scan]]:
    """The person's scans in the window, and everyone's scans of the same venues within the gap of one."""
    if window.from_day is None:
        return [], []
    start = midnight(window.from_day)
    mine_stmt = select(VenueScan).where(VenueScan.person_id == person_id, VenueScan.scanned_at >= start)
    if until is not None:
        mine_stmt = mine_stmt.where(VenueScan.scanned_at <= until)
    mine = [Scan(person_id=s.person_id, venue=s.venue_code, at=s.scanned_at) for s in session.scalars(mine_stmt)]
    if not mine:
        return [], []
    # one range per visit of the person, on the (venue_code, scanned_at) index; bounds computed here because
    # instants are compared, not computed, in SQL (SQLite has no interval arithmetic on them)
    gap = timedelta(minutes=gap_minutes)
    others: list[Scan] = []
    for part in chunks(mine, 200):
        stmt = select(VenueScan.person_id, VenueScan.venue_code, VenueScan.scanned_at).where(
            VenueScan.person_id != person_id,
            or_(
                *(
                    and_(VenueScan.venue_code == v.venue, VenueScan.scanned_at.between(v.at - gap, v.at + gap))
                    for v in part
                )
            ),
        )
        others.extend(Scan(person_id=p, venue=v, at=at) for p, v, at in session.execute(stmt))
    return mine, others


# More people than this at one registered address is not a home (a dormitory, or an address recorded only as
# far as the compound): they are not proposed wholesale, the epidemiologist names contacts there by interview.
MAX_HOUSEHOLD = 30


def _housemates(session: Session, person: Person) -> list[int]:
    found = list(
        session.scalars(
            select(Person.id)
            .where(
                Person.jurisdiction_code == person.jurisdiction_code,
                Person.address == person.address,
                Person.building.is_not_distinct_from(person.building),
                Person.unit.is_not_distinct_from(person.unit),
                Person.id != person.id,
            )
            .limit(MAX_HOUSEHOLD + 1)
        )
    )
    return found if len(found) <= MAX_HOUSEHOLD else []


def _excluded(session: Session, infection_id: int, people: list[int]) -> set[int]:
    """People not to propose: infected themselves, already candidates of this infection, or already under an
    active close-contact order."""
    out: set[int] = set()
    for part in chunks(people):
        out.update(session.scalars(select(Infection.person_id).where(Infection.person_id.in_(part))))
        out.update(
            session.scalars(
                select(ContactCandidate.person_id).where(
                    ContactCandidate.infection_id == infection_id, ContactCandidate.person_id.in_(part)
                )
            )
        )
        out.update(
            session.scalars(
                select(ManagementOrder.person_id).where(
                    ManagementOrder.person_id.in_(part),
                    ManagementOrder.status == OrderStatus.active,
                    ManagementOrder.category.in_(("close_contact", "secondary_close_contact")),
                )
            )
        )
    return out


def _store(
    session: Session,
    actor: Actor,
    infection_id: int,
    found: list[Candidate],
    category: str,
    now: datetime,
    via: int | None = None,
) -> list[ContactCandidate]:
    excluded = _excluded(session, infection_id, [c.person_id for c in found])
    made = []
    for c in found:
        if c.person_id in excluded:
            continue
        excluded.add(c.person_id)
        candidate = ContactCandidate(
            infection_id=infection_id,
            person_id=c.person_id,
            category=category,
            via_candidate_id=via,
            source=c.source,
            last_exposure=c.last_exposure,
            detail=c.detail[:400],
            reasons=[r.model_dump() for r in c.reasons],
            proposed_by=actor.username,
            proposed_at=now,
        )
        session.add(candidate)
        made.append(candidate)
    session.flush()
    return made


def propose_contacts(session: Session, actor: Actor, infection_id: int, *, now: datetime) -> list[ContactCandidate]:
    """Candidates from the infected person's home and venue scans inside the look-back window."""
    infection = session.get(Infection, infection_id)
    if infection is None:
        raise NotFound("infection", infection_id)
    today = local_day(now)
    policy = load_policy().at(today)
    window = _window(infection, today)
    if not window.determined:
        return []
    person = session.get(Person, infection.person_id)
    assert person is not None
    last_home_day = min(local_day(infection.isolated_at or now), today)
    found = household_candidates(person.id, _housemates(session, person), window, policy, last_home_day)
    gap = policy.get("tracing.venue_co_presence_minutes").value
    if gap is not None:
        mine, others = _scans_with(session, person.id, window, window.until, gap)
        found += venue_candidates(person.id, mine, others, window, policy, JURISDICTION_ZONE)
    made = _store(session, actor, infection.id, found, "close_contact", now)
    if made:
        record(
            session,
            actor,
            action="update",
            entity="person",
            entity_id=infection.person_id,
            detail={"infection": infection.id, "proposed": len(made)},
        )
    return made


def add_interview_contacts(
    session: Session, actor: Actor, infection_id: int, contacts: list[InterviewContact], *, now: datetime
) -> list[ContactCandidate]:
    """Contacts the infected person named to the epidemiologist."""
    actor.require(Permission.trace_contacts)
    infection = infection_in_scope(session, actor, infection_id)
    if not contacts:
        raise InvalidInput("contacts", "name at least one contact")
    today = local_day(now)
    policy = load_policy().at(today)
    window = _window(infection, today)
    found = []
    for i, c in enumerate(contacts):
        person_in_scope(session, actor, c.person_id)
        if c.person_id == infection.person_id:
            raise InvalidInput(f"contacts[{i}].person_id", "is the infected person")
        if c.last_exposure > today:
            raise InvalidInput(f"contacts[{i}].last_exposure", "is in the future")
        try:
            found.append(
                interview_candidate(c.person_id, c.last_exposure, c.setting, window, policy, JURISDICTION_ZONE)
            )
        except InvalidInput as exc:
            raise InvalidInput(f"contacts[{i}].{exc.field}", exc.message) from None
    return _store(session, actor, infection.id, found, "close_contact", now)


def candidate_in_scope(session: Session, actor: Actor, candidate_id: int) -> ContactCandidate:
    candidate = session.get(ContactCandidate, candidate_id)
    if candidate is None:
        raise NotFound("contact candidate", candidate_id)
    person_in_scope(session, actor, candidate.person_id)
    return candidate


def confirm_candidate(
    session: Session, actor: Actor, candidate_id: int, *, now: datetime, reason: str | None = None
) -> ContactCandidate:
    """The epidemiologist confirms a candidate: they are placed under management from their last exposure."""
    actor.require(Permission.trace_contacts)
    candidate = candidate_in_scope(session, actor, candidate_id)
    if candidate.status != CandidateStatus.proposed:
        raise Conflict("status", f"candidate {candidate.id} is {candidate.status}")
    order = place_order(
        session,
        actor,
        OrderCreate(
            person_id=candidate.person_id,
            category=candidate.category,
            anchor_date=candidate.last_exposure,
            reason=reason
            or f"{candidate.category.replace('_', ' ')} of infection {candidate.infection_id} "
            f"({candidate.source}: {candidate.detail})"[:400],
        ),
        today=local_day(now),
    )
    candidate.status, candidate.order_id = CandidateStatus.confirmed, order.id
    candidate.decided_at, candidate.decided_by = now, actor.username
    session.flush()
    return candidate


def dismiss_candidate(
    session: Session, actor: Actor, candidate_id: int, *, now: datetime, reason: str
) -> ContactCandidate:
    actor.require(Permission.trace_contacts)
    candidate = candidate_in_scope(session, actor, candidate_id)
    if candidate.status != CandidateStatus.proposed:
        raise Conflict("status", f"candidate {candidate.id} is {candidate.status}")
    if len(reason.strip()) < 3:
        raise InvalidInput("reason", "say why the candidate is dismissed")
    candidate.status, candidate.decided_at, candidate.decided_by = CandidateStatus.dismissed, now, actor.username
    record(
        session,
        actor,
        action="update",
        entity="person",
        entity_id=candidate.person_id,
        reason=reason,
        detail={"candidate": candidate.id, "dismissed": True},
    )
    session.flush()
    return candidate


def propose_secondary(session: Session, actor: Actor, candidate_id: int, *, now: datetime) -> list[ContactCandidate]:
    """The close contacts of a confirmed close contact — only where the rules in force determine them.

    Under the 20 measures this is refused with m20.2; under the 9th edition they are proposed with their own
    category (and plan, once confirmed), exposed from the infected person's window until the close contact was
    placed under management.
    """
    actor.require(Permission.trace_contacts)
    candidate = candidate_in_scope(session, actor, candidate_id)
    today = local_day(now)
    policy = load_policy().at(today)
    decision = secondary_determination(policy)
    if not decision.determined:
        reason: Reason = decision.reasons[0]
        raise Refused(reason.clause, f"{reason.text}: no secondary close contacts are generated")
    if candidate.category != "close_contact" or candidate.status != CandidateStatus.confirmed:
        raise Conflict("status", "secondary close contacts follow a confirmed close contact")
    infection = session.get(Infection, candidate.infection_id)
    assert infection is not None
    placed = candidate.decided_at
    assert placed is not None
    window = _window(infection, today).model_copy(update={"until": placed})
    contact = session.get(Person, candidate.person_id)
    assert contact is not None
    found = household_candidates(
        contact.id,
        _housemates(session, contact),
        window,
        policy,
        min(local_day(placed), today),
    )
    gap = policy.get("tracing.venue_co_presence_minutes").value
    if gap is not None:
        mine, others = _scans_with(session, contact.id, window, placed, gap)
        found += venue_candidates(contact.id, mine, others, window, policy, JURISDICTION_ZONE)
    found = [
        c.model_copy(update={"reasons": (*c.reasons, *decision.reasons)})
        for c in found
        if c.person_id != infection.person_id
    ]
    return _store(session, actor, infection.id, found, "secondary_close_contact", now, via=candidate.id)


def list_candidates(
    session: Session,
    actor: Actor,
    *,
    infection_id: int | None = None,
    status: str | None = None,
    category: str | None = None,
    offset: int = 0,
    limit: int = 50,
) -> tuple[list[ContactCandidate], int]:
    actor.require(Permission.read_persons)
    stmt = (
        select(ContactCandidate)
        .join(Person, ContactCandidate.person_id == Person.id)
        .join(Jurisdiction, Person.jurisdiction_code == Jurisdiction.code)
        .where(Jurisdiction.path.startswith(actor.jurisdiction_path))
    )
    if infection_id is not None:
        infection_in_scope(session, actor, infection_id)
        stmt = stmt.where(ContactCandidate.infection_id == infection_id)
    if status is not None:
        if status not in (CandidateStatus.proposed, CandidateStatus.confirmed, CandidateStatus.dismissed):
            raise InvalidInput("status", "proposed, confirmed or dismissed")
        stmt = stmt.where(ContactCandidate.status == status)
    if category is not None:
        if category not in ("close_contact", "secondary_close_contact"):
            raise InvalidInput("category", "close_contact or secondary_close_contact")
        stmt = stmt.where(ContactCandidate.category == category)
    return page_of(session, stmt.order_by(ContactCandidate.id), offset=offset, limit=limit)


class InfectionTimeliness(BaseModel):
    infection_id: int
    jurisdiction_code: str
    confirmed_at: datetime
    contacts: int
    timeliness: Timeliness


class JurisdictionTimeliness(BaseModel):
    jurisdiction_code: str
    infections: int
    reported_late: int
    median_report_hours: float | None
    contacts_placed: int
    contacts_late: int
    contacts_waiting: int
    median_placement_hours: float | None
    max_placement_hours: float | None


class TimelinessReport(BaseModel):
    since: date
    until: date
    report_within_hours: int | None
    contacts_placed_within_hours: int | None
    infections: list[InfectionTimeliness]
    jurisdictions: list[JurisdictionTimeliness]


def _median(values: list[float]) -> float | None:
    if not values:
        return None
    s = sorted(values)
    mid = len(s) // 2
    return s[mid] if len(s) % 2 else round((s[mid - 1] + s[mid]) / 2, 2)


def timeliness_report(
    session: Session,
    actor: Actor,
    *,
    since: date,
    until: date,
    now: datetime,
    jurisdiction_code: str | None = None,
) -> TimelinessReport:
    """Per infection confirmed in [since, until] and per jurisdiction: hours to report and to place each
    confirmed close contact under management, against the deadlines in force on the confirmation day."""
    actor.require(Permission.read_persons)
    if until < since:
        raise InvalidInput("until", "is before since")
    if (until - since).days > 366:
        raise InvalidInput("until", "at most a year at a time")
    root = scope_root(session, actor, jurisdiction_code)
    infections = list(
        session.scalars(
            select(Infection)
            .join(Jurisdiction, Infection.jurisdiction_code == Jurisdiction.code)
            .where(
                Jurisdiction.path.startswith(root),
                Infection.confirmed_at >= midnight(since),
                Infection.confirmed_at < midnight(until + timedelta(days=1)),
            )
            .order_by(Infection.confirmed_at, Infection.id)
        )
    )
    placed: dict[int, list[datetime | None]] = {i.id: [] for i in infections}
    for part in chunks([i.id for i in infections]):
        # placed when confirmed: the order is made in the same transaction, at the same instant
        for inf_id, status, order_at in session.execute(
            select(ContactCandidate.infection_id, ContactCandidate.status, ContactCandidate.decided_at).where(
                ContactCandidate.infection_id.in_(part), ContactCandidate.status != CandidateStatus.dismissed
            )
        ):
            placed[inf_id].append(order_at if status == CandidateStatus.confirmed else None)
    policy = load_policy()
    rows = []
    for inf in infections:
        rules = policy.at(local_day(inf.confirmed_at))
        t = infection_timeliness(inf.confirmed_at, inf.reported_at, placed[inf.id], now, rules)
        rows.append(
            InfectionTimeliness(
                infection_id=inf.id,
                jurisdiction_code=inf.jurisdiction_code,
                confirmed_at=inf.confirmed_at,
                contacts=len(placed[inf.id]),
                timeliness=t,
            )
        )
    by: dict[str, list[InfectionTimeliness]] = {}
    for row in rows:
        by.setdefault(row.jurisdiction_code, []).append(row)
    summary = []
    for code, items in sorted(by.items()):
        hours = [h for it in items for h in it.timeliness.placement_hours]
        reports = [it.timeliness.report_hours for it in items if it.timeliness.report_hours is not None]
        summary.append(
            JurisdictionTimeliness(
                jurisdiction_code=code,
                infections=len(items),
                reported_late=sum(it.timeliness.report_late for it in items),
                median_report_hours=_median(reports),
                contacts_placed=len(hours),
                contacts_late=sum(it.timeliness.contacts_late for it in items),
                contacts_waiting=sum(it.timeliness.contacts_waiting for it in items),
                median_placement_hours=_median(hours),
                max_placement_hours=max(hours) if hours else None,
            )
        )
    rules_now = policy.at(until)
    return TimelinessReport(
        since=since,
        until=until,
        report_within_hours=rules_now.integer("timeliness.report_within_hours").value,
        contacts_placed_within_hours=rules_now.integer("timeliness.contacts_placed_within_hours").value,
        infections=rows,
        jurisdictions=summary,
    )
