"""The daily retention job: anonymise the personal data of people whose management ended more than the retention
period ago (PIPL art. 19 and 47; the period is the dated parameter `privacy.retention_days`).

Anonymised (art. 73(4)), not deleted: names, document numbers, phones, birth dates, sex, addresses and free-text
notes are replaced by a pseudonym or blanked, venue scans (a trail of places) removed, while orders, samples,
results, infections and codes stay, countable by jurisdiction and date. The record's `anonymised_on` makes the job
idempotent; each person anonymised leaves an audit entry.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from fangkong.policy import Policy, repealed
from fangkong.policy.terms import NeedStatus
from fangkong.services.access import Actor, Permission
from fangkong.services.appeals.models import Ticket, TicketStatus
from fangkong.services.arrivals.models import Arrival, ArrivalFollowUp
from fangkong.services.audit.service import record
from fangkong.services.calendar import local_day
from fangkong.services.closure_services.models import ClosureNeed, HotlineRecord
from fangkong.services.complaints.models import Complaint
from fangkong.services.infections.models import Infection, RePositive
from fangkong.services.jurisdictions.models import Jurisdiction
from fangkong.services.key_populations.models import KeyPerson, KeyPersonCheck
from fangkong.services.lab.models import TemporaryControl
from fangkong.services.orders.models import ManagementOrder, OrderEvent, OrderStatus
from fangkong.services.persons.models import AddressChange, Person
from fangkong.services.store import chunks
from fangkong.services.stranded.models import StrandedPerson, StrandedStatus
from fangkong.services.supplies.models import SupplyMovement
from fangkong.services.tracing.models import CandidateStatus, ContactCandidate, VenueScan
from fangkong.services.vaccination.models import VaccinationOutreach
from fangkong.services.visits.models import HomeVisit

RETENTION = "privacy.retention_days"


@dataclass(frozen=True)
class RetentionRun:
    """What one run did (or, dry, would do): people anonymised, and why the others under the job were kept."""

    today: date
    retention_days: int
    cutoff: date  # management that ended on or before this day has expired
    clause: str
    dry_run: bool
    anonymised: int
    kept: dict[str, int] = field(default_factory=dict)  # why: open_order, within_period, infection, ...
    complaints_anonymised: int = 0  # closed complaints whose complainant's name, phone and ID number were blanked


def _pseudonym(person_id: int) -> str:
    return f"anonymised-{person_id}"


def _ended_on(released_on: date, updated_at: datetime) -> date:
    """The last day an ended order held its person: its release day, or the day it was cancelled, transferred or
    superseded when that came later (the later of the two, so a record is never anonymised early)."""
    return max(released_on, local_day(updated_at))


def _blocked(session: Session, person_ids: list[int]) -> dict[int, str]:
    """People whose record is still in use whatever their orders say: an infection not yet discharged, a pool
    hold, a contact proposal not decided, an open appeal, a stranded request waiting, a need during closure not yet
    met (measure 17), an entry on the key-population registry not ended (measure 14: they are still looked after)."""
    held: dict[int, str] = {}
    for ids in chunks(person_ids):
        checks = (
            (
                "infection",
                select(Infection.person_id).where(Infection.person_id.in_(ids), Infection.discharged_on.is_(None)),
            ),
            (
                "pool_hold",
                select(TemporaryControl.person_id).where(
                    TemporaryControl.person_id.in_(ids), TemporaryControl.ended_at.is_(None)
                ),
            ),
            (
                "contact_proposal",
                select(ContactCandidate.person_id).where(
                    ContactCandidate.person_id.in_(ids), ContactCandidate.status == CandidateStatus.proposed
                ),
            ),
            (
                "open_appeal",
                select(Ticket.person_id).where(Ticket.person_id.in_(ids), Ticket.status == TicketStatus.open),
            ),
            (
                "stranded",
                select(StrandedPerson.person_id).where(
                    StrandedPerson.person_id.in_(ids), StrandedPerson.status == StrandedStatus.waiting
                ),
            ),
            (
                "open_need",
                select(ClosureNeed.person_id).where(
                    ClosureNeed.person_id.in_(ids),
                    ClosureNeed.status.in_([NeedStatus.open.value, NeedStatus.assigned.value]),
                ),
            ),
            (
                "key_population",
                select(KeyPerson.person_id).where(KeyPerson.person_id.in_(ids), KeyPerson.ended_at.is_(None)),
            ),
        )
        for reason, stmt in checks:
            for pid in session.scalars(stmt):
                if pid is not None:
                    held.setdefault(pid, reason)
    return held


# why a record is kept, in the order pages list them (`expired`'s counts use exactly these)
KEPT_REASONS = (
    "open_order",
    "infection",
    "pool_hold",
    "contact_proposal",
    "open_appeal",
    "stranded",
    "open_need",
    "key_population",
    "within_period",
)


def expired(
    session: Session, *, today: date, retention_days: int, scope_path: str = "/"
) -> tuple[list[tuple[int, date]], Counter[str]]:
    """People in the subtree `scope_path` whose personal data has expired on `today` (with the last day their
    management held them), and how many of the others were kept, by reason. Only people who were under
    management are considered: the period runs from the end of their last order (PIPL art. 47: the purpose of
    the processing, their management, is achieved)."""
    cutoff = today - timedelta(days=retention_days)
    # columns, not orders: the job reads every ended order of the scope, and an order's plan is the bulk of its row
    rows = session.execute(
        select(
            ManagementOrder.person_id, ManagementOrder.status, ManagementOrder.released_on, ManagementOrder.updated_at
        )
        .join(Person, Person.id == ManagementOrder.person_id)
        .join(Jurisdiction, Jurisdiction.code == Person.jurisdiction_code)
        .where(Person.anonymised_on.is_(None), Jurisdiction.path.startswith(scope_path, autoescape=True))
    )
    last: dict[int, date] = {}
    kept: Counter[str] = Counter()
    open_orders: set[int] = set()
    for person_id, status, released_on, updated_at in rows:
        if status == OrderStatus.active:
            open_orders.add(person_id)
            continue
        ended = _ended_on(released_on, updated_at)
        last[person_id] = max(ended, last.get(person_id, ended))
    for pid in open_orders:
        last.pop(pid, None)
    kept["open_order"] = len(open_orders)
    held = _blocked(session, sorted(last))
    discharged: dict[int, date] = {}
    for ids in chunks(sorted(last)):
        discharged.update(
            (pid, day)
            for pid, day in session.execute(
                select(Infection.person_id, Infection.discharged_on).where(
                    Infection.person_id.in_(ids), Infection.discharged_on.is_not(None)
                )
            )
            if day is not None
        )
    due: list[tuple[int, date]] = []
    for pid, ended in sorted(last.items()):
        if pid in held:
            kept[held[pid]] += 1
            continue
        # an infection is followed until its discharge, which may come after the order ended
        ended = max(ended, discharged.get(pid, ended))
        if ended > cutoff:
            kept["within_period"] += 1
            continue
        due.append((pid, ended))
    return due, +kept


def anonymise_person(session: Session, person: Person, *, today: date) -> None:
    """Replace or blank every identifying field of one person and of the records that carry their words
    (PIPL art. 73(4)); their venue scans, a trail of places and times, are removed. The audit log is append-only and
    names people by id only: it stays as it is."""
    pid = person.id
    person.name = _pseudonym(pid)
    person.document_type = "other"
    person.document_number = _pseudonym(pid)
    person.phone = None
    person.birth_date = None
    person.sex = None
    person.address = ""
    person.building = None
    person.unit = None
    person.anonymised_on = today
    session.execute(
        update(AddressChange)
        .where(AddressChange.person_id == pid)
        .values(from_address="", from_building=None, from_unit=None)
    )
    session.execute(update(HomeVisit).where(HomeVisit.person_id == pid).values(note=None))
    session.execute(
        update(Infection).where(Infection.person_id == pid).values(workplace=None, places=[], source_note=None)
    )
    infection_ids = select(Infection.id).where(Infection.person_id == pid).scalar_subquery()
    session.execute(update(RePositive).where(RePositive.infection_id.in_(infection_ids)).values(note=None))
    session.execute(update(ContactCandidate).where(ContactCandidate.person_id == pid).values(detail="", reasons=[]))
    session.execute(update(Ticket).where(Ticket.person_id == pid).values(text="", answer=None))
    session.execute(delete(VenueScan).where(VenueScan.person_id == pid))
    # the words staff and callers wrote about them under measures 12 to 17; the facts (doses, grades, kinds of need,
    # deadlines, the rules' reasons) stay
    session.execute(update(VaccinationOutreach).where(VaccinationOutreach.person_id == pid).values(reason=None))
    key_ids = select(KeyPerson.id).where(KeyPerson.person_id == pid).scalar_subquery()
    session.execute(update(KeyPerson).where(KeyPerson.person_id == pid).values(note=None))
    session.execute(update(KeyPersonCheck).where(KeyPersonCheck.key_person_id.in_(key_ids)).values(note=None))
    need_ids = select(ClosureNeed.id).where(ClosureNeed.person_id == pid).scalar_subquery()
    session.execute(
        update(ClosureNeed)
        .where(ClosureNeed.person_id == pid)
        .values(address="", detail=None, done_note=None, refusal_reason=None)
    )
    session.execute(
        update(HotlineRecord).where(HotlineRecord.need_id.in_(need_ids)).values(caller_phone="", summary="")
    )
    session.execute(update(SupplyMovement).where(SupplyMovement.person_id == pid).values(note=None))
    # measure 15: the landing check — where they came from and who employs them may name them; the days stay
    arrival_ids = select(Arrival.id).where(Arrival.person_id == pid).scalar_subquery()
    session.execute(update(Arrival).where(Arrival.person_id == pid).values(from_place=None, employer=None, note=None))
    session.execute(update(ArrivalFollowUp).where(ArrivalFollowUp.arrival_id.in_(arrival_ids)).values(note=None))
    # the staff's own words on their orders (why placed, released, cancelled) may name them or others; the rules'
    # reasons and citations stay
    session.execute(update(ManagementOrder).where(ManagementOrder.person_id == pid).values(status_reason=None))
    order_ids = select(ManagementOrder.id).where(ManagementOrder.person_id == pid).scalar_subquery()
    for event in session.scalars(select(OrderEvent).where(OrderEvent.order_id.in_(order_ids))):
        if event.detail.get("reason"):
            event.detail = {**event.detail, "reason": ""}


def expired_complaints(session: Session, *, cutoff: date, scope_path: str = "/") -> list[Complaint]:
    """Complaints in the subtree closed on or before `cutoff` that still hold who complained: their purpose, an
    answer and feedback to the complainant (measure 18), is achieved (PIPL art. 47), the same period as a person's.
    What happened, where and how it was rectified stay, for the counts and the typical cases (measure 16)."""
    candidates = session.scalars(
        select(Complaint)
        .join(Jurisdiction, Jurisdiction.code == Complaint.jurisdiction_code)
        .where(
            Complaint.closed_at.is_not(None),
            Jurisdiction.path.startswith(scope_path, autoescape=True),
            (Complaint.complainant_name.is_not(None))
            | (Complaint.complainant_phone.is_not(None))
            | (Complaint.complainant_id_number.is_not(None)),
        )
        .order_by(Complaint.id)
    )
    return [c for c in candidates if c.closed_at is not None and local_day(c.closed_at) <= cutoff]


def run_retention(
    session: Session, actor: Actor, policy: Policy, *, today: date, dry_run: bool = False
) -> RetentionRun:
    """Anonymise every expired record in the actor's jurisdiction (an administrator's job), each audited with the
    day the person's management ended and the period applied. A dry run counts and changes nothing."""
    actor.require(Permission.manage_users)
    retention = policy.at(today).integer(RETENTION)
    if retention.value is None:
        raise repealed(retention)
    days = retention.value
    due, kept = expired(session, today=today, retention_days=days, scope_path=actor.jurisdiction_path)
    complaints = expired_complaints(session, cutoff=today - timedelta(days=days), scope_path=actor.jurisdiction_path)
    if not dry_run:
        for pid, ended in due:
            person = session.get(Person, pid)
            assert person is not None
            anonymise_person(session, person, today=today)
            record(
                session,
                actor,
                action="anonymise",
                entity="person",
                entity_id=pid,
                reason=f"retention: management ended {ended}, kept {days} days",
                detail={"ended_on": ended.isoformat(), "retention_days": days, "clause": retention.source.clause},
            )
        for complaint in complaints:
            complaint.complainant_name = None
            complaint.complainant_phone = None
            complaint.complainant_id_number = None
            record(
                session,
                actor,
                action="anonymise",
                entity="complaint",
                entity_id=complaint.id,
                reason=f"retention: complaint closed, kept {days} days",
                detail={"retention_days": days, "clause": retention.source.clause},
            )
        session.flush()
    return RetentionRun(
        today=today,
        retention_days=days,
        cutoff=today - timedelta(days=days),
        clause=retention.source.clause,
        dry_run=dry_run,
        anonymised=len(due),
        kept=dict(kept),
        complaints_anonymised=len(complaints),
    )
