"""Spill-over (measure 3): people who left a risk area after it was delineated, proposed from venue scans and
address changes or declared, and placed under the plan for the level the area had on the day they left."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.errors import Conflict, Inconsistent, InvalidInput, NotFound
from fangkong.policy import Policy
from fangkong.rules.risk_area import spillover_category
from fangkong.services.access import Actor, Permission
from fangkong.services.calendar import local_day, local_time, midnight
from fangkong.services.jurisdictions.models import Jurisdiction
from fangkong.services.orders.schemas import OrderCreate
from fangkong.services.orders.service import place_order
from fangkong.services.paging import page_of
from fangkong.services.persons.models import AddressChange, Person
from fangkong.services.persons.service import person_in_scope
from fangkong.services.tracing.models import Venue, VenueScan

from .models import RiskArea, SpilloverCandidate, SpilloverSource, SpilloverStatus
from .service import area_in_scope, decide
from .shapes import home_area


def _inside(session: Session, path: str) -> set[str]:
    return set(session.scalars(select(Jurisdiction.code).where(Jurisdiction.path.startswith(path))))


def propose_spillover(session: Session, actor: Actor, risk_id: int, *, now: datetime) -> list[SpilloverCandidate]:
    """People who left the area after it was delineated, from venue scans: residents seen at a venue outside
    it, and visitors seen at a venue inside it. Each is proposed once per area."""
    actor.require(Permission.manage_areas)
    risk = area_in_scope(session, actor, risk_id)
    area = session.get(Jurisdiction, risk.area_code)
    if area is None:
        raise Inconsistent("area is not None")
    inside = _inside(session, area.path)
    start = midnight(risk.delineated_on)
    end = now if risk.active else midnight(risk.level_since)
    residents: dict[int, Person] = {}
    around = set(area.path.strip("/").split("/")) | inside  # the communities the area is in, or that it holds
    for p in session.scalars(select(Person).where(Person.jurisdiction_code.in_(around))):
        home = home_area(session, p.jurisdiction_code, p.building, p.unit)
        where = home or session.get(Jurisdiction, p.jurisdiction_code)
        if where is not None and where.path.startswith(area.path):
            residents[p.id] = p
    found: dict[int, tuple[date, str]] = {}
    scans = session.execute(
        select(VenueScan.person_id, VenueScan.scanned_at, Venue.code, Venue.jurisdiction_code)
        .join(Venue, Venue.code == VenueScan.venue_code)
        .where(VenueScan.scanned_at >= start, VenueScan.scanned_at <= end)
        .order_by(VenueScan.scanned_at)
    ).all()
    for pid, at, venue, venue_area in scans:
        venue_inside = venue_area in inside
        if (pid in residents) != venue_inside and pid not in found:
            what = "resident seen outside" if pid in residents else "visited"
            found[pid] = (local_day(at), f"{what}: venue {venue} at {local_time(at):%Y-%m-%d %H:%M}")
    proposals = [(pid, left, SpilloverSource.venue_scan, detail) for pid, (left, detail) in found.items()]
    # residents who moved out: their old home in the area, their new one outside
    for move in session.scalars(
        select(AddressChange)
        .where(AddressChange.moved_on >= risk.delineated_on, AddressChange.moved_on <= local_day(end))
        .order_by(AddressChange.moved_on, AddressChange.id)
    ):
        if move.person_id in found or move.person_id in {p for p, *_ in proposals}:
            continue
        old = home_area(session, move.from_jurisdiction_code, move.from_building, move.from_unit)
        old_path = old or session.get(Jurisdiction, move.from_jurisdiction_code)
        person = session.get(Person, move.person_id)
        if old_path is None or person is None or not old_path.path.startswith(area.path):
            continue
        now_home = home_area(session, person.jurisdiction_code, person.building, person.unit)
        now_path = now_home or session.get(Jurisdiction, person.jurisdiction_code)
        if now_path is not None and not now_path.path.startswith(area.path):
            proposals.append(
                (person.id, move.moved_on, SpilloverSource.address_change, f"moved out on {move.moved_on}")
            )
    return _propose(session, actor, risk, proposals)


def _propose(
    session: Session, actor: Actor, risk: RiskArea, found: list[tuple[int, date, SpilloverSource, str]]
) -> list[SpilloverCandidate]:
    made = []
    for pid, left_on, source, detail in found:
        exists = session.scalar(
            select(SpilloverCandidate.id).where(
                SpilloverCandidate.risk_area_id == risk.id, SpilloverCandidate.person_id == pid
            )
        )
        if exists is not None:
            continue
        candidate = SpilloverCandidate(
            risk_area_id=risk.id, person_id=pid, left_on=left_on, source=source, detail=detail[:400]
        )
        session.add(candidate)
        made.append(candidate)
    session.flush()
    return made


def declare_spillover(
    session: Session, actor: Actor, risk_id: int, person_id: int, left_on: date, *, now: datetime
) -> SpilloverCandidate:
    """A person declared (or was reported) as having left the area on `left_on`."""
    actor.require(Permission.write_persons)
    risk = area_in_scope(session, actor, risk_id)
    person_in_scope(session, actor, person_id)
    if left_on > local_day(now):
        raise InvalidInput("left_on", "is in the future")
    if left_on < risk.delineated_on:
        raise InvalidInput("left_on", f"before the area was delineated ({risk.delineated_on}): not a spill-over")
    made = _propose(session, actor, risk, [(person_id, left_on, SpilloverSource.declaration, "declared")])
    if not made:
        raise Conflict("person_id", f"person {person_id} is already proposed for area {risk.id}")
    return made[0]


def confirm_spillover(
    session: Session, actor: Actor, candidate_id: int, *, now: datetime, policy: Policy
) -> SpilloverCandidate:
    """Place a proposed spill-over person under the plan for the level the area had on the day they left (measure
    3; the 9th edition's medium-risk areas have a plan of their own), counted from that day."""
    candidate = session.get(SpilloverCandidate, candidate_id)
    if candidate is None:
        raise NotFound("spill-over candidate", candidate_id)
    risk = area_in_scope(session, actor, candidate.risk_area_id)
    if candidate.status != SpilloverStatus.proposed:
        raise Conflict("status", f"candidate {candidate.id} is {candidate.status}")
    level = decide(session, risk, candidate.left_on, policy).level
    category = spillover_category(level, policy.at(candidate.left_on))
    order = place_order(
        session,
        actor,
        OrderCreate(
            person_id=candidate.person_id,
            category=category.value,
            anchor_date=candidate.left_on,
            reason=f"left {level.value}-risk area {risk.id} on {candidate.left_on} ({candidate.detail})"[:400],
        ),
        today=local_day(now),
        policy=policy,
    )
    candidate.status, candidate.order_id, candidate.decided_by = SpilloverStatus.confirmed, order.id, actor.username
    session.flush()
    return candidate


def list_spillover(
    session: Session, actor: Actor, risk_id: int, *, status: str | None = None, offset: int = 0, limit: int = 50
) -> tuple[list[SpilloverCandidate], int]:
    area_in_scope(session, actor, risk_id)
    stmt = select(SpilloverCandidate).where(SpilloverCandidate.risk_area_id == risk_id)
    if status is not None:
        stmt = stmt.where(SpilloverCandidate.status == status)
    return page_of(session, stmt.order_by(SpilloverCandidate.id), offset=offset, limit=limit)
